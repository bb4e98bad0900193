import type { AppConfig } from '../../config';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { AuthModule } from '../auth/auth.module';
import type { JobQueue } from '../jobs/jobs.module';
import type { MailModule } from '../mail/mail.module';
import type { Metrics } from '../metrics/metrics.module';
import { createAdminDigest } from './admin-digest.service';
import { createGrantAlerts } from './grant-alerts.service';
import { createKeepalive } from './keepalive.service';
import { createRefreshLog } from './refresh-log.service';
import { createZoomConnectionsAdmin } from './zoom-connections.service';

type KeepaliveDeps = Parameters<typeof createKeepalive>[0];
type DigestDeps = Parameters<typeof createAdminDigest>[0];

/** Grant health: the refresh log, alerts when a grant dies, the keep-alive sweep and the admin digest. */
export function createGrantHealthModule(deps: {
  config: AppConfig;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  mail: MailModule['mail'];
  users: AuthModule['users'];
  metrics?: Metrics;
  /** The user grants' tokens (the zoom feature, wired after this one). */
  tokens: KeepaliveDeps['tokens'];
  /** The digest's meeting sections (the booking feature, wired after this one). */
  meetingSections: DigestDeps['meetingSections'];
}) {
  const { config, clock, logger, jobs, mail, users, metrics } = deps;
  const { grantHealth } = config.zoom;
  const refreshLog = createRefreshLog({ logger, metrics });
  const alerts = createGrantAlerts({ mail, users, clock, logger, frontendUrl: config.frontendUrl });
  const keepalive = createKeepalive({
    jobs,
    tokens: deps.tokens,
    refreshLog,
    clock,
    logger,
    afterMs: grantHealth.keepaliveAfterMs,
    // Only user-managed grants need keeping alive.
    everyMs: config.meetingProvider === 'user' ? grantHealth.keepaliveEveryMs : 0,
    logMaxAgeMs: grantHealth.refreshLogMaxAgeMs,
  });
  const digest = createAdminDigest({
    jobs,
    mail,
    users,
    refreshLog,
    clock,
    logger,
    hourUtc: grantHealth.adminDigestHourUtc,
    frontendUrl: config.frontendUrl,
    logMaxAgeMs: grantHealth.refreshLogMaxAgeMs,
    meetingSections: deps.meetingSections,
  });
  return { keepalive, digest, refreshLog, alerts, connections: createZoomConnectionsAdmin({ clock }) };
}

export type GrantHealthModule = ReturnType<typeof createGrantHealthModule>;
