import type { Request, Response } from 'express';
import type { MeetingTroubleQuery } from '../schemas/admin-meetings.schemas';
import type { MeetingAdmin } from '../services/booking/meeting-admin.service';

/** The admins' view of meeting trouble, and "try now". */
export function createAdminMeetingsController(deps: { meetings: MeetingAdmin }) {
  return {
    async list(_req: Request, res: Response) {
      res.status(200).json(await deps.meetings.list(res.locals.query as MeetingTroubleQuery));
    },

    async retry(_req: Request, res: Response) {
      res.status(202).json(await deps.meetings.retry((res.locals.params as { bookingId: string }).bookingId));
    },
  };
}
