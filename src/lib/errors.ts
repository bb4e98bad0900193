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

export class MalformedJsonError extends AppError {
  constructor() {
    super(400, 'MALFORMED_JSON', 'Request body is not valid JSON');
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
  constructor(message = 'You are not allowed to do this', code = 'FORBIDDEN') {
    super(403, code, message);
  }
}
/** Booking (or being booked) needs a verified email address (REQUIRE_VERIFIED_EMAIL). */
export class EmailNotVerifiedError extends AppError {
  constructor(message: string) {
    super(403, 'EMAIL_NOT_VERIFIED', message);
  }
}
/** A signed-in person confirming an account change with the wrong current password (not 401: the session is fine). */
export class WrongPasswordError extends AppError {
  constructor(message = 'The current password is wrong') {
    super(403, 'WRONG_PASSWORD', message);
  }
}
/** A state-changing request authenticated by the session cookie without the session's CSRF header. */
export class CsrfTokenError extends AppError {
  constructor() {
    super(
      403,
      'CSRF_TOKEN_INVALID',
      'Requests signed in by cookie must send the X-CSRF-Token header (the csrf cookie of this session)',
    );
  }
}
/** Deleting an account needs the password, or a sign-in of the last few minutes. */
export class ReauthenticationRequiredError extends AppError {
  constructor() {
    super(403, 'REAUTHENTICATION_REQUIRED', 'Send your password, or sign in again and retry within 5 minutes');
  }
}
/** A mailed account link that is malformed, expired, already used or superseded. */
export class InvalidLinkError extends AppError {
  constructor(message = 'This link is invalid, expired or already used; ask for a new one') {
    super(400, 'LINK_INVALID', message);
  }
}
export class NotFoundError extends AppError {
  constructor(what = 'Resource', code = 'NOT_FOUND') {
    super(404, code, `${what} not found`);
  }
}
export class GoneError extends AppError {
  constructor(message: string, code = 'GONE') {
    super(410, code, message);
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

export class ServiceUnavailableError extends AppError {
  constructor(message: string, code = 'SERVICE_UNAVAILABLE') {
    super(503, code, message);
  }
}

/** MongoDB's E11000: a unique index refused the write (someone else inserted the same key first). */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
