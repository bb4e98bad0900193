/**
 * One error hierarchy. Services throw these; one middleware turns them into
 * `{ error: { code, message, details? } }` with `status`.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  constructor(status: number, code: string, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = options.details;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'VALIDATION_FAILED', message, { details });
  }
}
export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required', code = 'UNAUTHENTICATED') {
    super(401, code, message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this') {
    super(403, 'FORBIDDEN', message);
  }
}
export class NotFoundError extends AppError {
  constructor(what = 'Resource', code = 'NOT_FOUND') {
    super(404, code, `${what} not found`);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, code = 'CONFLICT', details?: unknown) {
    super(409, code, message, { details });
  }
}
export class UnprocessableError extends AppError {
  constructor(message: string, code = 'UNPROCESSABLE', details?: unknown) {
    super(422, code, message, { details });
  }
}
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'RATE_LIMITED', message, { details: { retryAfterSeconds } });
  }
}

/** Zoom refused our credentials or the grant: the specialist must reconnect, or the app is misconfigured. */
export class ZoomAuthError extends AppError {
  constructor(message: string, code = 'ZOOM_AUTH_FAILED', options: { cause?: unknown; status?: number } = {}) {
    super(options.status ?? 502, code, message, { cause: options.cause });
  }
}
/** The specialist's grant is dead (revoked, expired or never given). */
export class ZoomNotConnectedError extends AppError {
  constructor(message = 'The specialist has no working Zoom connection') {
    super(422, 'ZOOM_NOT_CONNECTED', message);
  }
}
/** Zoom answered with an error (4xx other than auth, 5xx, timeout). `retryAt` is set when retrying makes sense. */
export class ZoomApiError extends AppError {
  /** For 429s: seconds until Zoom said to retry, relative to when the answer arrived. */
  retryAfterSeconds?: number;
  constructor(
    message: string,
    readonly zoomStatus: number | undefined,
    readonly zoomCode: number | string | undefined,
    readonly retryable: boolean,
    readonly retryAt?: Date,
    options: { cause?: unknown } = {},
  ) {
    super(zoomStatus === 404 ? 404 : zoomStatus === 429 ? 429 : 502, 'ZOOM_API_ERROR', message, {
      cause: options.cause,
      details: { zoomStatus, zoomCode },
    });
  }
}
export class ServiceUnavailableError extends AppError {
  constructor(message: string, code = 'SERVICE_UNAVAILABLE') {
    super(503, code, message);
  }
}
