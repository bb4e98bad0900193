import type { AppConfig } from '../../config';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { JobQueue } from '../jobs/jobs.module';
import { createMailOutbox } from './mail-outbox.service';
import type { MailTransport } from './mail-transport';

export type { MailTransport };

/** Mail: the outbox every feature sends through (delivered by a job, retried, never lost). */
export function createMailModule(deps: {
  config: AppConfig;
  transport: MailTransport;
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
}) {
  const { config, clock, logger, jobs } = deps;
  const mail = createMailOutbox({
    transport: deps.transport,
    jobs,
    from: config.mail.from,
    clock,
    logger,
    maxAttempts: config.jobs.mailMaxAttempts,
  });
  return { mail };
}

export type MailModule = ReturnType<typeof createMailModule>;
