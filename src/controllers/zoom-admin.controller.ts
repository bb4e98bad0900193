import type { Request, Response } from 'express';
import { zoomTokenCheck } from '../middlewares/zoom-token-check';
import type { CreateZoomMeetingBody, ZoomUsersQuery } from '../schemas/zoom-admin.schemas';
import type { S2STokenService } from '../services/zoom/zoom-s2s-token.service';
import type { ZoomAccountService } from '../services/zoom/zoom-account.service';

/**
 * Admin-only calls on the platform's Zoom account. Zoom's answers go back as Zoom gave them (after the API client's
 * zod check), start_url included: admins already control the account, and creating a meeting is of little use
 * without a way to start it.
 */
export function createZoomAdminController(deps: {
  account: ZoomAccountService;
  s2s: Pick<S2STokenService, 'getAccessToken'>;
}) {
  const { account } = deps;
  return {
    tokenCheck: zoomTokenCheck(deps.s2s),

    async listUsers(_req: Request, res: Response) {
      const query = res.locals.query as ZoomUsersQuery;
      res
        .status(200)
        .json(await account.listUsers({ pageSize: query.page_size, nextPageToken: query.next_page_token }));
    },

    async getUser(_req: Request, res: Response) {
      res.status(200).json(await account.getUser((res.locals.params as { userId: string }).userId));
    },

    async listMeetings(_req: Request, res: Response) {
      res.status(200).json(await account.listMeetings((res.locals.query as { userId: string }).userId));
    },

    async createMeeting(_req: Request, res: Response) {
      res.status(201).json(await account.createMeeting(res.locals.body as CreateZoomMeetingBody));
    },
  };
}
