import type { Request, Response } from 'express';
import type { IdempotencyHeaders } from '../schemas/booking.schemas';
import type { BookingQueryService } from '../services/booking/booking-query.service';
import type { GuestBookingService } from '../services/booking/guest-booking.service';

interface EmailCodes {
  send(input: { email: string; ip: string }): Promise<void>;
}

const SENT = { message: 'A code is on its way to this address; it works for 10 minutes' };

/** Booking without an account: a code mailed to the address, then the booking with it. */
export function createGuestController(deps: {
  codes: EmailCodes;
  guestBookings: GuestBookingService;
  queries: BookingQueryService;
}) {
  return {
    async sendCode(req: Request, res: Response) {
      await deps.codes.send({ email: res.locals.body.email, ip: req.ip ?? 'unknown' });
      res.status(202).json(SENT);
    },
    async book(req: Request, res: Response) {
      const key = (res.locals.headers as IdempotencyHeaders)['idempotency-key'];
      const { booking, manage, replayed } = await deps.guestBookings.book(res.locals.body, req.ip ?? 'unknown', key);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      // The answer holds the manage link, a credential: like the manage routes, never cached nor sent on.
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      const viewer = { userId: booking.customerId, role: 'customer' as const };
      res.status(201).json({
        ...(await deps.queries.namedOne(booking, viewer)),
        manageToken: manage.token,
        manageUrl: manage.url,
      });
    },
  };
}
