import type { createManageController } from '../controllers/manage.controller';
import { RescheduleBody } from '../schemas/booking.schemas';
import { ManagedBooking, ManageParams } from '../schemas/manage.schemas';
import type { DefineRoute } from './define-route';

const INVALID =
  'The link is not valid: tampered, expired (the session has ended), or the booking was cancelled or moved since. ' +
  'Always MANAGE_LINK_INVALID, whether or not the booking exists';

export function registerManageRoutes(route: DefineRoute, controller: ReturnType<typeof createManageController>) {
  const tags = ['Manage links'];
  route({
    method: 'get',
    path: '/api/manage/:token',
    tags,
    summary: 'The booking behind a customer’s manage link (no sign-in: the signed token is the credential)',
    access: 'public',
    request: { params: ManageParams },
    responses: {
      200: { description: 'The booking, its specialist and until when it can be changed', schema: ManagedBooking },
    },
    errors: { 404: INVALID },
    handler: controller.get,
  });
  route({
    method: 'post',
    path: '/api/manage/:token/cancel',
    tags,
    summary: 'Cancel as the customer: same rules and errors as POST /api/bookings/{id}/cancel',
    access: 'public',
    request: { params: ManageParams },
    responses: { 200: { description: 'Cancelled (token is null: the link is dead now)', schema: ManagedBooking } },
    errors: { 404: INVALID, 422: 'TOO_LATE_TO_CHANGE: inside the specialist’s cancellation notice' },
    handler: controller.cancel,
  });
  route({
    method: 'post',
    path: '/api/manage/:token/reschedule',
    tags,
    summary: 'Move as the customer: same rules and errors as POST /api/bookings/{id}/reschedule',
    access: 'public',
    request: { params: ManageParams, body: RescheduleBody },
    responses: {
      200: {
        description:
          'Moved; `token` is a link for the new version (earlier links keep working until a cancel or the session’s end)',
        schema: ManagedBooking,
      },
    },
    errors: {
      404: INVALID,
      409: 'BOOKING_CONFLICT: overlaps another booking; CALENDAR_BUSY: the specialist’s calendar is busy then',
      422: 'Outside availability, notice or horizon; TOO_LATE_TO_CHANGE; DAILY_LIMIT_REACHED; RESCHEDULE_LIMIT_REACHED',
      429: 'RATE_LIMITED: more than BOOKING_RATE_PER_HOUR bookings and moves by this customer in an hour (Retry-After)',
    },
    handler: controller.reschedule,
  });
}
