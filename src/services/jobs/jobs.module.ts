import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { JobQueue } from './job-queue';
import { registerMaintenance } from './maintenance.service';

export type { JobQueue };

/** Jobs: the queue itself comes from the process (AppDeps); this module registers the maintenance sweep. */
export function createJobsModule(deps: {
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
  /** Extra sweeps other features need run with maintenance, in order. */
  sweeps: Array<() => Promise<unknown>>;
}) {
  const { jobs, clock, logger, sweeps } = deps;
  return { maintenance: registerMaintenance({ jobs, clock, logger, sweeps }) };
}

export type JobsModule = ReturnType<typeof createJobsModule>;
