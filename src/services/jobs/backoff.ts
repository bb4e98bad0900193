/**
 * Exponential backoff with a cap (defaults: 30 s, 1 min, 2 min … 1 h). `attempt` counts from 1.
 */
export function backoffMs(attempt: number, baseMs = 30_000, capMs = 3_600_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * The longest wait between two tries after a transient failure (5xx, time-out, connection error, 429 without a
 * time). Kept short so that, whatever an outage's length, the first try after the other side returns comes within
 * this bound (plus one poll): the "recovery within a minute" promise of the README's "Failure behaviour".
 */
export const TRANSIENT_RETRY_CAP_MS = 30_000;

/** The one schedule for transient failures of meetings, mail and jobs: 5 s, 10 s, 20 s, then every 30 s. */
export function transientBackoffMs(attempt: number): number {
  return backoffMs(attempt, 5_000, TRANSIENT_RETRY_CAP_MS);
}

/**
 * The earliest a retry may run when the other side names a time (Retry-After, a daily reset): never sooner than a
 * growing floor, so a "Retry-After: 0" answered forever does not become a hot loop. The floor stops at the transient
 * cap, so it never delays recovery beyond it; a later time the other side asked for is kept as asked.
 */
export function retryNotBefore(now: Date, attempt: number, requested: Date): Date {
  return new Date(Math.max(requested.getTime(), now.getTime() + backoffMs(attempt, 1000, TRANSIENT_RETRY_CAP_MS)));
}
