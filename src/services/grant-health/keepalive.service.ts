import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { UserOAuthTokenModel, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import type { JobQueue } from '../jobs/job-queue';
import { isTransientZoomError, ZoomNotConnectedError } from '../zoom/zoom.errors';
import type { ZoomUserTokenService } from '../zoom/zoom-user-token.service';
import { STATE_FILTERS } from './grant-state';
import type { RefreshLog } from './refresh-log.service';

export const JOB_KEEPALIVE_SWEEP = 'zoom-keepalive-sweep';
export const JOB_KEEPALIVE_GRANT = 'zoom-keepalive-grant';
/** Grants queued per sweep (oldest first); the rest wait for the next sweep. */
const MAX_PER_SWEEP = 1000;
/** Refreshes are spaced over the sweep interval, but never further apart than this. */
const MAX_SPACING_MS = 30_000;
/** A refresh that keeps failing for an unclear reason is left to the next sweep (a Zoom outage is waited out). */
const MAX_GRANT_ATTEMPTS = 5;

/**
 * Keeps idle grants alive: Zoom's refresh token dies when unused (90 days is the figure to design for), and an idle
 * specialist's grant would otherwise be found dead by the next customer's booking. A durable sweep job (one
 * instance at a time, through the job queue) queues one keep-alive job per idle grant, spaced over the interval;
 * each goes through the token service's lease, so it never races a booking into invalid_grant, and a dead grant
 * takes the same path as any failed refresh. The sweep also prunes the refresh log by age.
 */
export function createKeepalive(deps: {
  jobs: JobQueue;
  tokens: Pick<ZoomUserTokenService, 'keepAlive'>;
  refreshLog: Pick<RefreshLog, 'prune'>;
  clock: Clock;
  logger: Logger;
  /** Refresh grants not refreshed (or authorized) for this long. */
  afterMs: number;
  /** How often the sweep runs; 0 = off. */
  everyMs: number;
  /** Refresh log entries older than this are deleted. */
  logMaxAgeMs: number;
}) {
  const now = () => deps.clock.now();
  const cutoff = () => new Date(now().getTime() - deps.afterMs);

  async function sweep(): Promise<{ queued: number; pruned: number }> {
    const olderThan = cutoff();
    const due = await UserOAuthTokenModel.find({
      ...STATE_FILTERS.connected,
      $or: [{ lastRefreshedAt: { $lt: olderThan } }, { lastRefreshedAt: null, authorizedAt: { $lt: olderThan } }],
    })
      .sort({ lastRefreshedAt: 1, authorizedAt: 1 })
      .limit(MAX_PER_SWEEP)
      .lean<UserOAuthTokenRecord[]>();
    const spacing = Math.min(MAX_SPACING_MS, Math.floor((deps.everyMs || 3_600_000) / Math.max(1, due.length)));
    const t = now().getTime();
    for (const [i, grant] of due.entries()) {
      const specialistId = grant.userId.toString();
      await deps.jobs.schedule(
        JOB_KEEPALIVE_GRANT,
        `${JOB_KEEPALIVE_GRANT}:${specialistId}`,
        { specialistId },
        new Date(t + i * spacing),
      );
    }
    const pruned = await deps.refreshLog.prune(new Date(t - deps.logMaxAgeMs));
    if (due.length > 0 || pruned > 0) deps.logger.info({ queued: due.length, pruned }, 'Zoom keep-alive sweep');
    return { queued: due.length, pruned };
  }

  deps.jobs.define(JOB_KEEPALIVE_SWEEP, async () => {
    await sweep();
    if (deps.everyMs <= 0) return;
    return { nextRunAt: new Date(now().getTime() + deps.everyMs) };
  });

  deps.jobs.define(JOB_KEEPALIVE_GRANT, async ({ specialistId }, meta) => {
    try {
      await deps.tokens.keepAlive(specialistId!, cutoff());
    } catch (error) {
      // Dead (the specialist has been told) or disconnected meanwhile: nothing left to keep alive.
      if (error instanceof ZoomNotConnectedError) return;
      // Zoom down or busy: the job queue tries again within a minute, for as long as it takes.
      if (!isTransientZoomError(error) && meta.attempts >= MAX_GRANT_ATTEMPTS) {
        deps.logger.warn({ specialistId, err: error }, 'Zoom keep-alive keeps failing; the next sweep tries again');
        return;
      }
      throw error;
    }
  });

  return {
    sweep,
    /** Idempotent: one sweep job whatever the number of instances; removed when the sweep is turned off. */
    async ensureScheduled(): Promise<void> {
      if (deps.everyMs > 0) await deps.jobs.schedule(JOB_KEEPALIVE_SWEEP, JOB_KEEPALIVE_SWEEP, {}, now());
      else await deps.jobs.cancel(JOB_KEEPALIVE_SWEEP);
    },
  };
}

export type Keepalive = ReturnType<typeof createKeepalive>;
