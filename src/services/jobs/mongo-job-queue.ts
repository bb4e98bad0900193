import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { compareAndSet } from '../../db/compare-and-set';
import { JobModel, type JobRecord } from '../../models/job.model';
import { backoffMs } from './backoff';
import type { JobData, JobHandler, JobQueue } from './job-queue';
import { isDuplicateKeyError } from '../../lib/errors';

export interface MongoJobQueueOptions {
  clock: Clock;
  logger: Logger;
  /** How often the poller looks for due jobs (real time). */
  pollMs: number;
  /** How long a claimed job stays ours before another instance may take it over. */
  leaseMs?: number;
  /** Backoff after a handler throws. */
  errorBackoffMs?: (attempt: number) => number;
}

/**
 * Durable jobs in MongoDB, timed by the injected clock. See README "Jobs" for why this is not agenda.
 * A job is claimed with a compare-and-set on its lease, so any number of instances can poll the same collection.
 */
export function createMongoJobQueue(options: MongoJobQueueOptions): JobQueue {
  const handlers = new Map<string, JobHandler>();
  const worker = randomUUID();
  const leaseMs = options.leaseMs ?? 120_000;
  const errorBackoff = options.errorBackoffMs ?? ((n: number) => backoffMs(n, 15_000));
  const now = () => options.clock.now();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  let stopping = false;

  async function claimNext(): Promise<JobRecord | null> {
    const t = now();
    const due = {
      name: { $in: [...handlers.keys()] },
      runAt: { $lte: t },
      $or: [{ lockedUntil: null }, { lockedUntil: { $lte: t } }],
    };
    const candidates = await JobModel.find(due).sort({ runAt: 1 }).limit(10).lean<JobRecord[]>();
    for (const job of candidates) {
      const won = await compareAndSet(
        JobModel,
        { _id: job._id, runAt: job.runAt, lockedUntil: job.lockedUntil ?? null },
        { $set: { lockedUntil: new Date(t.getTime() + leaseMs), lockedBy: worker }, $inc: { attempts: 1 } },
      );
      if (won) return JobModel.findById(job._id).lean<JobRecord>();
    }
    return null;
  }

  async function runOne(job: JobRecord): Promise<void> {
    const handler = handlers.get(job.name)!;
    const mine = { _id: job._id, lockedBy: worker, runAt: job.runAt };
    try {
      const result = await handler(job.data as JobData, { attempts: job.attempts });
      if (result && 'retryAt' in result) {
        // Never sooner than a growing floor: a "Retry-After: 0" answered forever must not become a hot loop.
        const floor = now().getTime() + backoffMs(job.attempts, 1000, 300_000);
        const runAt = new Date(Math.max(result.retryAt.getTime(), floor));
        await JobModel.updateOne(mine, { $set: { runAt, lockedUntil: null, lockedBy: null } });
      } else {
        // Only remove the job if nobody re-scheduled it meanwhile (runAt unchanged).
        await JobModel.deleteOne(mine);
      }
    } catch (error) {
      const message = (error as Error).message;
      options.logger.warn(
        { job: job.name, key: job.key, attempts: job.attempts, err: message },
        'Job failed; retrying later',
      );
      await JobModel.updateOne(mine, {
        $set: {
          runAt: new Date(now().getTime() + errorBackoff(job.attempts)),
          lockedUntil: null,
          lockedBy: null,
          lastError: message,
        },
      });
    }
  }

  async function drain(): Promise<number> {
    let count = 0;
    for (let job = await claimNext(); job && !stopping; job = await claimNext()) {
      await runOne(job);
      count += 1;
    }
    return count;
  }

  function tick() {
    if (stopped) return;
    running ??= drain()
      .catch((error) => {
        options.logger.error({ err: error }, 'Job poller failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, options.pollMs);
      });
  }

  return {
    define(name, handler) {
      handlers.set(name, handler);
    },
    async schedule(name, key, data, at) {
      await JobModel.updateOne(
        { key },
        { $set: { name, data, runAt: at }, $setOnInsert: { key, attempts: 0, lockedUntil: null, lockedBy: null } },
        { upsert: true },
      ).catch(async (error: { code?: number }) => {
        // Two schedulers upserting one key at once: the loser updates the winner's document.
        if (!isDuplicateKeyError(error)) throw error;
        await JobModel.updateOne({ key }, { $set: { name, data, runAt: at } });
      });
    },
    async cancel(key) {
      await JobModel.deleteOne({ key });
    },
    async start() {
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      stopping = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    async runDue() {
      // Tests and the poller share one drain at a time per process.
      if (running) await running;
      running = drain().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
