import type { AppConfig } from '../../config';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { createMetrics, type Metrics } from './metrics.service';

export type { Metrics };

/** Metrics: off (undefined) unless METRICS_ENABLED, and then nothing is counted anywhere. */
export function createMetricsModule(deps: { config: AppConfig; clock: Clock; logger: Logger }) {
  const { config, clock, logger } = deps;
  const dailyMeetingLimit = config.integrity.zoomDailyMeetingLimit;
  return { metrics: config.metrics.enabled ? createMetrics({ clock, logger, dailyMeetingLimit }) : undefined };
}

export type MetricsModule = ReturnType<typeof createMetricsModule>;
