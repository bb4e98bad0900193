import type { AppConfig } from '../../config';
import type { RedisClient } from '../../db/redis';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { TokenCipher } from '../../lib/token-cipher';
// The meeting host adapts Zoom (user grant or S2S account) for bookings; it lives in booking/ (listed exception).
import { s2sMeetingHost, userMeetingHost } from '../booking/meeting-host.service';
import type { GrantHealthModule } from '../grant-health/grant-health.module';
import type { Metrics } from '../metrics/metrics.module';
import { createRetiredGrants } from './retired-grant.service';
import { createS2SHosts } from './s2s-hosts.service';
import { createZoomAccountService } from './zoom-account.service';
import { createZoomApiClient } from './zoom-api.client';
import { createZoomConnectionService } from './zoom-connection.service';
import { createZoomHttp } from './zoom-http';
import { createZoomOAuthClient } from './zoom-oauth.client';
import { createZoomQuota } from './zoom-quota.service';
import { createS2STokenService } from './zoom-s2s-token.service';
import { createZoomUserTokenService } from './zoom-user-token.service';
import { createZoomWebhookService } from './zoom-webhook.service';

type ConnectionDeps = Parameters<typeof createZoomConnectionService>[0];
type WebhookDeps = Parameters<typeof createZoomWebhookService>[0];
type TokenDeps = Parameters<typeof createZoomUserTokenService>[0];

/**
 * Zoom: HTTP and OAuth clients, user grants (connect, tokens, retired grants), the S2S token, webhooks, the daily
 * quota, and the meeting host for the configured MEETING_PROVIDER.
 */
export function createZoomModule(deps: {
  config: AppConfig;
  clock: Clock;
  logger: Logger;
  redis?: RedisClient;
  cipher: TokenCipher;
  metrics?: Metrics;
  refreshLog: GrantHealthModule['refreshLog'];
  /** A grant's refresh token died. */
  onGrantDead: TokenDeps['onGrantDead'];
  /** A grant was removed at Zoom (deauthorization). */
  onDeauthorized: ConnectionDeps['onDeauthorized'];
  /** A grant was connected and its tokens sealed: bookings waiting for a meeting may now get one. */
  onConnected: NonNullable<ConnectionDeps['onConnected']>;
  onAccountChanging: ConnectionDeps['onAccountChanging'];
  onAccountChanged: ConnectionDeps['onAccountChanged'];
  onMeetingChanged: WebhookDeps['onMeetingChanged'];
}) {
  const { config, clock, logger, redis, cipher, metrics } = deps;
  const { httpTimeoutMs, refreshMarginSeconds } = config.zoom;
  const zoomHttp = createZoomHttp(httpTimeoutMs, metrics);
  const oauth = createZoomOAuthClient({
    http: zoomHttp,
    oauthBaseUrl: config.zoom.oauthBaseUrl,
    // Token requests run to their end (ZOOM_TOKEN_REQUEST_MAX_MS) even after the caller stopped waiting.
    refreshHttp: createZoomHttp(config.zoom.tokenRequestMaxMs, metrics),
  });
  const api = createZoomApiClient({ http: zoomHttp, apiBaseUrl: config.zoom.apiBaseUrl, clock });
  const userManagedApp = {
    clientId: config.zoom.userManaged.clientId ?? '',
    clientSecret: config.zoom.userManaged.clientSecret ?? '',
  };
  const retiredGrants = createRetiredGrants({ oauth, app: userManagedApp, cipher, clock, logger });
  const connection = createZoomConnectionService({
    oauth,
    api,
    app: userManagedApp,
    redirectUri: config.zoom.userManaged.redirectUri,
    scopes: config.zoom.userManaged.scopes,
    cipher,
    clock,
    logger,
    onConnected: (specialistId) => deps.onConnected(specialistId),
    onDeauthorized: deps.onDeauthorized,
    retiredGrants,
    onAccountChanging: deps.onAccountChanging,
    onAccountChanged: deps.onAccountChanged,
  });
  const tokens = createZoomUserTokenService({
    oauth,
    app: userManagedApp,
    cipher,
    clock,
    logger,
    refreshMarginSeconds,
    httpTimeoutMs,
    failureCooldownMs: config.zoom.refreshFailureCooldownMs,
    onGrantDead: deps.onGrantDead,
    refreshLog: deps.refreshLog,
  });
  const webhook = createZoomWebhookService({
    secretToken: config.zoom.webhookSecretToken,
    clock,
    logger,
    onDeauthorized: (zoomUserId) => connection.handleDeauthorized(zoomUserId),
    onMeetingChanged: deps.onMeetingChanged,
  });
  const s2s = createS2STokenService({
    oauth,
    credentials: config.zoom.s2s,
    redis,
    clock,
    logger,
    refreshMarginSeconds,
    httpTimeoutMs,
    cipher,
  });
  const account = createZoomAccountService({ api, s2s });
  const quota = createZoomQuota({ clock, logger, dailyLimit: config.integrity.zoomDailyMeetingLimit });
  const s2sMode = config.meetingProvider === 's2s';
  const fallbackHostUser = config.zoom.s2s.hostUser;
  const s2sHosts = createS2SHosts({ enabled: s2sMode, api, s2s, fallbackHostUser, clock, logger });
  const meetingHost = s2sMode
    ? s2sMeetingHost({ s2s, approvals: s2sHosts, fallbackHostUser, logger })
    : userMeetingHost({ tokens, connection });
  return {
    api,
    connection,
    tokens,
    webhook,
    s2s,
    account,
    quota,
    retiredGrants,
    meetingHost,
    s2sHosts,
    /** s2s: ZOOM_S2S_HOST_USER, whose meetings only admins and that host start (hostedBySharedUser). */
    sharedHostUser: s2sMode ? fallbackHostUser : undefined,
  };
}

export type ZoomModule = ReturnType<typeof createZoomModule>;
