import { AppError } from '../../lib/errors';

/**
 * Every error about Zoom, in one module. Zoom's own codes (124, invalid_grant, 429, 1001, 3001) are mapped to these
 * by the OAuth and API clients; the error middleware maps these to HTTP by their `status` and `code`.
 */

interface ZoomAnswer {
  /** Zoom's HTTP status; undefined when Zoom did not answer. */
  zoomStatus?: number;
  /** Zoom's error code (`code` of the API, `error` of OAuth), or the network error's code. */
  zoomCode?: number | string;
  cause?: unknown;
}

/** Zoom answered with an error (4xx other than auth, 5xx, time-out). `retryAt` is set when Zoom said when. */
export type RateLimitType = 'daily' | 'per_second';

export class ZoomApiError extends AppError {
  readonly zoomStatus?: number;
  readonly zoomCode?: number | string;
  /** Zoom's own message, without our prefix (what an admin's pass-through shows). */
  readonly zoomMessage?: string;
  readonly retryable: boolean;
  readonly retryAt?: Date;
  /** For 429s: seconds until Zoom said to retry, relative to when the answer arrived. */
  readonly retryAfterSeconds?: number;
  /**
   * For 429s, which limit Zoom applied (`X-RateLimit-Type`): `daily` is the host's meeting create/update quota for the
   * UTC day (Daily-limit), `per_second` any other (QPS). https://developers.zoom.us/docs/api/rest/rate-limits/
   */
  readonly rateLimitType?: RateLimitType;
  constructor(
    message: string,
    options: ZoomAnswer & {
      retryable: boolean;
      retryAt?: Date;
      retryAfterSeconds?: number;
      zoomMessage?: string;
      rateLimitType?: RateLimitType;
    },
  ) {
    const { zoomStatus, zoomCode } = options;
    super(zoomStatus === 404 ? 404 : zoomStatus === 429 ? 429 : 502, 'ZOOM_API_ERROR', message, {
      cause: options.cause,
      details: { zoomStatus, zoomCode },
    });
    this.zoomStatus = zoomStatus;
    this.zoomCode = zoomCode;
    this.zoomMessage = options.zoomMessage;
    this.retryable = options.retryable;
    this.retryAt = options.retryAt;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.rateLimitType = options.rateLimitType;
  }
}

/** Zoom's token endpoint refused otherwise (e.g. `invalid_request`, a 5xx): `reason` is what Zoom said. */
export class ZoomTokenEndpointError extends ZoomApiError {
  readonly reason: string;
  constructor(reason: string, options: ZoomAnswer & { retryable: boolean }) {
    super(`Zoom token endpoint failed: ${reason}`, options);
    this.reason = reason;
  }
}

/**
 * Zoom's answer to an account-level call an admin made, passed through in our format: Zoom's own status for a 4xx
 * (400, 404, 429…), 502 for a 5xx or no answer. `message` is Zoom's message.
 */
export class ZoomPassThroughError extends AppError {
  /** Seconds until Zoom accepts calls again (from its Retry-After), for our own Retry-After header. */
  readonly retryAfterSeconds?: number;
  constructor(message: string, options: ZoomAnswer & { retryAfterSeconds?: number }) {
    const { zoomStatus, zoomCode } = options;
    const status = zoomStatus !== undefined && zoomStatus >= 400 && zoomStatus < 500 ? zoomStatus : 502;
    super(status, 'ZOOM_API_ERROR', message, { cause: options.cause, details: { zoomStatus, zoomCode } });
    if (status === 429) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Zoom refused our credentials or the grant: the specialist must reconnect, or the app is misconfigured. */
export class ZoomAuthError extends AppError {
  constructor(
    message: string,
    options: { code?: 'ZOOM_AUTH_FAILED' | 'ZOOM_UNAVAILABLE'; status?: number; cause?: unknown } = {},
  ) {
    super(options.status ?? 502, options.code ?? 'ZOOM_AUTH_FAILED', message, { cause: options.cause });
  }
}

/** The specialist's grant is dead (revoked, expired or never given). */
export class ZoomNotConnectedError extends AppError {
  constructor(message = 'The specialist has no working Zoom connection', details?: { missingStep: S2SMissingStep }) {
    super(422, 'ZOOM_NOT_CONNECTED', message, { details });
  }
}

/** s2s: what stands between a specialist and hosting as their own Zoom user of the platform account. */
export type S2SMissingStep = 'verify_email' | 'not_in_zoom_account' | 'admin_approval';

/** The S2S host routes on a server that hosts meetings in each specialist's own account. */
export class S2SModeOffError extends AppError {
  constructor() {
    super(
      409,
      'S2S_MODE_OFF',
      "This server runs MEETING_PROVIDER=user: meetings are hosted in each specialist's own Zoom account, so there " +
        'are no S2S hosts to approve',
    );
  }
}

/** Approval of an S2S host whose email is not verified: the address is not known to be theirs. */
export class S2SHostEmailNotVerifiedError extends AppError {
  constructor() {
    super(
      422,
      'S2S_HOST_EMAIL_NOT_VERIFIED',
      'The specialist has not verified their email address: approve them once they have opened the link we mailed',
    );
  }
}

/** Approval of an S2S host whose email is no user of the platform's Zoom account. */
export class NotInZoomAccountError extends AppError {
  constructor(email: string) {
    super(
      422,
      'NOT_IN_ZOOM_ACCOUNT',
      `${email} is not a user of the platform's Zoom account: add them in Zoom first, or leave them to ZOOM_S2S_HOST_USER`,
    );
  }
}

/** The refresh token or code was refused (`invalid_grant`): possibly rotated by someone else, possibly dead. */
export class ZoomInvalidGrantError extends AppError {
  /** Zoom's `reason` (e.g. "Invalid Token!"), for the refresh log. */
  readonly reason: string;
  constructor(reason: string) {
    super(502, 'ZOOM_INVALID_GRANT', `Zoom refused the grant: ${reason}`);
    this.reason = reason;
  }
}

/** Zoom rejected the access token (HTTP 401, code 124): refresh once and retry. */
export class ZoomTokenRejectedError extends AppError {
  constructor() {
    super(502, 'ZOOM_TOKEN_REJECTED', 'Zoom rejected the access token');
  }
}

/** Our client credentials are wrong: an operator problem, never the user's. */
export class ZoomClientConfigError extends AppError {
  readonly reason: string;
  constructor(reason: string) {
    super(502, 'ZOOM_CLIENT_MISCONFIGURED', `Zoom refused our app credentials: ${reason}`);
    this.reason = reason;
  }
}

/** What Zoom said went wrong (its `reason` for OAuth errors), or our own words when it did not answer. */
export function zoomReasonOf(error: unknown): string {
  if (error instanceof ZoomInvalidGrantError || error instanceof ZoomClientConfigError) return error.reason;
  return error instanceof Error ? error.message : String(error);
}

/** S2S mode is not configured: no account credentials. */
export class ZoomS2SNotConfiguredError extends AppError {
  constructor() {
    super(
      503,
      'ZOOM_S2S_NOT_CONFIGURED',
      'Zoom Server-to-Server OAuth is not configured: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET',
    );
  }
}

/** Webhooks cannot be verified without the app's secret token. */
export class ZoomWebhookNotConfiguredError extends AppError {
  constructor() {
    super(503, 'WEBHOOK_NOT_CONFIGURED', 'ZOOM_WEBHOOK_SECRET_TOKEN is not set');
  }
}

/**
 * Ours, not Zoom's: another caller (process) holds the token refresh or fetch and did not finish in time. Worth
 * retrying; the request answers 503.
 */
export class TokenWaitTimeoutError extends AppError {
  constructor(what: string) {
    super(503, 'ZOOM_UNAVAILABLE', `Timed out waiting for ${what}`);
  }
}

/** "Connect Zoom" failed at the callback; `reason` goes to the frontend in the redirect. */
export class OAuthCallbackError extends AppError {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(400, 'ZOOM_CONNECT_FAILED', message, { details: { reason } });
    this.reason = reason;
  }
}

/** POST /api/zoom/callback with a state another specialist started: refused before the state is touched. */
export class ZoomStateNotYoursError extends AppError {
  constructor() {
    super(403, 'ZOOM_STATE_NOT_YOURS', 'This connect request belongs to another account');
  }
}

/**
 * Zoom is down, slow or busy (5xx, time-out, connection error, 429, a token refresh that failed for those reasons),
 * or another process's token refresh did not finish in time: waiting changes this, so it never ends retries.
 */
export function isTransientZoomError(error: unknown): boolean {
  if (error instanceof TokenWaitTimeoutError) return true;
  return error instanceof ZoomApiError && error.retryable;
}
