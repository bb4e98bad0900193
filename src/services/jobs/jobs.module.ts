import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { JobQueue } from './job-queue';
import { createKeyRotationSweep, type Resealers } from './key-rotation.service';
import { registerMaintenance } from './maintenance.service';

export type { JobQueue, Resealers };

/** Jobs: the queue itself comes from the process (AppDeps); this module registers the maintenance sweep. */
export function createJobsModule(deps: {
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
  /** Extra sweeps other features need run with maintenance, in order. */
  sweeps: Array<() => Promise<unknown>>;
  /** A key rotation is under way (TOKEN_ENCRYPTION_KEY_PREVIOUS): maintenance rewrites what `resealers` name. */
  rotating: boolean;
  resealers: Resealers;
}) {
  const { jobs, clock, logger } = deps;
  const rotation = createKeyRotationSweep({ rotating: deps.rotating, logger, resealers: deps.resealers });
  return { maintenance: registerMaintenance({ jobs, clock, logger, sweeps: [...deps.sweeps, rotation] }) };
}

export type JobsModule = ReturnType<typeof createJobsModule>;
