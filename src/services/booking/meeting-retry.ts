import { AppError } from '../../lib/errors';
import { backoffMs, retryNotBefore, transientBackoffMs } from '../jobs/backoff';
import { isTransientZoomError, ZoomApiError, ZoomNotConnectedError, ZoomTokenRejectedError } from '../zoom/zoom.errors';

/**
 * What a failed Zoom meeting call calls for:
 * - `transient`: Zoom is down, slow or busy (5xx, time-out, connection error, 429, a token refresh that failed for
 *   those reasons, waiting for another process's refresh). Tried again with the capped transient backoff, or when
 *   Zoom said (Retry-After, the daily limit's 00:00 UTC); never ends the attempts while the session is ahead.
 * - `reconnect`: the grant is dead; the specialist was told, and reconnecting makes the meeting due at once. Until
 *   then it is looked at now and then, and it also waits while the session is ahead.
 * - `unclear`: neither a refusal nor a known outage (a token Zoom rejects right after a refresh, an unexpected
 *   error): retried, but only `MEETING_RETRY_MAX_ATTEMPTS` such failures.
 * - `permanent`: a refusal that waiting cannot change (a Zoom 4xx other than 401/429, our own refusals).
 */
export type FailureKind = 'transient' | 'reconnect' | 'unclear' | 'permanent';

export function failureKind(error: unknown): FailureKind {
  if (isTransientZoomError(error)) return 'transient';
  if (error instanceof ZoomApiError) return 'permanent';
  if (error instanceof ZoomNotConnectedError) return 'reconnect';
  if (error instanceof ZoomTokenRejectedError) return 'unclear';
  if (error instanceof AppError) return 'permanent';
  return 'unclear';
}

export type RetryDecision = { retryAt: Date; counted: boolean } | { giveUp: string };

/**
 * Whether and when a failed meeting call (create, move, removal) is tried again. `attempts` counts tries so far
 * (sets the backoff), `counted` the failures already counted against `maxCounted` (unclear ones only). Transient
 * failures end the tries only when the session begins: a meeting for a session under way helps nobody, and telling
 * the specialist and admins does.
 */
export function decideRetry(
  error: unknown,
  o: { attempts: number; counted: number; maxCounted: number; now: Date; sessionStart: Date },
): RetryDecision {
  const message = (error as Error).message;
  const kind = failureKind(error);
  if (kind === 'permanent') return { giveUp: message };
  if (kind === 'unclear' && o.counted + 1 >= o.maxCounted) return { giveUp: message };
  const later = (ms: number) => new Date(o.now.getTime() + ms);
  const asked = error instanceof ZoomApiError ? error.retryAt : undefined;
  // Waiting for a reconnect: looked at now and then, and last at the session's start (to give up and tell then).
  const reconnectAt = () =>
    new Date(Math.min(later(backoffMs(o.attempts, 60_000, 3_600_000)).getTime(), o.sessionStart.getTime()));
  const wanted = asked ?? (kind === 'reconnect' ? reconnectAt() : later(transientBackoffMs(o.attempts)));
  const retryAt = retryNotBefore(o.now, o.attempts, wanted);
  // Our own short waits stop before the session's start; a time Zoom named (Retry-After, the daily reset) and the
  // wait for a reconnect are kept, and the try they allow gives up if the session has begun by then.
  const tooLate = asked || kind === 'reconnect' ? o.now >= o.sessionStart : retryAt >= o.sessionStart;
  if (tooLate) return { giveUp: `${message} (and the session begins before Zoom can be asked again)` };
  return { retryAt, counted: kind === 'unclear' };
}
