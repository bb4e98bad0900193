import type { createAdminMeetingsController } from '../controllers/admin-meetings.controller';
import {
  MeetingRetryParams,
  MeetingRetryResult,
  MeetingTroublePage,
  MeetingTroubleQuery,
} from '../schemas/admin-meetings.schemas';
import type { DefineRoute } from './define-route';

export function registerAdminMeetingsRoutes(
  route: DefineRoute,
  controller: ReturnType<typeof createAdminMeetingsController>,
) {
  const tags = ['Meeting integrity (admin)'];
  route({
    method: 'get',
    path: '/api/admin/meetings',
    tags,
    summary: 'Meetings in trouble (pending, failed, waiting for quota, orphaned) and those repaired in the last 7 days',
    description: 'Sorted by session start. `counts` covers every state whatever the `state` filter.',
    access: ['admin'],
    request: { query: MeetingTroubleQuery },
    responses: { 200: { description: 'One page of meetings', schema: MeetingTroublePage } },
    handler: controller.list,
  });
  route({
    method: 'post',
    path: '/api/admin/meetings/:bookingId/retry',
    tags,
    summary: "Makes the next attempt on a booking's meeting now",
    access: ['admin'],
    request: { params: MeetingRetryParams },
    responses: { 202: { description: 'The attempt is due now', schema: MeetingRetryResult } },
    errors: { 404: 'No such booking', 409: 'The session is over, or the booking changed meanwhile' },
    handler: controller.retry,
  });
}
