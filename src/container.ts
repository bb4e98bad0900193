import type { AppConfig } from './config';
import type { RedisClient } from './db/redis';
import { systemClock, type Clock } from './lib/clock';
import { createLogger, type Logger } from './lib/logger';
import { createTokenCipher } from './lib/token-cipher';
import { createAuthService } from './services/auth/auth.service';
import { createJwtService } from './services/auth/jwt.service';
import { createPasswordService } from './services/auth/password.service';
import { createAccountLimits } from './services/auth/account-limits';
import { createAccountLinks } from './services/auth/account-links.service';
import { createAccountDeletion } from './services/auth/account-deletion.service';
import { createAccountExport } from './services/auth/account-export.service';
import { createAccountService } from './services/auth/account.service';
import { bookableSpecialists, createEmailPolicy, verifiedCustomersOnly } from './services/auth/email-policy';
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
import { createMeetingAdmin } from './services/booking/meeting-admin.service';
import { createMeetingMove } from './services/booking/meeting-move.service';
import { createMeetingReconcile } from './services/booking/meeting-reconcile.service';
import { createMeetingRepair } from './services/booking/meeting-repair.service';
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
import { createZoomQuota } from './services/zoom/zoom-quota.service';
import { createBookingRateLimits } from './services/booking/booking-rate.service';
import { createZoomWebhookService } from './services/zoom/zoom-webhook.service';
import { createRetiredGrants } from './services/zoom/retired-grant.service';
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
  const cipher = createTokenCipher(config.tokenEncryptionKey, config.tokenEncryptionKeyPrevious);
  // Off (undefined) unless METRICS_ENABLED: then nothing is counted anywhere.
  const metrics = config.metrics.enabled ? createMetrics({ clock, logger }) : undefined;
  const jwt = createJwtService(new TextEncoder().encode(config.auth.jwtSecret), clock, config.auth.jwtTtlSeconds);
  const throttle = createLoginThrottle({
    maxPerIp: config.auth.loginMaxPerIp,
    maxFailuresPerEmail: config.auth.loginMaxPerEmail,
    windowSeconds: config.auth.loginWindowSeconds,
    clock,
    redis,
    logger,
  });
  const accountLimits = createAccountLimits({ auth: config.auth, clock, redis, logger });
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
  const zoomOAuth = createZoomOAuthClient({
    http: zoomHttp,
    oauthBaseUrl: config.zoom.oauthBaseUrl,
    // Token requests run to their end (ZOOM_TOKEN_REQUEST_MAX_MS) even after the caller stopped waiting.
    refreshHttp: createZoomHttp(config.zoom.tokenRequestMaxMs, metrics),
  });
  const zoomApi = createZoomApiClient({ http: zoomHttp, apiBaseUrl: config.zoom.apiBaseUrl, clock });
  const userManagedApp = {
    clientId: config.zoom.userManaged.clientId ?? '',
    clientSecret: config.zoom.userManaged.clientSecret ?? '',
  };
  const retiredGrants = createRetiredGrants({ oauth: zoomOAuth, app: userManagedApp, cipher, clock, logger });
  const zoomConnection = createZoomConnectionService({
    oauth: zoomOAuth,
    api: zoomApi,
    app: userManagedApp,
    redirectUri: config.zoom.userManaged.redirectUri,
    scopes: config.zoom.userManaged.scopes,
    cipher,
    clock,
    logger,
    // The connect writes the tokens unbound; they are sealed to the grant's record and fields right after.
    onConnected: (specialistId) =>
      zoomTokens.reseal(specialistId).then(() => bookingJobs.retryPendingMeetings(specialistId)),
    onDeauthorized: (specialistId) => grantAlerts.grantLost(specialistId),
    retiredGrants,
    onAccountChanging: (specialistId, retiredGrantId) => meetingMove.prepare(specialistId, retiredGrantId),
    onAccountChanged: (_specialistId, retiredGrantId) => meetingMove.moveNow(retiredGrantId),
  });
  const zoomTokens = createZoomUserTokenService({
    oauth: zoomOAuth,
    app: userManagedApp,
    cipher,
    clock,
    logger,
    refreshMarginSeconds,
    httpTimeoutMs,
    failureCooldownMs: config.zoom.refreshFailureCooldownMs,
    onGrantDead: (specialistId, reason) => grantAlerts.grantLost(specialistId, reason),
    refreshLog,
  });
  const zoomWebhook = createZoomWebhookService({
    secretToken: config.zoom.webhookSecretToken,
    clock,
    logger,
    onDeauthorized: (zoomUserId) => zoomConnection.handleDeauthorized(zoomUserId),
    onMeetingChanged: (event, object) => meetingRepair.noticeZoomEvent(event, object),
  });
  const zoomS2S = createS2STokenService({
    oauth: zoomOAuth,
    credentials: config.zoom.s2s,
    redis,
    clock,
    logger,
    refreshMarginSeconds,
    httpTimeoutMs,
    cipher,
  });
  const zoomAccount = createZoomAccountService({ api: zoomApi, s2s: zoomS2S });

  const meetingHost =
    config.meetingProvider === 's2s'
      ? s2sMeetingHost({ s2s: zoomS2S, api: zoomApi, fallbackHostUser: config.zoom.s2s.hostUser, users, logger })
      : userMeetingHost({ tokens: zoomTokens, connection: zoomConnection });
  const specialists = createSpecialistService({ clock, host: meetingHost });
  const { integrity } = config;
  const zoomQuota = createZoomQuota({ clock, logger, dailyLimit: integrity.zoomDailyMeetingLimit });
  const bookingMeetings = createBookingMeetingService({
    host: meetingHost,
    api: zoomApi,
    quota: zoomQuota,
    clock,
    logger,
    maxAttempts: config.jobs.meetingMaxAttempts,
    metrics,
  });
  const manageLinks = createManageLinks({ jwt, clock, frontendUrl: config.frontendUrl });
  const meetingChanges = createMeetingChangesService({
    host: meetingHost,
    api: zoomApi,
    quota: zoomQuota,
    clock,
    users,
    specialists,
    deleteGiveUpMs: integrity.meetingDeleteGiveUpMs,
  });
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
    onDeleteGaveUp: (bookingId, reason) => notifier.notifyMeetingUndeletable(bookingId, reason),
    deleteGiveUpMs: integrity.meetingDeleteGiveUpMs,
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
    verify: (bookingId) => meetingRepair.verify(bookingId),
    verifyBeforeMs: config.meetingIntegrity.verifyBeforeMs,
  });
  const meetingRepair = createMeetingRepair({
    host: meetingHost,
    api: zoomApi,
    changes: meetingChanges,
    notifier,
    reminders,
    mail,
    jobs,
    clock,
    logger,
    maxAttempts: config.jobs.meetingMaxAttempts,
    frontendUrl: config.frontendUrl,
    quota: zoomQuota,
  });
  const meetingMove = createMeetingMove({
    host: meetingHost,
    api: zoomApi,
    changes: meetingChanges,
    repair: meetingRepair,
    retired: retiredGrants,
    jobs,
    clock,
    logger,
    quota: zoomQuota,
  });
  const meetingReconcile = createMeetingReconcile({
    host: meetingHost,
    api: zoomApi,
    changes: meetingChanges,
    repair: meetingRepair,
    jobs,
    clock,
    logger,
    everyMs: config.meetingIntegrity.reconcileEveryMs,
    windowMs: config.meetingIntegrity.reconcileWindowMs,
  });
  const meetingAdmin = createMeetingAdmin({
    host: meetingHost,
    api: zoomApi,
    retired: retiredGrants,
    repair: meetingRepair,
    jobs,
    clock,
  });
  const accountLinks = createAccountLinks({ jwt, clock, frontendUrl: config.frontendUrl });
  const account = createAccountService({
    links: accountLinks,
    mail,
    limits: accountLimits,
    throttle,
    users,
    jobs,
    clock,
    frontendUrl: config.frontendUrl,
  });
  const emailPolicy = createEmailPolicy(config.auth.requireVerifiedEmail);
  const auth = createAuthService({
    jwt,
    throttle,
    limits: accountLimits,
    clock,
    ttlSeconds: config.auth.jwtTtlSeconds,
    onSignedUp: account.afterSignUp,
  });
  const passwords = createPasswordService({
    auth,
    links: accountLinks,
    mail,
    limits: accountLimits,
    throttle,
    jobs,
    logger,
    frontendUrl: config.frontendUrl,
  });
  const bookingService = createBookingService({
    policy,
    reminders,
    clock,
    specialists: bookableSpecialists(specialists, emailPolicy),
    accountOf: (userId) => auth.account(userId),
    host: meetingHost,
    meetings: bookingMeetings,
    jobs: bookingJobs,
    publicBaseUrl: config.http.publicBaseUrl,
    metrics,
    limits: createBookingRateLimits({
      clock,
      reschedulesPerBooking: integrity.rescheduleLimitPerBooking,
      changesPerHour: integrity.bookingRatePerHour,
    }),
  });
  const bookings = verifiedCustomersOnly(bookingService, emailPolicy, (userId) => auth.account(userId));
  const accountDeletion = createAccountDeletion({
    bookings,
    zoom: zoomConnection,
    links: accountLinks,
    throttle,
    clock,
    logger,
  });
  const maintenance = registerMaintenance({
    jobs,
    clock,
    logger,
    sweeps: [
      bookingJobs.sweepUnconfirmed,
      policy.sweepSeats,
      bookingJobs.sweepUnremoved,
      accountDeletion.resumeDeletions,
    ],
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
      meetingSections: () => meetingAdmin.digestSections(),
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
    bookingQueries: createBookingQueryService({ publicBaseUrl: config.http.publicBaseUrl, clock }),
    bookingStart: createBookingStartService({ jwt, meetings: meetingChanges }),
    meetingRepair,
    meetingReconcile,
    meetingAdmin,
    users,
    auth,
    account,
    passwords,
    accountDeletion,
    accountExport: createAccountExport({ auth, clock }),
    health: createHealthService({ redis }),
    jobs,
    zoom: {
      api: zoomApi,
      connection: zoomConnection,
      tokens: zoomTokens,
      webhook: zoomWebhook,
      s2s: zoomS2S,
      account: zoomAccount,
      quota: zoomQuota,
    },
  };
  return { config, logger, cipher, services };
}

export type Container = ReturnType<typeof createContainer>;
