import type { RequestHandler } from 'express';
import type { S2STokenService } from '../services/zoom/zoom-s2s-token.service';
import {
  TokenWaitTimeoutError,
  ZoomApiError,
  ZoomAuthError,
  ZoomClientConfigError,
  ZoomInvalidGrantError,
} from '../services/zoom/zoom.errors';

/**
 * Token failures as our errors. Zoom's reason stays in the log (as the cause); the answer never carries a credential.
 */
function toTokenError(error: unknown): unknown {
  if (
    error instanceof ZoomClientConfigError ||
    error instanceof ZoomInvalidGrantError ||
    (error instanceof ZoomApiError && !error.retryable)
  ) {
    return new ZoomAuthError(
      "Zoom refused the platform's Server-to-Server OAuth credentials: check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET",
      { cause: error },
    );
  }
  if (error instanceof ZoomApiError || error instanceof TokenWaitTimeoutError) {
    return new ZoomAuthError('Zoom is unavailable: no access token could be obtained, try again shortly', {
      code: 'ZOOM_UNAVAILABLE',
      status: 503,
      cause: error,
    });
  }
  return error; // ZOOM_S2S_NOT_CONFIGURED (503) and anything unexpected
}

/**
 * Gate for the account-level Zoom routes: obtains the S2S token (cached; the handler's call reuses it), so token
 * problems answer 502/503 before a handler runs.
 */
export function zoomTokenCheck(s2s: Pick<S2STokenService, 'getAccessToken'>): RequestHandler {
  return async (_req, _res, next) => {
    try {
      await s2s.getAccessToken();
    } catch (error) {
      throw toTokenError(error);
    }
    next();
  };
}
