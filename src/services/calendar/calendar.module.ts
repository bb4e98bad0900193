import type { AppConfig } from '../../config';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { TokenCipher } from '../../lib/token-cipher';
import type { JobQueue } from '../jobs/jobs.module';
import type { MailModule } from '../mail/mail.module';
import type { ZoomModule } from '../zoom/zoom.module';
import { createBookingFeedService } from './booking-feed.service';
import { createCalendarFeedService } from './calendar-feed.service';
import { createFeedFetcher } from './safe-fetch';
import { createZoomBusyService } from './zoom-busy.service';

// What other features may use of calendars: the stored busy times (no network call).
export {
  assertCalendarFree,
  assertFreeIn,
  calendarBusyAround,
  calendarBusyBetween,
  type CalendarBusyCopy,
} from './calendar-busy';

/** What tests may inject into feed fetching: a name resolver and a trusted CA (see safe-fetch). */
export type CalendarFetchOverrides = Pick<Parameters<typeof createFeedFetcher>[0], 'resolve' | 'ca'>;

/** Calendars: busy times from the specialists' feeds and their own Zoom meetings, and everyone's feed of bookings. */
export function createCalendarModule(deps: {
  config: AppConfig;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  cipher: TokenCipher;
  mail: MailModule['mail'];
  users: Parameters<typeof createCalendarFeedService>[0]['users'];
  jwt: Parameters<typeof createBookingFeedService>[0]['jwt'];
  zoom: Pick<ZoomModule, 'meetingHost' | 'api' | 'sharedHostUser'>;
  fetch?: CalendarFetchOverrides;
}) {
  const { config, clock, logger, jobs, cipher } = deps;
  const calendarFeeds = createCalendarFeedService({
    fetcher: createFeedFetcher({ ...config.calendars, ...deps.fetch }),
    cipher,
    clock,
    logger,
    jobs,
    mail: deps.mail,
    users: deps.users,
    frontendUrl: config.frontendUrl,
    syncEveryMs: config.calendars.syncEveryMs,
    staleAfterMs: config.calendars.staleAfterMs,
  });
  const bookingFeed = createBookingFeedService({
    cipher,
    clock,
    jwt: deps.jwt,
    publicBaseUrl: config.http.publicBaseUrl,
    sharedHostUser: deps.zoom.sharedHostUser,
  });
  const zoomBusy = createZoomBusyService({
    enabled: config.meetingProvider === 'user',
    host: deps.zoom.meetingHost,
    api: deps.zoom.api,
    jobs,
    clock,
    logger,
    syncEveryMs: config.calendars.syncEveryMs,
    staleAfterMs: config.calendars.staleAfterMs,
  });
  /** Account deletion: everything calendars keep of a person (subscription address, feeds, Zoom busy copy). */
  async function forgetPerson(userId: string): Promise<void> {
    await bookingFeed.forget(userId);
    await calendarFeeds.forgetSpecialist(userId);
    await zoomBusy.forget(userId);
  }
  return { calendarFeeds, bookingFeed, zoomBusy, forgetPerson };
}

export type CalendarModule = ReturnType<typeof createCalendarModule>;
