/** What the rest of the service needs from a durable job system. */
export type JobData = Record<string, string>;

/**
 * A handler finishes (resolve), asks to be tried again at a time (retryAt: its attempts keep counting), is done and
 * recurs (nextRunAt: a success, attempts start again at 0), or throws (retried with backoff).
 */
export type JobHandler = (
  data: JobData,
  meta: { attempts: number },
) => Promise<void | { retryAt: Date } | { nextRunAt: Date }>;

/**
 * Durable work that lives on its own documents (a booking's pending meeting, a pending mail) rather than in the jobs
 * collection: `runNext` claims one due item with a compare-and-set, runs it and says whether it found one.
 */
export interface WorkSource {
  name: string;
  runNext(): Promise<boolean>;
}

/** The state a job was scheduled in, which `cancel` requires it still to have. */
export interface JobExpectation {
  runAt?: Date;
  data?: JobData;
}

export interface JobQueue {
  define(name: string, handler: JobHandler): void;
  /** Polled with the jobs on every tick. */
  addSource(source: WorkSource): void;
  /** At most one pending job per `key`: scheduling again moves it (never duplicates it). */
  schedule(name: string, key: string, data: JobData, at: Date): Promise<void>;
  /** `schedule` for several jobs in one round trip (a booking's reminders). */
  scheduleMany(jobs: Array<{ name: string; key: string; data: JobData; at: Date }>): Promise<void>;
  /**
   * Removes the job of `key` only while no worker holds it, and only if it is still as the caller left it
   * (`expected`: its runAt and data fields, e.g. a change id); a concurrent change that scheduled it again keeps it.
   * Says whether it removed it.
   */
  cancel(key: string, expected?: JobExpectation): Promise<boolean>;
  /**
   * Runs `task` in this process right after the current request (or at the next runDue while the poller is not
   * started, as in tests). Not durable: the task's own documents must let a poller finish it after a crash.
   */
  soon(task: () => Promise<unknown>): void;
  start(): Promise<void>;
  /** Stops taking jobs and waits for running ones. */
  stop(): Promise<void>;
  /** Runs every job due now and returns how many ran (the poller's tick; tests call it to stay deterministic). */
  runDue(): Promise<number>;
}
