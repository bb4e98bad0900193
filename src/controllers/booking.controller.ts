import type { Request, Response } from 'express';
import { bearerToken, cookiePrincipal, principalOf } from '../middlewares/authenticate';
import { readCookie, sessionCookieNames, type SessionCookieSettings } from '../middlewares/session-cookies';
import { UnauthenticatedError } from '../lib/errors';
import type { IdempotencyHeaders } from '../schemas/booking.schemas';
import type { AuthService } from '../services/auth/auth.service';
import type { BookingQueryService } from '../services/booking/booking-query.service';
import type { BookingService } from '../services/booking/booking.service';
import type { BookingStartService } from '../services/booking/booking-start.service';
import { toBookingDto, type BookingLinks } from '../services/booking/booking.dto';

export function createBookingController(deps: {
  bookings: BookingService;
  /** Every booking answer carries the counterpart by name (BookingQueryService.named). */
  queries: BookingQueryService;
  start: BookingStartService;
  auth: AuthService;
  /** Where start links point, and the s2s shared host (see toBookingDto). */
  links: BookingLinks;
  /** The session cookies: the web app (cookie session) asks for the URL too. */
  sessionCookies?: SessionCookieSettings;
}) {
  return {
    async create(_req: Request, res: Response) {
      const key = (res.locals.headers as IdempotencyHeaders)['idempotency-key'];
      const customer = principalOf(res);
      const { booking, replayed } = await deps.bookings.create(customer, res.locals.body, key);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(201).json(await deps.queries.namedOne(booking, customer));
    },
    async list(_req: Request, res: Response) {
      res.status(200).json(await deps.queries.list(principalOf(res), res.locals.query));
    },
    async get(_req: Request, res: Response) {
      const viewer = principalOf(res);
      const booking = toBookingDto(await deps.bookings.load(res.locals.params.id, viewer), viewer, deps.links);
      res.status(200).json(await deps.queries.namedOne(booking, viewer));
    },
    async cancel(_req: Request, res: Response) {
      const viewer = principalOf(res);
      const booking = await deps.bookings.cancel(res.locals.params.id, viewer);
      res.status(200).json(await deps.queries.namedOne(booking, viewer));
    },
    async reschedule(_req: Request, res: Response) {
      const viewer = principalOf(res);
      const booking = await deps.bookings.reschedule(res.locals.params.id, viewer, res.locals.body.start);
      res.status(200).json(await deps.queries.namedOne(booking, viewer));
    },
    /** Reached from the specialist's email (signed link) or the app (bearer): 302 to a fresh Zoom start_url. */
    async start(req: Request, res: Response) {
      // A GET that changes nothing, so the session cookie needs no CSRF token here.
      const bearer = bearerToken(req.headers.authorization);
      const cookies = deps.sessionCookies;
      const cookie = cookies ? readCookie(req, sessionCookieNames(cookies).session) : undefined;
      const linkToken = res.locals.query.token as string | undefined;
      let viewer = bearer ? await deps.auth.authenticate(bearer) : undefined;
      if (!bearer && cookie) {
        // The signed link from the mail is enough by itself: a browser's ended session (logout everywhere, a password
        // change elsewhere) must not turn it into a 401. Without a link, the ended session is the answer.
        viewer = await cookiePrincipal(deps.auth, res, cookies!, cookie).catch((error: unknown) => {
          if (linkToken && error instanceof UnauthenticatedError) return undefined;
          throw error;
        });
      }
      const url = await deps.start.startUrl(res.locals.params.id, { viewer, linkToken });
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      // The web app cannot follow a cross-origin redirect with its bearer header, so it asks for the URL as JSON.
      if (req.accepts(['html', 'json']) === 'json') return void res.status(200).json({ url });
      res.redirect(302, url);
    },
  };
}
