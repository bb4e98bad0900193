import { AppError } from '../../lib/errors';
import { backoffMs } from '../jobs/backoff';
import {
  TokenWaitTimeoutError,
  ZoomApiError,
  ZoomNotConnectedError,
  ZoomTokenRejectedError,
} from '../zoom/zoom.errors';

/** When a failed Zoom meeting call should be tried again, or undefined when waiting will not help. */
export function retryAtFor(error: unknown, attempts: number, now: Date): Date | undefined {
  const later = (ms: number) => new Date(now.getTime() + ms);
  // A token rejected twice in a row is usually a refresh race or a brief Zoom hiccup: try again later.
  // Waiting too long for another process's token refresh is just as temporary.
  if (error instanceof ZoomTokenRejectedError || error instanceof TokenWaitTimeoutError) {
    return later(backoffMs(attempts));
  }
  if (error instanceof ZoomApiError && error.retryable) return error.retryAt ?? later(backoffMs(attempts));
  if (error instanceof ZoomNotConnectedError) return later(backoffMs(attempts, 5 * 60_000, 6 * 3_600_000));
  if (error instanceof AppError) return undefined; // a refusal that will not change by waiting
  return later(backoffMs(attempts));
}
