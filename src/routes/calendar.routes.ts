import type { createCalendarController } from '../controllers/calendar.controller';
import {
  BookingFeedParams,
  CalendarFeed,
  CalendarFeedList,
  CalendarFeedBody,
  CalendarFeedParams,
  SubscriptionUrl,
} from '../schemas/calendar.schemas';
import type { DefineRoute } from './define-route';

export function registerCalendarRoutes(route: DefineRoute, controller: ReturnType<typeof createCalendarController>) {
  const tags = ['Calendars'];
  route({
    method: 'get',
    path: '/api/specialists/me/calendars',
    tags,
    summary: 'Your calendar feeds (busy times), with their last sync and error',
    access: ['specialist'],
    responses: { 200: { description: 'Feeds', schema: CalendarFeedList } },
    handler: controller.list,
  });
  route({
    method: 'post',
    path: '/api/specialists/me/calendars',
    tags,
    summary: 'Add a calendar feed by its secret iCal address (fetched once before it is saved; at most 5)',
    access: ['specialist'],
    request: { body: CalendarFeedBody },
    responses: { 201: { description: 'Added after a successful first fetch', schema: CalendarFeed } },
    errors: { 422: 'CALENDAR_FEED_INVALID (with the reason) or CALENDAR_FEED_LIMIT' },
    handler: controller.add,
  });
  route({
    method: 'delete',
    path: '/api/specialists/me/calendars/:id',
    tags,
    summary: 'Remove a calendar feed (its busy times stop counting at once)',
    access: ['specialist'],
    request: { params: CalendarFeedParams },
    responses: { 204: { description: 'Removed' } },
    errors: { 404: 'No such feed of yours' },
    handler: controller.remove,
  });
  route({
    method: 'post',
    path: '/api/specialists/me/calendars/:id/sync',
    tags,
    summary: 'Sync a calendar feed now; a failure shows in lastError and keeps the last good copy',
    access: ['specialist'],
    request: { params: CalendarFeedParams },
    responses: { 200: { description: 'The feed after the sync', schema: CalendarFeed } },
    errors: { 404: 'No such feed of yours' },
    handler: controller.sync,
  });
  route({
    method: 'get',
    path: '/api/me/calendar-feed',
    tags,
    summary: 'The secret address of your bookings as a calendar feed',
    access: 'authenticated',
    responses: { 200: { description: 'The address', schema: SubscriptionUrl } },
    handler: controller.subscriptionUrl,
  });
  route({
    method: 'post',
    path: '/api/me/calendar-feed/rotate',
    tags,
    summary: 'A new secret address; the old one stops working at once',
    access: 'authenticated',
    responses: { 200: { description: 'The new address', schema: SubscriptionUrl } },
    handler: controller.rotateSubscription,
  });
  route({
    method: 'get',
    path: '/api/calendar/:token.ics',
    tags,
    summary: 'Your bookings as text/calendar (the secret address from /api/me/calendar-feed)',
    access: 'public',
    request: { params: BookingFeedParams },
    responses: { 200: { description: 'text/calendar: upcoming and recent bookings' } },
    errors: { 404: 'Unknown or rotated address' },
    handler: controller.bookingFeed,
  });
}
