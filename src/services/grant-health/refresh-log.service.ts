import type { Logger } from '../../lib/logger';
import type { ServiceMetrics } from '../metrics/metrics';
import {
  RefreshEventModel,
  type RefreshEventRecord,
  type RefreshOutcome,
  type RefreshTrigger,
} from '../../models/refresh-event.model';

export interface RefreshEventDto {
  at: string;
  specialistId: string;
  trigger: RefreshTrigger;
  outcome: RefreshOutcome;
  durationMs: number;
  error: string | null;
  /** On invalid_grant: the grant's age since authorization, and since its last successful refresh. */
  grantAgeSeconds: number | null;
  sinceLastRefreshSeconds: number | null;
}

export interface RefreshEventFilter {
  specialistId?: string;
  trigger?: RefreshTrigger;
  outcome?: RefreshOutcome;
  page: number;
  pageSize: number;
}

const MAX_ERROR_LENGTH = 500;

/** The log of every call to Zoom's token endpoint for a user grant (written by the token service). */
export function createRefreshLog(deps: { logger: Logger; metrics?: Pick<ServiceMetrics, 'tokenRefresh'> }) {
  return {
    /** Never throws: a lost log line must not fail the refresh it describes. */
    async record(event: {
      at: Date;
      specialistId: string;
      trigger: RefreshTrigger;
      outcome: RefreshOutcome;
      durationMs: number;
      error?: string | null;
      grantAgeSeconds?: number;
      sinceLastRefreshSeconds?: number;
    }): Promise<void> {
      deps.metrics?.tokenRefresh(event.trigger, event.outcome);
      await RefreshEventModel.create({
        ...event,
        durationMs: Math.max(0, Math.round(event.durationMs)),
        error: event.error ? event.error.slice(0, MAX_ERROR_LENGTH) : null,
      }).catch((error: unknown) =>
        deps.logger.warn({ specialistId: event.specialistId, err: error }, 'Could not write the token refresh log'),
      );
    },

    /** Newest first. */
    async list(filter: RefreshEventFilter) {
      const query: Record<string, unknown> = {};
      if (filter.specialistId) query.specialistId = filter.specialistId;
      if (filter.trigger) query.trigger = filter.trigger;
      if (filter.outcome) query.outcome = filter.outcome;
      const [docs, total] = await Promise.all([
        RefreshEventModel.find(query)
          .sort({ at: -1, _id: -1 })
          .skip((filter.page - 1) * filter.pageSize)
          .limit(filter.pageSize)
          .lean<RefreshEventRecord[]>(),
        RefreshEventModel.countDocuments(query),
      ]);
      return { items: docs.map(toDto), page: filter.page, pageSize: filter.pageSize, total };
    },

    /** Failed calls since `since`, newest first (the admin digest). */
    async failuresSince(since: Date, limit: number) {
      const query = { at: { $gte: since }, outcome: { $in: ['invalid_grant', 'error'] as RefreshOutcome[] } };
      const [docs, total] = await Promise.all([
        RefreshEventModel.find(query).sort({ at: -1, _id: -1 }).limit(limit).lean<RefreshEventRecord[]>(),
        RefreshEventModel.countDocuments(query),
      ]);
      return { items: docs.map(toDto), total };
    },

    /** Deletes entries older than `before`; returns how many. */
    async prune(before: Date): Promise<number> {
      const result = await RefreshEventModel.deleteMany({ at: { $lt: before } });
      return result.deletedCount ?? 0;
    },
  };
}

function toDto(doc: RefreshEventRecord): RefreshEventDto {
  return {
    at: doc.at.toISOString(),
    specialistId: doc.specialistId.toString(),
    trigger: doc.trigger as RefreshTrigger,
    outcome: doc.outcome as RefreshOutcome,
    durationMs: doc.durationMs,
    error: doc.error ?? null,
    grantAgeSeconds: doc.grantAgeSeconds ?? null,
    sinceLastRefreshSeconds: doc.sinceLastRefreshSeconds ?? null,
  };
}

export type RefreshLog = ReturnType<typeof createRefreshLog>;
