import { z } from 'zod';
import type { createBookingController } from '../controllers/booking.controller';
import {
  Booking,
  BookingList,
  BookingListQuery,
  CreateBookingBody,
  IdempotencyHeaders,
  RescheduleBody,
  StartQuery,
} from '../schemas/booking.schemas';
import { IdParams } from '../schemas/common.schemas';
import type { DefineRoute } from './define-route';

export function registerBookingRoutes(route: DefineRoute, controller: ReturnType<typeof createBookingController>) {
  const tags = ['Bookings'];
  route({
    method: 'post',
    path: '/api/bookings',
    tags,
    summary: 'Book a slot; the Zoom meeting and both emails follow automatically',
    description:
      'The booking is stored first. If Zoom is unavailable the booking is still confirmed with meeting.status ' +
      '"pending" and a durable job creates the meeting later.',
    access: ['customer'],
    // The booking service reads the customer's account together with the specialist's data: one round trip less.
    accountRead: 'token',
    request: { body: CreateBookingBody, headers: IdempotencyHeaders },
    responses: {
      201: { description: 'Booked (or the same booking again for a repeated Idempotency-Key)', schema: Booking },
    },
    errors: {
      404: 'No such specialist',
      403: 'EMAIL_NOT_VERIFIED (REQUIRE_VERIFIED_EMAIL)',
      409: 'BOOKING_CONFLICT: overlaps another booking of the specialist; CALENDAR_BUSY: their calendar is busy then',
      422:
        'Outside availability, notice or horizon; DAILY_LIMIT_REACHED; ZOOM_NOT_CONNECTED: specialist without working ' +
        'Zoom; IDEMPOTENCY_KEY_REUSED: Idempotency-Key reused with another body',
      429: 'RATE_LIMITED: more than BOOKING_RATE_PER_HOUR bookings and moves by this customer in an hour (Retry-After)',
    },
    handler: controller.create,
  });
  route({
    method: 'get',
    path: '/api/bookings',
    tags,
    summary: 'Your bookings (as customer or specialist; admins see all)',
    access: 'authenticated',
    request: { query: BookingListQuery },
    responses: { 200: { description: 'A page of bookings', schema: BookingList } },
    handler: controller.list,
  });
  route({
    method: 'get',
    path: '/api/bookings/:id',
    tags,
    summary: 'One booking (its two parties and admins)',
    access: 'authenticated',
    request: { params: IdParams },
    responses: { 200: { description: 'The booking', schema: Booking } },
    errors: { 404: 'No such booking, or not yours' },
    handler: controller.get,
  });
  route({
    method: 'post',
    path: '/api/bookings/:id/cancel',
    tags,
    summary: 'Cancel (either party): deletes the Zoom meeting, frees the slot, emails both',
    access: ['customer', 'specialist', 'admin'],
    request: { params: IdParams },
    responses: { 200: { description: 'Cancelled', schema: Booking } },
    errors: { 404: 'No such booking, or not yours' },
    handler: controller.cancel,
  });
  route({
    method: 'post',
    path: '/api/bookings/:id/reschedule',
    tags,
    summary: 'Move to a new start: same rules as booking; updates the Zoom meeting; emails both',
    access: ['customer', 'specialist', 'admin'],
    request: { params: IdParams, body: RescheduleBody },
    responses: { 200: { description: 'Moved', schema: Booking } },
    errors: {
      404: 'No such booking, or not yours',
      409: 'BOOKING_CONFLICT: overlaps another booking; CALENDAR_BUSY: the specialist’s calendar is busy then',
      422:
        'Outside availability or not active; TOO_LATE_TO_CHANGE; DAILY_LIMIT_REACHED; RESCHEDULE_LIMIT_REACHED: the ' +
        'customer moved this booking RESCHEDULE_LIMIT_PER_BOOKING times already',
      429: 'RATE_LIMITED: more than BOOKING_RATE_PER_HOUR bookings and moves by this customer in an hour (Retry-After)',
    },
    handler: controller.reschedule,
  });
  route({
    method: 'get',
    path: '/api/bookings/:id/start',
    tags,
    summary: "Specialist's start link: 302 to a fresh Zoom start_url (login or the signed link from the email)",
    access: 'public',
    request: { params: IdParams, query: StartQuery },
    responses: {
      200: {
        description: 'With `Accept: application/json` (the web app): `{ url }`',
        schema: z.object({ url: z.string() }),
      },
      302: { description: 'Redirect to Zoom' },
    },
    errors: {
      401: 'No login and no valid link',
      403:
        's2s: a meeting of the shared ZOOM_S2S_HOST_USER (START_LINK_SHARED_HOST: admins and that host only), or ' +
        'the specialist is not approved as its host (S2S_HOST_NOT_APPROVED)',
      404: 'No such booking, or not yours',
      409: 'Meeting not created yet',
      410: 'Cancelled',
    },
    handler: controller.start,
  });
}
