import type { Request, Response } from 'express';
import { principalOf } from '../middlewares/authenticate';
import type { BookingFeedService } from '../services/calendar/booking-feed.service';
import type { CalendarFeedService } from '../services/calendar/calendar-feed.service';
import type { ZoomBusyService } from '../services/calendar/zoom-busy.service';

export function createCalendarController(deps: {
  feeds: CalendarFeedService;
  subscriptions: BookingFeedService;
  zoomBusy: Pick<ZoomBusyService, 'status'>;
}) {
  return {
    async list(_req: Request, res: Response) {
      const id = principalOf(res).userId;
      const [items, zoomMeetings] = await Promise.all([deps.feeds.list(id), deps.zoomBusy.status(id)]);
      res.status(200).json({ items, zoomMeetings });
    },
    async add(_req: Request, res: Response) {
      res.status(201).json(await deps.feeds.add(principalOf(res).userId, res.locals.body));
    },
    async remove(_req: Request, res: Response) {
      await deps.feeds.remove(principalOf(res).userId, res.locals.params.id);
      res.status(204).end();
    },
    async sync(_req: Request, res: Response) {
      res.status(200).json(await deps.feeds.syncNow(principalOf(res).userId, res.locals.params.id));
    },
    async subscriptionUrl(_req: Request, res: Response) {
      res.status(200).json(await deps.subscriptions.urlFor(principalOf(res).userId));
    },
    async rotateSubscription(_req: Request, res: Response) {
      res.status(200).json(await deps.subscriptions.rotate(principalOf(res).userId));
    },
    async bookingFeed(_req: Request, res: Response) {
      const body = await deps.subscriptions.feed(res.locals.params.token);
      // The address is the secret: keep it out of shared caches and referrers.
      res
        .status(200)
        .set({ 'Cache-Control': 'private, max-age=300', 'Referrer-Policy': 'no-referrer' })
        .type('text/calendar; charset=utf-8')
        .send(body);
    },
  };
}
