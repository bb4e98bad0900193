/** What the rest of the service needs from a durable job system. */
export type JobData = Record<string, string>;

/** A handler finishes (resolve), asks to run again at a time (retryAt), or throws (retried with backoff). */
export type JobHandler = (data: JobData, meta: { attempts: number }) => Promise<void | { retryAt: Date }>;

export interface JobQueue {
  define(name: string, handler: JobHandler): void;
  /** At most one pending job per `key`: scheduling again moves it (never duplicates it). */
  schedule(name: string, key: string, data: JobData, at: Date): Promise<void>;
  cancel(key: string): Promise<void>;
  start(): Promise<void>;
  /** Stops taking jobs and waits for running ones. */
  stop(): Promise<void>;
  /** Runs every job due now and returns how many ran (the poller's tick; tests call it to stay deterministic). */
  runDue(): Promise<number>;
}
