/**
 * Zoom allows 100 meeting create/update requests per host per UTC day (429, `x-ratelimit-type: Daily-limit`).
 * The quota ledger counts our calls per host and UTC day, shared by all instances, so a host at the limit waits for
 * 00:00 UTC without calling Zoom.
 */
export interface ZoomQuota {
  reserve(hostKey: string): Promise<{ ok: true } | { ok: false; resumeAt: Date }>;
}
