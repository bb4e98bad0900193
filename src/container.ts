import type { AppConfig } from './config';
import type { RedisClient } from './db/redis';
import { systemClock, type Clock } from './lib/clock';
import { createLogger, type Logger } from './lib/logger';
import { createTokenCipher } from './lib/token-cipher';
import { createAuthModule } from './services/auth/auth.module';
import { createBookingModule } from './services/booking/booking.module';
import { createCalendarModule, type CalendarFetchOverrides } from './services/calendar/calendar.module';
import { createGrantHealthModule } from './services/grant-health/grant-health.module';
import { createHealthService } from './services/health.service';
import { createJobsModule, type JobQueue } from './services/jobs/jobs.module';
import { createMailModule, type MailTransport } from './services/mail/mail.module';
import { createMetricsModule } from './services/metrics/metrics.module';
import { createSpecialistModule } from './services/specialist/specialist.module';
import { createZoomModule } from './services/zoom/zoom.module';

export interface AppDeps {
  config: AppConfig;
  clock?: Clock;
  logger?: Logger;
  redis?: RedisClient;
  mailTransport: MailTransport;
  jobs: JobQueue;
  /** Tests: a name resolver and trusted CA for calendar feeds (see safe-fetch). */
  calendarFetch?: CalendarFetchOverrides;
}

/**
 * The composition root: orders the feature modules (src/services/<feature>/<feature>.module.ts) and passes each what
 * it needs; it defines no behaviour. A dependency on a feature wired later is a closure, called only at run time.
 * One container per app; tests build several.
 */
export function createContainer(deps: AppDeps) {
  const { config, jobs, redis } = deps;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(config.log.level);
  if (!config.auth.jwtSecret) throw new Error('config.auth.jwtSecret must be set (server.ts generates one in dev)');
  if (!config.tokenEncryptionKey)
    throw new Error('config.tokenEncryptionKey must be set (server.ts generates one in dev)');
  const cipher = createTokenCipher(config.tokenEncryptionKey, config.tokenEncryptionKeyPrevious);
  const base = { config, clock, logger, jobs };

  const { metrics } = createMetricsModule(base);
  const { mail } = createMailModule({ ...base, transport: deps.mailTransport });
  const auth = createAuthModule({
    ...base,
    redis,
    mail,
    bookings: { cancel: (bookingId, viewer) => booking.bookings.cancel(bookingId, viewer) },
    zoom: {
      disconnect: (specialistId) => zoom.connection.disconnect(specialistId),
      forgetRetiredGrants: (specialistId) => zoom.retiredGrants.forgetSpecialist(specialistId),
    },
    feeds: { forget: (userId) => calendar.forgetPerson(userId) },
  });
  const grantHealth = createGrantHealthModule({
    ...base,
    mail,
    users: auth.users,
    metrics,
    tokens: { keepAlive: (specialistId, cutoff) => zoom.tokens.keepAlive(specialistId, cutoff) },
    meetingSections: () => booking.meetingAdmin.digestSections(),
  });
  const zoom = createZoomModule({
    ...base,
    redis,
    cipher,
    metrics,
    refreshLog: grantHealth.refreshLog,
    onGrantDead: (specialistId, reason) => grantHealth.alerts.grantLost(specialistId, reason),
    onDeauthorized: (specialistId) => grantHealth.alerts.grantLost(specialistId),
    onConnected: (specialistId) => booking.bookingJobs.retryPendingMeetings(specialistId),
    onAccountChanging: (specialistId, retiredGrantId) => booking.meetingMove.prepare(specialistId, retiredGrantId),
    onAccountChanged: (_specialistId, retiredGrantId) => booking.meetingMove.moveNow(retiredGrantId),
    onMeetingChanged: (event, object) => booking.meetingRepair.noticeZoomEvent(event, object),
  });
  const { specialists } = createSpecialistModule({ clock, host: zoom.meetingHost });
  const booking = createBookingModule({ ...base, mail, metrics, auth, specialists, zoom });
  const calendar = createCalendarModule({
    ...base,
    cipher,
    mail,
    users: auth.users,
    jwt: auth.jwt,
    zoom,
    fetch: deps.calendarFetch,
  });
  const { maintenance } = createJobsModule({
    ...base,
    sweeps: [...booking.maintenanceSweeps, auth.accountDeletion.resumeDeletions],
    rotating: cipher.rotating,
    resealers: {
      grants: () => zoom.tokens.resealStale(),
      retiredGrants: () => zoom.retiredGrants.resealStale(),
      calendarFeeds: () => calendar.calendarFeeds.resealStale(),
      calendarSubscriptions: () => calendar.bookingFeed.resealStale(),
    },
  });

  const services = {
    zoomBusy: calendar.zoomBusy,
    calendarFeeds: calendar.calendarFeeds,
    bookingFeed: calendar.bookingFeed,
    jwt: auth.jwt,
    metrics,
    maintenance,
    grantHealth,
    specialists,
    bookings: booking.bookings,
    guestBookings: booking.guestBookings,
    emailCodes: auth.emailCodes,
    bookingManage: booking.bookingManage,
    bookingQueries: booking.bookingQueries,
    bookingStart: booking.bookingStart,
    bookingLinks: booking.bookingLinks,
    meetingRepair: booking.meetingRepair,
    meetingReconcile: booking.meetingReconcile,
    meetingAdmin: booking.meetingAdmin,
    users: auth.users,
    auth: auth.auth,
    account: auth.account,
    passwords: auth.passwords,
    accountDeletion: auth.accountDeletion,
    accountExport: auth.accountExport,
    health: createHealthService({ redis }),
    jobs,
    zoom: {
      api: zoom.api,
      connection: zoom.connection,
      tokens: zoom.tokens,
      webhook: zoom.webhook,
      s2s: zoom.s2s,
      account: zoom.account,
      quota: zoom.quota,
      s2sHosts: zoom.s2sHosts,
    },
  };
  return { config, logger, cipher, services };
}

export type Container = ReturnType<typeof createContainer>;
