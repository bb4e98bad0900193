import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { nextUtcMidnight, takeUse, utcDay } from '../usage-ledger';

/**
 * Zoom allows 100 meeting create/update requests per host per UTC day (429, `x-ratelimit-type: Daily-limit`;
 * https://developers.zoom.us/docs/api/rate-limits/). The quota ledger counts our calls per host and UTC day in
 * MongoDB, shared by all instances, so a host at the limit waits for 00:00 UTC without calling Zoom.
 */
export interface ZoomQuota {
  reserve(hostKey: string): Promise<{ ok: true } | { ok: false; resumeAt: Date }>;
}

/** The ledger: reserve one create/update for `hostKey` today (UTC) before calling Zoom, or learn when to resume. */
export function createZoomQuota(deps: { clock: Clock; logger: Logger; dailyLimit: number }): ZoomQuota {
  return {
    async reserve(hostKey) {
      const t = deps.clock.now();
      const resetAt = nextUtcMidnight(t);
      const taken = await takeUse({ key: `zoom:${hostKey}`, window: utcDay(t), resetAt, limit: deps.dailyLimit });
      if (taken) return { ok: true };
      deps.logger.warn({ hostKey, limit: deps.dailyLimit }, 'Zoom daily meeting quota reached; waiting for 00:00 UTC');
      return { ok: false, resumeAt: resetAt };
    },
  };
}
