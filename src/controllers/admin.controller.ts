import type { Request, Response } from 'express';
import type { RefreshEventsQuery, ZoomConnectionsQuery } from '../schemas/admin.schemas';
import type { RefreshLog } from '../services/grant-health/refresh-log.service';
import type { ZoomConnectionsAdmin } from '../services/grant-health/zoom-connections.service';

/** The grant-health views for admins. */
export function createAdminController(deps: { connections: ZoomConnectionsAdmin; refreshLog: RefreshLog }) {
  return {
    async zoomConnections(_req: Request, res: Response) {
      res.status(200).json(await deps.connections.list(res.locals.query as ZoomConnectionsQuery));
    },

    async refreshEvents(_req: Request, res: Response) {
      res.status(200).json(await deps.refreshLog.list(res.locals.query as RefreshEventsQuery));
    },
  };
}
