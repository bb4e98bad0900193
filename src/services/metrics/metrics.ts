/**
 * What instrumented services report, one call per event. Optional everywhere (`metrics?.…`): without
 * METRICS_ENABLED nothing is counted. Labels take values from small fixed sets, never ids or paths.
 */
export interface ServiceMetrics {
  bookingCreated(): void;
  bookingCancelled(): void;
  bookingMoved(): void;
  /** From the booking's creation to its Zoom meeting being saved. */
  meetingReady(seconds: number): void;
  /** One attempt at a booking's meeting: created, retry, failed, cancelled, skipped or error (it threw). */
  meetingAttempt(outcome: string): void;
  /** One HTTP exchange with Zoom; `status` is the HTTP status, or "network_error" when none came back. */
  zoomCall(call: { method: string; url: string; status: number | 'network_error'; seconds: number }): void;
  /** One call to Zoom's token endpoint for a user grant (the refresh log's trigger and outcome). */
  tokenRefresh(trigger: string, outcome: string): void;
}
