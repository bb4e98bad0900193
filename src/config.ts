import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. `loadConfig(env)` is pure so tests can build configs of their own;
 * every problem is reported at once so a bad deployment is fixed in one go.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.url().optional());
const urlWithDefault = (fallback: string) => z.preprocess(emptyToUndefined, z.url().default(fallback));
const intWithDefault = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
/** Decimals allowed (e.g. 0.5 hours). */
const numberWithDefault = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().finite().min(min).max(max).default(fallback));

const envSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'test', 'production']).default('development')),
    HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    PORT: intWithDefault(3000, 0, 65535),
    PUBLIC_BASE_URL: optionalUrl,
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./.data')),
    BODY_LIMIT: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\d+(b|kb|mb)$/i)
        .default('100kb'),
    ),
    TRUST_PROXY: z.preprocess(emptyToUndefined, z.string().default('false').transform(parseTrustProxy)),
    SHUTDOWN_GRACE_MS: intWithDefault(10_000, 0),
    WEB_DIST_DIR: optionalString,

    MONGODB_URI: optionalString.pipe(
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
        .optional(),
    ),
    REDIS_URL: optionalString.pipe(
      z
        .string()
        .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
        .optional(),
    ),

    JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    JWT_TTL_SECONDS: intWithDefault(12 * 3600, 60),
    LOGIN_MAX_ATTEMPTS_PER_IP: intWithDefault(30, 1),
    LOGIN_MAX_ATTEMPTS_PER_EMAIL: intWithDefault(5, 1),
    LOGIN_WINDOW_SECONDS: intWithDefault(15 * 60, 1),
    SIGNUP_MAX_PER_IP: intWithDefault(20, 1),
    ACCOUNT_MAILS_MAX_PER_EMAIL: intWithDefault(5, 1),
    ACCOUNT_MAILS_MAX_PER_IP: intWithDefault(30, 1),
    ACCOUNT_LIMIT_WINDOW_SECONDS: intWithDefault(3600, 1),
    REQUIRE_VERIFIED_EMAIL: z.preprocess(emptyToUndefined, z.enum(['none', 'specialists', 'all']).optional()),
    // Guest booking (README "Guest booking"): emailed codes per address and per IP per hour.
    GUEST_CODES_MAX_PER_EMAIL: intWithDefault(5, 1, 1000),
    GUEST_CODES_MAX_PER_IP: intWithDefault(20, 1, 100_000),
    // Refused codes (wrong, dead, invalid) entered from one IP per hour, over all addresses.
    GUEST_CODE_FAILURES_MAX_PER_IP: intWithDefault(30, 1, 100_000),

    TOKEN_ENCRYPTION_KEY: optionalString.pipe(
      z
        .string()
        .refine((v) => decodeKey(v) !== undefined, 'must be 32 bytes as 64 hex characters or base64')
        .optional(),
    ),
    // During a key rotation: the old key, to open values sealed with it until they are rewritten.
    TOKEN_ENCRYPTION_KEY_PREVIOUS: optionalString.pipe(
      z
        .string()
        .refine((v) => decodeKey(v) !== undefined, 'must be 32 bytes as 64 hex characters or base64')
        .optional(),
    ),

    ZOOM_USER_MANAGED_CLIENT_ID: optionalString,
    ZOOM_USER_MANAGED_CLIENT_SECRET: optionalString,
    ZOOM_REDIRECT_URI: optionalUrl,
    FRONTEND_URL: optionalUrl,
    ZOOM_OAUTH_BASE_URL: urlWithDefault('https://zoom.us'),
    ZOOM_API_BASE_URL: urlWithDefault('https://api.zoom.us/v2'),
    ZOOM_SCOPES: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default(
          'meeting:write:meeting meeting:read:meeting meeting:read:list_meetings meeting:update:meeting meeting:delete:meeting user:read:user',
        ),
    ),
    ZOOM_WEBHOOK_SECRET_TOKEN: optionalString,
    ZOOM_TOKEN_REFRESH_MARGIN_SECONDS: intWithDefault(300, 0, 3000),
    ZOOM_HTTP_TIMEOUT_MS: intWithDefault(10_000, 100),
    // A sent token request runs to its end (Zoom rotates the refresh token whether or not we wait for the answer).
    ZOOM_TOKEN_REQUEST_MAX_MS: intWithDefault(60_000, 1000),
    ZOOM_REFRESH_FAILURE_COOLDOWN_SECONDS: intWithDefault(30, 0, 3600),
    // Below Zoom's 90-day refresh-token lifetime, or keeping grants alive would be pointless.
    ZOOM_KEEPALIVE_AFTER_HOURS: numberWithDefault(168, 0.01, 24 * 89),
    ZOOM_KEEPALIVE_EVERY_MINUTES: numberWithDefault(60, 0, 7 * 24 * 60),
    ZOOM_REFRESH_LOG_DAYS: numberWithDefault(30, 0.01, 3650),
    ADMIN_DIGEST_HOUR_UTC: intWithDefault(7, 0, 23),

    MEETING_PROVIDER: z.preprocess(emptyToUndefined, z.enum(['user', 's2s']).default('user')),
    ZOOM_ACCOUNT_ID: optionalString,
    ZOOM_CLIENT_ID: optionalString,
    ZOOM_CLIENT_SECRET: optionalString,
    ZOOM_S2S_HOST_USER: optionalString,

    ZOOM_SANDBOX_PORT: intWithDefault(4010, 0, 65535),
    ZOOM_SANDBOX_AUTO_APPROVE: z.preprocess(emptyToUndefined, bool.default(false)),

    SMTP_URL: optionalString.pipe(
      z
        .string()
        .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
        .optional(),
    ),
    MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default('Bookings <no-reply@localhost>')),

    JOBS_PROCESS_EVERY_MS: intWithDefault(5000, 50),
    // Failures that count: unclear ones for meetings, 5xx refusals for mail. Outages never end the tries (README).
    MEETING_RETRY_MAX_ATTEMPTS: intWithDefault(8, 1, 100),
    MAIL_RETRY_MAX_ATTEMPTS: intWithDefault(10, 1, 100),
    REMINDER_OFFSETS_MINUTES: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^(none|\d+(\s*,\s*\d+)*)$/, 'must be minutes before the start, comma-separated (e.g. 1440,60), or none')
        .default('1440,60')
        .transform(parseOffsets),
    ),

    METRICS_ENABLED: z.preprocess(emptyToUndefined, bool.default(false)),
    METRICS_TOKEN: optionalString,
    // Meeting integrity (README "Meeting integrity").
    ZOOM_DAILY_MEETING_LIMIT: intWithDefault(100, 1, 100_000),
    RESCHEDULE_LIMIT_PER_BOOKING: intWithDefault(5, 0, 1000),
    BOOKING_RATE_PER_HOUR: intWithDefault(20, 1, 100_000),
    MEETING_DELETE_GIVE_UP_DAYS: numberWithDefault(7, 0, 365),
    MEETING_VERIFY_BEFORE_MINUTES: numberWithDefault(60, 1, 7 * 24 * 60),
    MEETING_RECONCILE_EVERY_MINUTES: numberWithDefault(360, 0, 7 * 24 * 60),
    MEETING_RECONCILE_DAYS: numberWithDefault(14, 0.01, 366),

    CALENDAR_SYNC_EVERY_MINUTES: numberWithDefault(10, 0, 24 * 60),
    CALENDAR_FEED_STALE_HOURS: numberWithDefault(24, 0.01, 24 * 365),
    CALENDAR_FEED_MAX_BYTES: intWithDefault(5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    CALENDAR_FEED_TIMEOUT_MS: intWithDefault(10_000, 100, 120_000),
    CALENDAR_FEED_ALLOW_PRIVATE: z.preprocess(emptyToUndefined, bool.default(false)),
  })
  .superRefine((env, ctx) => {
    const pairs: Array<[string | undefined, string | undefined, string]> = [
      [env.ZOOM_USER_MANAGED_CLIENT_ID, env.ZOOM_USER_MANAGED_CLIENT_SECRET, 'ZOOM_USER_MANAGED_CLIENT_SECRET'],
    ];
    for (const [id, secret, name] of pairs) {
      if (id && !secret)
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required when the client id is set' });
    }
    const s2s = [env.ZOOM_ACCOUNT_ID, env.ZOOM_CLIENT_ID, env.ZOOM_CLIENT_SECRET];
    if (s2s.some(Boolean) && !s2s.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ZOOM_ACCOUNT_ID'],
        message: 'ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET must be set together',
      });
    }
    if (env.NODE_ENV !== 'production') return;
    if (env.CALENDAR_FEED_ALLOW_PRIVATE) {
      ctx.addIssue({
        code: 'custom',
        path: ['CALENDAR_FEED_ALLOW_PRIVATE'],
        message: 'must not be true in production',
      });
    }
    const httpsOnly: Array<[string, string | undefined]> = [
      ['ZOOM_REDIRECT_URI', env.ZOOM_REDIRECT_URI],
      ['FRONTEND_URL', env.FRONTEND_URL ?? env.PUBLIC_BASE_URL],
    ];
    for (const [name, value] of httpsOnly) {
      if (!value || !value.startsWith('https://')) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'must be an https:// URL in production' });
      }
    }
    const required: Array<[string, unknown]> = [
      ['TOKEN_ENCRYPTION_KEY', env.TOKEN_ENCRYPTION_KEY],
      ['JWT_SECRET', env.JWT_SECRET],
      ['MONGODB_URI', env.MONGODB_URI],
      ['ZOOM_WEBHOOK_SECRET_TOKEN', env.ZOOM_WEBHOOK_SECRET_TOKEN],
    ];
    if (env.MEETING_PROVIDER === 'user')
      required.push(['ZOOM_USER_MANAGED_CLIENT_ID', env.ZOOM_USER_MANAGED_CLIENT_ID]);
    else required.push(['ZOOM_ACCOUNT_ID', env.ZOOM_ACCOUNT_ID]);
    for (const [name, value] of required) {
      if (!value) ctx.addIssue({ code: 'custom', path: [name], message: 'is required in production' });
    }
  });

/** Express's trust-proxy names for address ranges. */
const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const TRUST_EVERY_HOP =
  'true trusts every hop, so any client can pick its own IP with X-Forwarded-For and slip past the per-IP limits; ' +
  'set the number of proxies in front of the app (e.g. 1) or their addresses/subnets (e.g. 10.0.0.0/8,loopback)';

/**
 * TRUST_PROXY in the forms Express accepts, except `true`: `false`, a hop count, or a comma-separated list of
 * addresses, subnets (CIDR) and the names loopback, linklocal, uniquelocal.
 */
function parseTrustProxy(value: string, ctx: z.RefinementCtx): false | number | string[] {
  const v = value.trim().toLowerCase();
  if (v === 'false' || v === '0' || v === 'no') return false;
  if (v === 'true' || v === 'yes') {
    ctx.addIssue({ code: 'custom', message: TRUST_EVERY_HOP });
    return z.NEVER;
  }
  if (/^\d+$/.test(v)) return Number(v);
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !TRUST_PROXY_NAMES.has(e) && !isAddressOrSubnet(e));
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be false, a hop count, or addresses/subnets/loopback/linklocal/uniquelocal; not: ${bad.join(', ')}`,
    });
    return z.NEVER;
  }
  return entries;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return family === 4 && isContiguousNetmask(prefix); // e.g. 255.255.0.0
  // As Express's proxy-addr: a prefix of 0 (every address) is refused, like a mask with holes.
  return Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** 255.255.0.0 yes; 255.0.255.0 and 0.0.0.0 no (proxy-addr refuses them at start-up). */
function isContiguousNetmask(mask: string): boolean {
  if (isIP(mask) !== 4) return false;
  const bits = mask.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const hostBits = 2 ** 32 - 1 - bits; // the zeros after the ones, as a number 2^k - 1
  return bits !== 0 && (hostBits & (hostBits + 1)) === 0;
}

/** "1440, 60,60" → [1440, 60]: distinct, positive, earliest reminder first. */
function parseOffsets(value: string): number[] {
  if (value === 'none') return [];
  const minutes = value.split(',').map((v) => Number(v.trim()));
  return [...new Set(minutes.filter((m) => m > 0))].sort((a, b) => b - a);
}

export function decodeKey(value: string): Buffer | undefined {
  const trimmed = value.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const b64 = Buffer.from(trimmed, 'base64');
  return b64.length === 32 ? b64 : undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined>) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  // The web app is served by this API, so out of the box the Zoom callback lands on it
  // (a separate frontend sets FRONTEND_URL).
  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const userManagedConfigured = Boolean(e.ZOOM_USER_MANAGED_CLIENT_ID);
  const s2sConfigured = Boolean(e.ZOOM_ACCOUNT_ID);
  return {
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    http: {
      host: e.HOST,
      port: e.PORT,
      publicBaseUrl,
      bodyLimit: e.BODY_LIMIT,
      trustProxy: e.TRUST_PROXY,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      // The built web app (npm run build:web); src/ and dist/ both sit next to web/.
      webDistDir: path.resolve(e.WEB_DIST_DIR ?? path.join(__dirname, '..', 'web', 'dist')),
    },
    log: { level: e.LOG_LEVEL },
    dataDir: e.DATA_DIR,
    mongo: { uri: e.MONGODB_URI },
    redis: { url: e.REDIS_URL },
    auth: {
      jwtSecret: e.JWT_SECRET,
      jwtTtlSeconds: e.JWT_TTL_SECONDS,
      loginMaxPerIp: e.LOGIN_MAX_ATTEMPTS_PER_IP,
      loginMaxPerEmail: e.LOGIN_MAX_ATTEMPTS_PER_EMAIL,
      loginWindowSeconds: e.LOGIN_WINDOW_SECONDS,
      signupMaxPerIp: e.SIGNUP_MAX_PER_IP,
      mailsMaxPerEmail: e.ACCOUNT_MAILS_MAX_PER_EMAIL,
      mailsMaxPerIp: e.ACCOUNT_MAILS_MAX_PER_IP,
      accountLimitWindowSeconds: e.ACCOUNT_LIMIT_WINDOW_SECONDS,
      /** Who must have a verified email to be booked (specialists) or to book (customers, with `all`). */
      requireVerifiedEmail: e.REQUIRE_VERIFIED_EMAIL ?? (e.NODE_ENV === 'production' ? 'specialists' : 'none'),
    },
    /**
     * Booking without an account: the address is proven by an emailed code (at most this many per hour), and one IP
     * may enter at most `codeFailuresMaxPerIp` codes that do not work per hour.
     */
    guests: {
      codesMaxPerEmail: e.GUEST_CODES_MAX_PER_EMAIL,
      codesMaxPerIp: e.GUEST_CODES_MAX_PER_IP,
      codeFailuresMaxPerIp: e.GUEST_CODE_FAILURES_MAX_PER_IP,
    },
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY ? decodeKey(e.TOKEN_ENCRYPTION_KEY) : undefined,
    tokenEncryptionKeyPrevious: e.TOKEN_ENCRYPTION_KEY_PREVIOUS
      ? decodeKey(e.TOKEN_ENCRYPTION_KEY_PREVIOUS)
      : undefined,
    frontendUrl: (e.FRONTEND_URL ?? publicBaseUrl).replace(/\/+$/, ''),
    zoom: {
      /** True when no real Zoom app is configured: the server runs an embedded sandbox instead. */
      useEmbeddedSandbox: e.MEETING_PROVIDER === 'user' ? !userManagedConfigured : !s2sConfigured,
      oauthBaseUrl: e.ZOOM_OAUTH_BASE_URL.replace(/\/+$/, ''),
      apiBaseUrl: e.ZOOM_API_BASE_URL.replace(/\/+$/, ''),
      userManaged: {
        clientId: e.ZOOM_USER_MANAGED_CLIENT_ID,
        clientSecret: e.ZOOM_USER_MANAGED_CLIENT_SECRET,
        redirectUri: e.ZOOM_REDIRECT_URI ?? `${publicBaseUrl}/api/zoom/callback`,
        scopes: e.ZOOM_SCOPES,
      },
      s2s: {
        accountId: e.ZOOM_ACCOUNT_ID,
        clientId: e.ZOOM_CLIENT_ID,
        clientSecret: e.ZOOM_CLIENT_SECRET,
        hostUser: e.ZOOM_S2S_HOST_USER,
      },
      webhookSecretToken: e.ZOOM_WEBHOOK_SECRET_TOKEN,
      refreshMarginSeconds: e.ZOOM_TOKEN_REFRESH_MARGIN_SECONDS,
      httpTimeoutMs: e.ZOOM_HTTP_TIMEOUT_MS,
      tokenRequestMaxMs: Math.max(e.ZOOM_TOKEN_REQUEST_MAX_MS, e.ZOOM_HTTP_TIMEOUT_MS),
      refreshFailureCooldownMs: e.ZOOM_REFRESH_FAILURE_COOLDOWN_SECONDS * 1000,
      grantHealth: {
        keepaliveAfterMs: Math.round(e.ZOOM_KEEPALIVE_AFTER_HOURS * 3_600_000),
        /** 0 = the keep-alive sweep is off. */
        keepaliveEveryMs: Math.round(e.ZOOM_KEEPALIVE_EVERY_MINUTES * 60_000),
        refreshLogMaxAgeMs: Math.round(e.ZOOM_REFRESH_LOG_DAYS * 86_400_000),
        adminDigestHourUtc: e.ADMIN_DIGEST_HOUR_UTC,
      },
      sandbox: { port: e.ZOOM_SANDBOX_PORT, autoApprove: e.ZOOM_SANDBOX_AUTO_APPROVE },
    },
    meetingProvider: e.MEETING_PROVIDER,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    jobs: {
      processEveryMs: e.JOBS_PROCESS_EVERY_MS,
      meetingMaxAttempts: e.MEETING_RETRY_MAX_ATTEMPTS,
      mailMaxAttempts: e.MAIL_RETRY_MAX_ATTEMPTS,
    },
    reminders: { offsetsMinutes: e.REMINDER_OFFSETS_MINUTES },
    /** GET /metrics (Prometheus); a set token is required as `Authorization: Bearer <token>`. */
    metrics: { enabled: e.METRICS_ENABLED, token: e.METRICS_TOKEN },
    integrity: {
      zoomDailyMeetingLimit: e.ZOOM_DAILY_MEETING_LIMIT,
      rescheduleLimitPerBooking: e.RESCHEDULE_LIMIT_PER_BOOKING,
      bookingRatePerHour: e.BOOKING_RATE_PER_HOUR,
      meetingDeleteGiveUpMs: Math.round(e.MEETING_DELETE_GIVE_UP_DAYS * 86_400_000),
    },
    meetingIntegrity: {
      /** With reminders off: when the meeting is read from Zoom (and repaired) before the start. */
      verifyBeforeMs: Math.round(e.MEETING_VERIFY_BEFORE_MINUTES * 60_000),
      /** 0 = the reconciliation sweep is off. */
      reconcileEveryMs: Math.round(e.MEETING_RECONCILE_EVERY_MINUTES * 60_000),
      reconcileWindowMs: Math.round(e.MEETING_RECONCILE_DAYS * 86_400_000),
    },
    calendars: {
      /** 0 = the periodic sync is off (feeds sync when added and on demand). */
      syncEveryMs: Math.round(e.CALENDAR_SYNC_EVERY_MINUTES * 60_000),
      staleAfterMs: Math.round(e.CALENDAR_FEED_STALE_HOURS * 3_600_000),
      maxBytes: e.CALENDAR_FEED_MAX_BYTES,
      timeoutMs: e.CALENDAR_FEED_TIMEOUT_MS,
      /** Loopback feeds (plain http allowed there) for tests and local development only. */
      allowPrivate: e.CALENDAR_FEED_ALLOW_PRIVATE,
    },
  };
}

export type AppConfig = ReturnType<typeof loadConfig>;

/** Reads .env (when present) and the process environment. Only the process entry points call this. */
export function loadConfigFromProcess(): AppConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('dotenv').config({ quiet: true });
  return loadConfig(process.env);
}
