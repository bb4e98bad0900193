/**
 * Exponential backoff with a cap (defaults: 30 s, 1 min, 2 min … 1 h), the one schedule for jobs, mail and meetings.
 * `attempt` counts from 1.
 */
export function backoffMs(attempt: number, baseMs = 30_000, capMs = 3_600_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * The earliest a retry may run when the other side names a time (Retry-After, a daily reset): never sooner than a
 * growing floor, so a "Retry-After: 0" answered forever does not become a hot loop.
 */
export function retryNotBefore(now: Date, attempt: number, requested: Date): Date {
  return new Date(Math.max(requested.getTime(), now.getTime() + backoffMs(attempt, 1000, 300_000)));
}
