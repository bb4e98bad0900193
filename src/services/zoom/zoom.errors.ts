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
