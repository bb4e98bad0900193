import type { createGuestController } from '../controllers/guest.controller';
import { Accepted } from '../schemas/auth.schemas';
import { IdempotencyHeaders } from '../schemas/booking.schemas';
import { GuestBooking, GuestBookingBody, GuestEmailCodeBody } from '../schemas/guest.schemas';
import type { DefineRoute } from './define-route';

export function registerGuestRoutes(route: DefineRoute, controller: ReturnType<typeof createGuestController>) {
  const tags = ['Guest booking'];
  route({
    method: 'post',
    path: '/api/guest/email-codes',
    tags,
    summary: 'Mail a 6-digit code that proves the address for a guest booking (always 202, whatever the address)',
    description:
      'The code works for 10 minutes and 5 wrong tries; only the newest code of an address works. At most ' +
      'GUEST_CODES_MAX_PER_EMAIL codes per address and GUEST_CODES_MAX_PER_IP per IP per hour.',
    access: 'public',
    request: { body: GuestEmailCodeBody },
    responses: { 202: { description: 'Accepted: a code is on its way', schema: Accepted } },
    errors: { 429: 'RATE_LIMITED: too many codes for this address or from this IP (Retry-After)' },
    handler: controller.sendCode,
  });
  route({
    method: 'post',
    path: '/api/guest/bookings',
    tags,
    summary: 'Book without an account, with the emailed code; the answer carries the manage link',
    description:
      'A normal booking (meeting, mails with the manage link and .ics, reminders, policies, limits) owned by the ' +
      'address. The same Idempotency-Key and body (with the same code) answers the same booking again.',
    access: 'public',
    request: { body: GuestBookingBody, headers: IdempotencyHeaders },
    responses: {
      201: { description: 'Booked (or the same booking again for a repeated Idempotency-Key)', schema: GuestBooking },
    },
    errors: {
      403: 'GUESTS_NOT_ALLOWED: the specialist takes signed-in customers only',
      404: 'No such specialist',
      409: 'BOOKING_CONFLICT: overlaps another booking; ACCOUNT_BEING_DELETED',
      422:
        'EMAIL_CODE_INVALID (details.reason: wrong with details.triesLeft, then dead, for a live code; invalid ' +
        'for anything else: no code, or the newest one expired or used); ' +
        'GUEST_EMAIL_NOT_CUSTOMER; outside availability, notice or horizon; ZOOM_NOT_CONNECTED; IDEMPOTENCY_KEY_REUSED',
      429:
        'RATE_LIMITED: BOOKING_RATE_PER_HOUR for this address, or GUEST_CODE_FAILURES_MAX_PER_IP codes that did ' +
        'not work from this IP in the hour (Retry-After)',
    },
    handler: controller.book,
  });
}
