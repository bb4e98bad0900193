import type { Request, Response } from 'express';
import { principalOf } from '../middlewares/authenticate';
import type { S2SHostsQuery } from '../schemas/s2s-hosts.schemas';
import type { S2SHosts } from '../services/zoom/s2s-hosts.service';

/** The admins' S2S hosts: who hosts as which Zoom user of the platform account, approval and revocation. */
export function createAdminS2SHostsController(deps: { hosts: S2SHosts }) {
  const specialistOf = (res: Response) => (res.locals.params as { specialistId: string }).specialistId;
  return {
    async list(_req: Request, res: Response) {
      res.status(200).json(await deps.hosts.list(res.locals.query as S2SHostsQuery));
    },
    async approve(_req: Request, res: Response) {
      res.status(200).json(await deps.hosts.approve(specialistOf(res), principalOf(res).userId));
    },
    async revoke(_req: Request, res: Response) {
      res.status(200).json(await deps.hosts.revoke(specialistOf(res), principalOf(res).userId));
    },
  };
}
