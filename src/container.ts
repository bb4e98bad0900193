import type { AppConfig } from './config';
import type { RedisClient } from './db/redis';
import { systemClock, type Clock } from './lib/clock';
import { createLogger, type Logger } from './lib/logger';
import { createTokenCipher } from './lib/token-cipher';
import { createAuthService } from './services/auth/auth.service';
import { createJwtService } from './services/auth/jwt.service';
import { createLoginThrottle } from './services/auth/login-throttle.service';
import { createUserService } from './services/auth/user.service';
import { createBookingJobs } from './services/booking/booking-jobs.service';
import { createBookingMeetingService } from './services/booking/booking-meeting.service';
import { createBookingNotifier } from './services/booking/booking-notification.service';
import { createBookingQueryService } from './services/booking/booking-query.service';
import { createBookingStartService } from './services/booking/booking-start.service';
import { createBookingService } from './services/booking/booking.service';
import { createBookingManageService } from './services/booking/booking-manage.service';
import { createBookingPolicy } from './services/booking/booking-policy.service';
import { createBookingReminders } from './services/booking/booking-reminder.service';
import { createManageLinks } from './services/booking/manage-link.service';
import { createMeetingChangesService } from './services/booking/meeting-changes.service';
import { s2sMeetingHost, userMeetingHost } from './services/booking/meeting-host.service';
import { createAdminDigest } from './services/grant-health/admin-digest.service';
import { createGrantAlerts } from './services/grant-health/grant-alerts.service';
import { createKeepalive } from './services/grant-health/keepalive.service';
import { createRefreshLog } from './services/grant-health/refresh-log.service';
import { createZoomConnectionsAdmin } from './services/grant-health/zoom-connections.service';
import { createHealthService } from './services/health.service';
import { createMetrics } from './services/metrics/metrics.service';
import type { JobQueue } from './services/jobs/job-queue';
import { registerMaintenance } from './services/jobs/maintenance.service';
import { createMailOutbox } from './services/mail/mail-outbox.service';
import type { MailTransport } from './services/mail/mail-transport';
import { createSpecialistService } from './services/specialist/specialist.service';
import { createZoomAccountService } from './services/zoom/zoom-account.service';
import { createZoomApiClient } from './services/zoom/zoom-api.client';
import { createZoomConnectionService } from './services/zoom/zoom-connection.service';
import { createZoomHttp } from './services/zoom/zoom-http';
import { createZoomOAuthClient } from './services/zoom/zoom-oauth.client';
import { createS2STokenService } from './services/zoom/zoom-s2s-token.service';
import { createZoomUserTokenService } from './services/zoom/zoom-user-token.service';
import { createZoomWebhookService } from './services/zoom/zoom-webhook.service';
import { createBookingFeedService } from './services/calendar/booking-feed.service';
import { createCalendarFeedService } from './services/calendar/calendar-feed.service';
import { createFeedFetcher } from './services/calendar/safe-fetch';
import { createZoomBusyService } from './services/calendar/zoom-busy.service';

export interface AppDeps {
  config: AppConfig;
  clock?: Clock;
  logger?: Logger;
  redis?: RedisClient;
  mailTransport: MailTransport;
  jobs: JobQueue;
  /** Tests: a name resolver and trusted CA for calendar feeds (see safe-fetch). */
  calendarFetch?: Pick<Parameters<typeof createFeedFetcher>[0], 'resolve' | 'ca'>;
}

/** Wires services from their dependencies and defines no behaviour. One container per app; tests build several. */
export function createContainer(deps: AppDeps) {
  const { config, jobs, redis } = deps;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(config.log.level);
  if (!config.auth.jwtSecret) throw new Error('config.auth.jwtSecret must be set (server.ts generates one in dev)');
  if (!config.tokenEncryptionKey)
    throw new Error('config.tokenEncryptionKey must be set (server.ts generates one in dev)');
  const cipher = createTokenCipher(config.tokenEncryptionKey);
  // Off (undefined) unless METRICS_ENABLED: then nothing is counted anywhere.
  const metrics = config.metrics.enabled ? createMetrics({ clock, logger }) : undefined;
  const jwt = createJwtService(new TextEncoder().encode(config.auth.jwtSecret), clock, config.auth.jwtTtlSeconds);
  const throttle = createLoginThrottle({
    maxPerIp: config.auth.loginMaxPerIp,
    maxFailuresPerEmail: config.auth.loginMaxPerEmail,
    windowSeconds: config.auth.loginWindowSeconds,
    redis,
  });
  const users = createUserService();
  const mail = createMailOutbox({
    transport: deps.mailTransport,
    jobs,
    from: config.mail.from,
    clock,
    logger,
    maxAttempts: config.jobs.mailMaxAttempts,
  });

  const { httpTimeoutMs, refreshMarginSeconds, grantHealth } = config.zoom;
  const refreshLog = createRefreshLog({ logger, metrics });
  const grantAlerts = createGrantAlerts({ mail, users, clock, logger, frontendUrl: config.frontendUrl });
  const zoomHttp = createZoomHttp(httpTimeoutMs, metrics);
  const zoomOAuth = createZoomOAuthClient({ http: zoomHttp, oauthBaseUrl: config.zoom.oauthBaseUrl });
  const zoomApi = createZoomApiClient({ http: zoomHttp, apiBaseUrl: config.zoom.apiBaseUrl, clock });
  const userManagedApp = {
    clientId: config.zoom.userManaged.clientId ?? '',
    clientSecret: config.zoom.userManaged.clientSecret ?? '',
  };
  const zoomConnection = createZoomConnectionService({
    oauth: zoomOAuth,
    api: zoomApi,
    app: userManagedApp,
    redirectUri: config.zoom.userManaged.redirectUri,
    scopes: config.zoom.userManaged.scopes,
    cipher,
    clock,
    logger,
    onConnected: (specialistId) => bookingJobs.retryPendingMeetings(specialistId),
    onDeauthorized: (specialistId) => grantAlerts.grantLost(specialistId),
  });
  const zoomTokens = createZoomUserTokenService({
    oauth: zoomOAuth,
    app: userManagedApp,
    cipher,
    clock,
    logger,
    refreshMarginSeconds,
    httpTimeoutMs,
    onGrantDead: (specialistId) => grantAlerts.grantLost(specialistId),
    refreshLog,
  });
  const zoomWebhook = createZoomWebhookService({
    secretToken: config.zoom.webhookSecretToken,
    clock,
    logger,
    onDeauthorized: (zoomUserId) => zoomConnection.handleDeauthorized(zoomUserId),
  });
  const zoomS2S = createS2STokenService({
    oauth: zoomOAuth,
    credentials: config.zoom.s2s,
    redis,
    clock,
    logger,
    refreshMarginSeconds,
    httpTimeoutMs,
  });
  const zoomAccount = createZoomAccountService({ api: zoomApi, s2s: zoomS2S });

  const meetingHost =
    config.meetingProvider === 's2s'
      ? s2sMeetingHost({ s2s: zoomS2S, api: zoomApi, fallbackHostUser: config.zoom.s2s.hostUser, users, logger })
      : userMeetingHost({ tokens: zoomTokens, connection: zoomConnection });
  const specialists = createSpecialistService({ clock, host: meetingHost });
  const bookingMeetings = createBookingMeetingService({
    host: meetingHost,
    api: zoomApi,
    clock,
    logger,
    maxAttempts: config.jobs.meetingMaxAttempts,
    metrics,
  });
  const manageLinks = createManageLinks({ jwt, clock, frontendUrl: config.frontendUrl });
  const meetingChanges = createMeetingChangesService({ host: meetingHost, api: zoomApi, clock, users, specialists });
  const notifier = createBookingNotifier({
    manageLinks,
    mail,
    jwt,
    users,
    clock,
    publicBaseUrl: config.http.publicBaseUrl,
    mailFrom: config.mail.from,
  });
  const bookingJobs = createBookingJobs({
    jobs,
    meetings: bookingMeetings,
    changes: meetingChanges,
    notifier,
    specialists,
    logger,
    clock,
    maxAttempts: config.jobs.meetingMaxAttempts,
    metrics,
  });
  // policies and reminders
  const policy = createBookingPolicy({ clock, logger });
  const reminders = createBookingReminders({
    jobs,
    mail,
    clock,
    offsetsMinutes: config.reminders.offsetsMinutes,
    context: notifier.contextOf,
  });
  const auth = createAuthService({ jwt, throttle });
  const bookings = createBookingService({
    policy,
    reminders,
    clock,
    specialists,
    accountOf: (userId) => auth.account(userId),
    host: meetingHost,
    meetings: bookingMeetings,
    jobs: bookingJobs,
    publicBaseUrl: config.http.publicBaseUrl,
    metrics,
  });
  const maintenance = registerMaintenance({
    jobs,
    clock,
    logger,
    sweeps: [bookingJobs.sweepUnconfirmed, policy.sweepSeats],
  });
  const grantHealthJobs = {
    keepalive: createKeepalive({
      jobs,
      tokens: zoomTokens,
      refreshLog,
      clock,
      logger,
      afterMs: grantHealth.keepaliveAfterMs,
      // Only user-managed grants need keeping alive.
      everyMs: config.meetingProvider === 'user' ? grantHealth.keepaliveEveryMs : 0,
      logMaxAgeMs: grantHealth.refreshLogMaxAgeMs,
    }),
    digest: createAdminDigest({
      jobs,
      mail,
      users,
      refreshLog,
      clock,
      logger,
      hourUtc: grantHealth.adminDigestHourUtc,
      frontendUrl: config.frontendUrl,
      logMaxAgeMs: grantHealth.refreshLogMaxAgeMs,
    }),
  };

  const calendarFeeds = createCalendarFeedService({
    fetcher: createFeedFetcher({ ...config.calendars, ...deps.calendarFetch }),
    cipher,
    clock,
    logger,
    jobs,
    mail,
    users,
    frontendUrl: config.frontendUrl,
    syncEveryMs: config.calendars.syncEveryMs,
    staleAfterMs: config.calendars.staleAfterMs,
  });
  const bookingFeed = createBookingFeedService({ cipher, clock, jwt, publicBaseUrl: config.http.publicBaseUrl });

  const zoomBusy = createZoomBusyService({
    enabled: config.meetingProvider === 'user',
    host: meetingHost,
    api: zoomApi,
    jobs,
    clock,
    logger,
    syncEveryMs: config.calendars.syncEveryMs,
  });

  const services = {
    zoomBusy,
    calendarFeeds,
    bookingFeed,
    jwt,
    metrics,
    maintenance,
    grantHealth: {
      ...grantHealthJobs,
      refreshLog,
      alerts: grantAlerts,
      connections: createZoomConnectionsAdmin({ clock }),
    },
    specialists,
    bookings,
    bookingManage: createBookingManageService({ links: manageLinks, bookings, specialists }),
    bookingQueries: createBookingQueryService({ publicBaseUrl: config.http.publicBaseUrl }),
    bookingStart: createBookingStartService({ jwt, meetings: meetingChanges }),
    users,
    auth,
    health: createHealthService({ redis }),
    jobs,
    zoom: {
      api: zoomApi,
      connection: zoomConnection,
      tokens: zoomTokens,
      webhook: zoomWebhook,
      s2s: zoomS2S,
      account: zoomAccount,
    },
  };
  return { config, logger, cipher, services };
}

export type Container = ReturnType<typeof createContainer>;
