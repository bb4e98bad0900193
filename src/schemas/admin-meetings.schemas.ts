import { z } from 'zod';
import { MEETING_TROUBLE_STATES, REPAIR_CAUSES } from '../models/booking.model';
import { ObjectId } from './common.schemas';

const State = z.enum(MEETING_TROUBLE_STATES).meta({
  description:
    'pending / failed / waiting_for_quota: upcoming bookings whose meeting is in that state; orphaned: meetings left ' +
    'in an old Zoom account or that Zoom would not delete; repaired: repaired in the last 7 days',
});
const page = z.coerce.number().int().min(1).max(10_000).default(1).meta({ description: 'From 1 (default 1)' });
const pageSize = z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Default 50, at most 200' });

export const MeetingTroubleQuery = z.strictObject({ state: State.optional(), page, pageSize }).meta({
  id: 'MeetingTroubleQuery',
});

export const MeetingTroubleRow = z
  .object({
    bookingId: z.string(),
    specialist: z.object({ id: z.string(), name: z.string() }),
    start: z.string().meta({ description: 'ISO 8601 instant (UTC)' }),
    zoomMeetingId: z.string().nullable(),
    state: State,
    lastError: z.string().nullable(),
    lastRepair: z
      .object({ at: z.string(), cause: z.enum(REPAIR_CAUSES) })
      .nullable()
      .meta({ description: 'zoom_deleted, zoom_changed, reconnect_moved, verify_before_session, reconcile' }),
  })
  .meta({ id: 'MeetingTroubleRow' });

export const MeetingTroublePage = z
  .object({
    items: z.array(MeetingTroubleRow),
    counts: z.object(Object.fromEntries(MEETING_TROUBLE_STATES.map((s) => [s, z.number().int()]))),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'MeetingTroublePage' });

export const MeetingRetryParams = z.strictObject({ bookingId: ObjectId });

export const MeetingRetryResult = z
  .object({
    bookingId: z.string(),
    retried: z.enum(['meeting', 'check', 'delete']).meta({
      description:
        'meeting: the pending/failed/waiting meeting is due now; check: a live meeting is read from Zoom and ' +
        'repaired now; delete: a cancelled booking’s meeting is deleted now (orphaned meetings are tried at once)',
    }),
  })
  .meta({ id: 'MeetingRetryResult' });

export type MeetingTroubleQuery = z.infer<typeof MeetingTroubleQuery>;
