import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { compareAndSet } from '../../db/compare-and-set';
import { JobModel, type JobRecord } from '../../models/job.model';
import { backoffMs, retryNotBefore } from './backoff';
import type { JobData, JobHandler, JobQueue, WorkSource } from './job-queue';
import { isDuplicateKeyError } from '../../lib/errors';

/** The shortest interval a recurring job may ask for (a guard against a hot loop). */
const RECURRING_FLOOR_MS = 1000;

export interface MongoJobQueueOptions {
  clock: Clock;
  logger: Logger;
  /** How often the poller looks for due jobs (real time). */
  pollMs: number;
  /** How long a claimed job stays ours before another instance may take it over. */
  leaseMs?: number;
  /** Backoff after a handler throws (default 5 s doubling up to 60 s). */
  errorBackoffMs?: (attempt: number) => number;
}

/**
 * Durable jobs in MongoDB, timed by the injected clock. See README "Jobs" for why this is not agenda.
 * A job is claimed with a compare-and-set on its lease, so any number of instances can poll the same collection.
 */
export function createMongoJobQueue(options: MongoJobQueueOptions): JobQueue {
  const handlers = new Map<string, JobHandler>();
  const sources: WorkSource[] = [];
  /** `soon` tasks waiting for the next drain (poller not started), and those running. */
  const waiting: Array<() => Promise<unknown>> = [];
  const inFlight = new Set<Promise<unknown>>();
  const worker = randomUUID();
  const leaseMs = options.leaseMs ?? 120_000;
  // 5 s, 10 s … at most a minute: a handler that failed because a dependency was down runs soon after it returns.
  const errorBackoff = options.errorBackoffMs ?? ((n: number) => backoffMs(n, 5_000, 60_000));
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
      if (result && 'nextRunAt' in result) {
        // A recurring job that succeeded: its own interval, not a backoff, and its failures are forgotten.
        const runAt = new Date(Math.max(result.nextRunAt.getTime(), now().getTime() + RECURRING_FLOOR_MS));
        await JobModel.updateOne(mine, {
          $set: { runAt, lockedUntil: null, lockedBy: null, attempts: 0, lastError: null },
        });
      } else if (result && 'retryAt' in result) {
        const runAt = retryNotBefore(now(), job.attempts, result.retryAt);
        await JobModel.updateOne(mine, { $set: { runAt, lockedUntil: null, lockedBy: null } });
      } else {
        // Only remove the job if nobody re-scheduled it meanwhile (runAt unchanged).
        await JobModel.deleteOne(mine);
      }
    } catch (error) {
      const message = (error as Error).message;
      options.logger.warn(
        {
          job: job.name,
          key: job.key,
          bookingId: (job.data as JobData)?.bookingId,
          attempts: job.attempts,
          err: message,
        },
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

  function runTask(task: () => Promise<unknown>): Promise<unknown> {
    const run = task()
      .catch((error: unknown) => options.logger.warn({ err: error }, 'Follow-up failed; its poller will retry'))
      .finally(() => inFlight.delete(run));
    inFlight.add(run);
    return run;
  }

  /** One unit of work: a waiting follow-up, else a due job, else a due item of a source. */
  async function runNext(): Promise<boolean> {
    const task = waiting.shift();
    if (task) return (await runTask(task), true);
    const job = await claimNext();
    if (job) return (await runOne(job), true);
    for (const source of sources) if (await source.runNext()) return true;
    return false;
  }

  async function drain(): Promise<number> {
    let count = 0;
    while (!stopping && (await runNext())) count += 1;
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

  async function scheduleOne(name: string, key: string, data: JobData, at: Date): Promise<void> {
    await JobModel.updateOne(
      { key },
      { $set: { name, data, runAt: at }, $setOnInsert: { key, attempts: 0, lockedUntil: null, lockedBy: null } },
      { upsert: true },
    ).catch(async (error: { code?: number }) => {
      // Two schedulers upserting one key at once: the loser updates the winner's document.
      if (!isDuplicateKeyError(error)) throw error;
      await JobModel.updateOne({ key }, { $set: { name, data, runAt: at } });
    });
  }

  return {
    define(name, handler) {
      handlers.set(name, handler);
    },
    addSource(source) {
      sources.push(source);
    },
    soon(task) {
      // After the current request has answered (setImmediate runs once its response is written).
      if (stopped) waiting.push(task);
      else void runTask(() => new Promise((resolve) => setImmediate(resolve)).then(task));
    },
    schedule: scheduleOne,
    async scheduleMany(jobs) {
      if (jobs.length === 0) return;
      const upserts = jobs.map(({ name, key, data, at }) => ({
        updateOne: {
          filter: { key },
          update: {
            $set: { name, data, runAt: at },
            $setOnInsert: { key, attempts: 0, lockedUntil: null, lockedBy: null },
          },
          upsert: true,
        },
      }));
      await JobModel.bulkWrite(upserts, { ordered: false }).catch(async (error: unknown) => {
        // A concurrent scheduler won an upsert race on some key: each one again on its own (idempotent).
        const writeErrors = (error as { writeErrors?: Array<{ code?: number }> }).writeErrors;
        const duplicate = isDuplicateKeyError(error) || (writeErrors?.every((e) => e.code === 11000) ?? false);
        if (!duplicate) throw error;
        for (const j of jobs) await scheduleOne(j.name, j.key, j.data, j.at);
      });
    },
    async cancel(key, expected = {}) {
      const t = now();
      const fields = Object.entries(expected.data ?? {}).map(([k, v]) => [`data.${k}`, v]);
      const removed = await JobModel.deleteOne({
        key,
        // A running job is its worker's to finish (it removes or reschedules it with its own condition).
        $or: [{ lockedUntil: null }, { lockedUntil: { $lte: t } }],
        ...(expected.runAt ? { runAt: expected.runAt } : {}),
        ...Object.fromEntries(fields),
      });
      return removed.deletedCount === 1;
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
      await Promise.all(inFlight);
    },
    async runDue() {
      // Tests and the poller share one drain at a time per process; follow-ups already running finish first.
      await Promise.all(inFlight);
      if (running) await running;
      running = drain().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
