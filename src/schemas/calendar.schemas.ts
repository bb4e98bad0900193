import { z } from 'zod';
import { ObjectId, withoutControlCharacters } from './common.schemas';

export const CalendarFeedBody = z.strictObject({
  url: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .meta({ description: 'The secret iCal address (https:// or webcal://)', example: 'webcal://example.com/cal.ics' }),
  label: withoutControlCharacters(z.string().trim().min(1).max(80)).meta({ example: 'Personal' }),
});

export const CalendarFeed = z
  .object({
    id: z.string(),
    label: z.string(),
    host: z.string().meta({ description: 'The address’s host; the address itself is a secret and never shown' }),
    hint: z.string().meta({ description: 'The address’s last characters', example: '….ics' }),
    lastSyncAt: z.string().nullable().meta({ description: 'Last successful fetch' }),
    lastError: z.string().nullable().meta({ description: 'Why the last sync failed (null after a good one)' }),
    lastErrorAt: z.string().nullable(),
    stale: z
      .boolean()
      .meta({ description: 'No good sync for CALENDAR_FEED_STALE_HOURS; the last good copy still blocks' }),
    busyCount: z.number().int().meta({ description: 'Busy intervals in the booking horizon' }),
  })
  .meta({ id: 'CalendarFeed' });

export const ZoomMeetingsBusyStatus = z
  .object({
    lastSyncAt: z.string().nullable().meta({ description: 'Last successful read of your own Zoom meetings' }),
    lastError: z.string().nullable().meta({ description: 'Why the last read failed (null after a good one)' }),
    lastErrorAt: z.string().nullable(),
    stale: z
      .boolean()
      .meta({ description: 'No good read for CALENDAR_FEED_STALE_HOURS; the last good copy still blocks' }),
  })
  .meta({ id: 'ZoomMeetingsBusyStatus' });

export const CalendarFeedList = z
  .object({
    items: z.array(CalendarFeed),
    zoomMeetings: ZoomMeetingsBusyStatus.nullable().meta({
      description:
        'Your own Zoom meetings as busy times (user-managed mode, zoomMeetingsBusy on); null when off or never read',
    }),
  })
  .meta({ id: 'CalendarFeedList' });

export const CalendarFeedParams = z.strictObject({ id: ObjectId });

export const SubscriptionUrl = z
  .object({ url: z.string().meta({ description: 'Secret address of your bookings feed (text/calendar)' }) })
  .meta({ id: 'CalendarSubscription' });

export const BookingFeedParams = z.strictObject({
  token: z.string().min(1).max(200),
});
