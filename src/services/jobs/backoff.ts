/**
 * Exponential backoff with a cap (defaults: 30 s, 1 min, 2 min … 1 h), the one schedule for jobs, mail and meetings.
 * `attempt` counts from 1.
 */
export function backoffMs(attempt: number, baseMs = 30_000, capMs = 3_600_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
