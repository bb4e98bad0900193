import type { Request, Response } from 'express';
import { principalOf } from '../middlewares/authenticate';
import type { SpecialistService } from '../services/specialist/specialist.service';

export function createSpecialistController(specialists: SpecialistService) {
  return {
    async putAvailability(_req: Request, res: Response) {
      res.status(200).json(await specialists.setAvailability(principalOf(res).userId, res.locals.body));
    },
    async getAvailability(_req: Request, res: Response) {
      res.status(200).json(await specialists.getAvailability(principalOf(res).userId));
    },
    async list(_req: Request, res: Response) {
      res.status(200).json({ items: await specialists.list() });
    },
    async get(_req: Request, res: Response) {
      res.status(200).json(await specialists.get(res.locals.params.id));
    },
    async slots(_req: Request, res: Response) {
      res.status(200).json(await specialists.freeSlots(res.locals.params.id, res.locals.query));
    },
  };
}
