import type { Request, Response } from 'express';
import { principalOf } from '../middlewares/authenticate';
import type { AuthService } from '../services/auth/auth.service';
import type { UserService } from '../services/auth/user.service';

export function createAuthController(auth: AuthService, users: UserService) {
  return {
    async register(req: Request, res: Response) {
      res.status(201).json(await auth.register({ ...res.locals.body, ip: req.ip ?? 'unknown' }));
    },
    async login(req: Request, res: Response) {
      res.status(200).json(await auth.login({ ...res.locals.body, ip: req.ip ?? 'unknown' }));
    },
    async me(_req: Request, res: Response) {
      res.status(200).json(await users.getById(principalOf(res).userId));
    },
    async updateMe(_req: Request, res: Response) {
      res.status(200).json(await users.updateProfile(principalOf(res).userId, res.locals.body));
    },
  };
}
