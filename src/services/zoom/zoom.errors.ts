import { AppError, ZoomApiError } from '../../lib/errors';

/** The refresh token or code was refused (`invalid_grant`): possibly rotated by someone else, possibly dead. */
export class ZoomInvalidGrantError extends AppError {
  constructor(reason: string) {
    super(502, 'ZOOM_INVALID_GRANT', `Zoom refused the grant: ${reason}`);
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
  constructor(reason: string) {
    super(502, 'ZOOM_CLIENT_MISCONFIGURED', `Zoom refused our app credentials: ${reason}`);
  }
}

export { ZoomApiError };

/**
 * Zoom's answer to an account-level call an admin made, passed through in our format: Zoom's own status for a 4xx
 * (400, 404, 429…), 502 for a 5xx or no answer. `message` is Zoom's message.
 */
export class ZoomPassThroughError extends AppError {
  /** Seconds until Zoom accepts calls again (from its Retry-After), for our own Retry-After header. */
  readonly retryAfterSeconds?: number;
  constructor(
    message: string,
    zoomStatus: number | undefined,
    zoomCode: number | string | undefined,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    const status = zoomStatus !== undefined && zoomStatus >= 400 && zoomStatus < 500 ? zoomStatus : 502;
    super(status, 'ZOOM_API_ERROR', message, { cause: options.cause, details: { zoomStatus, zoomCode } });
    if (status === 429) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
