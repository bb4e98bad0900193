import type { AppConfig } from './config';
import { systemClock, type Clock } from './lib/clock';
import { createLogger, type Logger } from './lib/logger';
import { createTokenCipher } from './lib/token-cipher';
import { UserOAuthTokenModel } from './models/user-oauth-token.model';
import { createAuthService } from './services/auth/auth.service';
import { createHealthService } from './services/health.service';
import type { JobQueue } from './services/jobs/job-queue';
import { createJwtService } from './services/auth/jwt.service';
import { createLoginThrottle } from './services/auth/login-throttle.service';
import { createMailOutbox } from './services/mail/mail-outbox.service';
import type { MailTransport } from './services/mail/mail-transport';
import { reconnectZoomMail } from './services/mail/zoom-mail.templates';
import type { RedisClient } from './db/redis';
import { createBookingJobs } from './services/booking/booking-jobs.service';
import { createBookingMeetingService } from './services/booking/booking-meeting.service';
import { createBookingNotifier } from './services/booking/booking-notification.service';
import { createBookingQueryService } from './services/booking/booking-query.service';
import { createBookingStartService } from './services/booking/booking-start.service';
import { createBookingService } from './services/booking/booking.service';
import { registerMaintenance } from './services/jobs/maintenance.service';
import { s2sMeetingHost, userMeetingHost } from './services/booking/meeting-host.service';
import { createSpecialistService } from './services/specialist/specialist.service';
import { createUserService } from './services/auth/user.service';
import { createS2STokenService } from './services/zoom/zoom-s2s-token.service';
import { createZoomAccountService } from './services/zoom/zoom-account.service';
import { createZoomApiClient } from './services/zoom/zoom-api.client';
import { createZoomConnectionService } from './services/zoom/zoom-connection.service';
import { createZoomHttp } from './services/zoom/zoom-http';
import { createZoomOAuthClient } from './services/zoom/zoom-oauth.client';
import { createZoomTokenService } from './services/zoom/zoom-user-token.service';
import { createZoomWebhookService } from './services/zoom/zoom-webhook.service';

export interface AppDeps {
  config: AppConfig;
  clock?: Clock;
  logger?: Logger;
  redis?: RedisClient;
  mailTransport: MailTransport;
  jobs: JobQueue;
}

export const JOB_DELIVER_MAIL = 'deliver-mail';

/** Wires services from their dependencies. One container per app instance; tests build several. */
export function createContainer(deps: AppDeps) {
  const { config, jobs } = deps;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(config.log.level);
  if (!config.auth.jwtSecret)
    throw new Error('config.auth.jwtSecret must be set (server.ts generates one in development)');
  if (!config.tokenEncryptionKey)
    throw new Error('config.tokenEncryptionKey must be set (server.ts generates one in development)');
  const cipher = createTokenCipher(config.tokenEncryptionKey);
  const jwt = createJwtService(new TextEncoder().encode(config.auth.jwtSecret), clock, config.auth.jwtTtlSeconds);
  const throttle = createLoginThrottle({
    maxPerIp: config.auth.loginMaxPerIp,
    maxFailuresPerEmail: config.auth.loginMaxPerEmail,
    windowSeconds: config.auth.loginWindowSeconds,
    redis: deps.redis,
  });
  const users = createUserService();

  const mail = createMailOutbox({
    transport: deps.mailTransport,
    from: config.mail.from,
    clock,
    logger,
    maxAttempts: config.jobs.mailMaxAttempts,
    schedule: (mailId, at) => jobs.schedule(JOB_DELIVER_MAIL, `mail:${mailId}`, { mailId }, at),
  });
  jobs.define(JOB_DELIVER_MAIL, async ({ mailId }) => {
    const outcome = await mail.deliver(mailId!);
    if (outcome.status === 'retry') return { retryAt: outcome.at };
  });

  const zoomHttp = createZoomHttp(config.zoom.httpTimeoutMs);
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
  });
  const zoomTokens = createZoomTokenService({
    oauth: zoomOAuth,
    app: userManagedApp,
    cipher,
    clock,
    logger,
    refreshMarginSeconds: config.zoom.refreshMarginSeconds,
    // The lease must outlive a refresh call that runs into Zoom's HTTP time-out.
    leaseMs: Math.max(30_000, 3 * config.zoom.httpTimeoutMs),
    onGrantDead: async (specialistId) => {
      const [user, grant] = await Promise.all([
        users.getById(specialistId),
        UserOAuthTokenModel.findOne({ userId: specialistId }).lean(),
      ]);
      await mail.enqueue(
        reconnectZoomMail({
          specialistId,
          grantVersion: grant?.authorizedAt?.toISOString() ?? 'unknown',
          to: user.email,
          name: user.name,
          reconnectUrl: `${config.frontendUrl}/specialist/profile?zoom=reconnect`,
        }),
      );
    },
  });
  const zoomWebhook = createZoomWebhookService({
    secretToken: config.zoom.webhookSecretToken,
    clock,
    logger,
    onDeauthorized: (zoomUserId) => zoomConnection.handleDeauthorized(zoomUserId),
  });

  const s2sCreds = config.zoom.s2s;
  const zoomS2S = createS2STokenService({
    oauth: zoomOAuth,
    credentials:
      s2sCreds.accountId && s2sCreds.clientId && s2sCreds.clientSecret
        ? { accountId: s2sCreds.accountId, clientId: s2sCreds.clientId, clientSecret: s2sCreds.clientSecret }
        : undefined,
    redis: deps.redis,
    clock,
    logger,
    safetyMarginSeconds: config.zoom.refreshMarginSeconds,
    lockTtlMs: config.zoom.httpTimeoutMs + 5000,
  });
  const zoomAccount = createZoomAccountService({ api: zoomApi, s2s: zoomS2S });

  const meetingHost =
    config.meetingProvider === 's2s'
      ? s2sMeetingHost({
          s2s: zoomS2S,
          api: zoomApi,
          fallbackHostUser: config.zoom.s2s.hostUser,
          specialistEmail: async (id) => (await users.getById(id)).email,
        })
      : userMeetingHost(zoomTokens, (id) => zoomConnection.isConnected(id));
  const specialists = createSpecialistService({
    clock,
    canHostMeetings: (id) => meetingHost.canHost(id),
    canHostMeetingsMany: (ids) => meetingHost.canHostMany(ids),
  });
  const bookingMeetings = createBookingMeetingService({
    host: meetingHost,
    api: zoomApi,
    cipher,
    clock,
    logger,
    maxAttempts: config.jobs.meetingMaxAttempts,
    describe: async (booking) => {
      const [customer, profile] = await Promise.all([
        users.getById(booking.customerId.toString()).catch(() => undefined),
        specialists.profileOf(booking.specialistId.toString()),
      ]);
      return {
        topic: booking.topic ?? `Session with ${customer?.name ?? 'a customer'}`,
        agenda: booking.notes ?? '',
        timezone: profile.profile?.timezone ?? profile.user.timezone,
      };
    },
  });
  const notifier = createBookingNotifier({
    mail,
    jwt,
    publicBaseUrl: config.http.publicBaseUrl,
    organizerEmail: (/<([^>]+)>/.exec(config.mail.from)?.[1] ?? config.mail.from).trim(),
    admins: () => users.findAdmins(),
    now: () => clock.now(),
  });
  const bookingJobs = createBookingJobs({
    jobs,
    meetings: bookingMeetings,
    notifier,
    logger,
    now: () => clock.now(),
    maxAttempts: config.jobs.meetingMaxAttempts,
  });
  const bookings = createBookingService({
    clock,
    specialists,
    host: meetingHost,
    jobs: bookingJobs,
    publicBaseUrl: config.http.publicBaseUrl,
  });

  const maintenance = registerMaintenance({
    jobs,
    mail,
    clock,
    logger,
    scheduleMail: (mailId) => jobs.schedule(JOB_DELIVER_MAIL, `mail:${mailId}`, { mailId }, clock.now()),
    sweeps: [() => bookingJobs.sweepUnconfirmed(new Date(clock.now().getTime() - 5 * 60_000))],
  });

  const services = {
    jwt,
    maintenance,
    specialists,
    bookings,
    bookingQueries: createBookingQueryService({ publicBaseUrl: config.http.publicBaseUrl }),
    bookingStart: createBookingStartService({ jwt, meetings: bookingMeetings }),
    bookingJobs,
    users,
    auth: createAuthService({ jwt, throttle }),
    health: createHealthService({ redis: deps.redis }),
    mail,
    jobs,
    zoom: {
      api: zoomApi,
      oauth: zoomOAuth,
      connection: zoomConnection,
      tokens: zoomTokens,
      webhook: zoomWebhook,
      s2s: zoomS2S,
      account: zoomAccount,
    },
  };
  return { config, clock, logger, redis: deps.redis, cipher, services };
}

export type Container = ReturnType<typeof createContainer>;
