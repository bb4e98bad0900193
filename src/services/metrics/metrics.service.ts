import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { createSharedFigures, type SharedFigures } from './metrics-snapshot';
import type { ServiceMetrics } from './metrics';
import { zoomEndpointGroup } from './zoom-endpoint';

/** Quota histogram buckets as fractions of the daily limit per host (ZOOM_DAILY_MEETING_LIMIT), ending at it. */
const QUOTA_FRACTIONS = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1];
/** Whole writes, at least 1, each bucket above the one before (a small limit folds fractions together). */
const quotaBuckets = (limit: number) => [...new Set(QUOTA_FRACTIONS.map((f) => Math.max(1, Math.round(f * limit))))];

/**
 * The Prometheus registry of one app instance (README "Metrics"): its own process metrics, what its services
 * report, and the shared figures read from MongoDB at most every `sharedEveryMs` (15 s) for all scrapes.
 */
export function createMetrics(deps: {
  clock: Clock;
  logger: Logger;
  /** ZOOM_DAILY_MEETING_LIMIT: meeting creates/updates per host per UTC day (Zoom's is 100). */
  dailyMeetingLimit: number;
  sharedEveryMs?: number;
}) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const shared = createSharedFigures({
    clock: deps.clock,
    maxAgeMs: deps.sharedEveryMs ?? 15_000,
    onError: (error) => deps.logger.warn({ err: error }, 'Metrics: could not read the shared figures from MongoDB'),
  });
  /** Sets a gauge from the shared figures on every scrape (prom-client awaits `collect` before reading). */
  const fromShared = <M>(fill: (this: M, figures: SharedFigures) => void) =>
    async function collect(this: M) {
      const { figures } = await shared();
      if (figures) fill.call(this, figures);
    };

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const created = new Counter({ name: 'bookings_created_total', help: 'Bookings created', registers });
  const cancelled = new Counter({ name: 'bookings_cancelled_total', help: 'Bookings cancelled', registers });
  const moved = new Counter({ name: 'bookings_moved_total', help: 'Bookings moved to another time', registers });
  const meetingReady = new Histogram({
    name: 'booking_meeting_ready_seconds',
    help: "From a booking's creation to its Zoom meeting being saved",
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400],
    registers,
  });
  const meetingAttempts = new Counter({
    name: 'booking_meeting_attempts_total',
    help: 'Attempts at creating a booking meeting, by outcome',
    labelNames: ['outcome'] as const,
    registers,
  });
  const zoomRequests = new Counter({
    name: 'zoom_api_requests_total',
    help: 'HTTP requests to Zoom by endpoint group and status (network_error: no answer)',
    labelNames: ['endpoint', 'status'] as const,
    registers,
  });
  const zoomDuration = new Histogram({
    name: 'zoom_api_request_duration_seconds',
    help: 'HTTP requests to Zoom by endpoint group',
    labelNames: ['endpoint'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const refreshes = new Counter({
    name: 'zoom_token_refreshes_total',
    help: "Calls to Zoom's token endpoint for user grants, by trigger and outcome",
    labelNames: ['trigger', 'outcome'] as const,
    registers,
  });

  new Gauge({
    name: 'zoom_grants',
    help: 'Zoom grants by connection state',
    labelNames: ['state'] as const,
    registers,
    collect: fromShared(function (this: Gauge<'state'>, f: SharedFigures) {
      for (const [state, count] of Object.entries(f.grants)) this.set({ state }, count);
    }),
  });
  const seenJobs = new Set<string>();
  /** Each job gauge sets itself (prom-client reads the metrics in parallel); a name seen once stays, at 0. */
  const byJob = (name: string, help: string, value: (job: SharedFigures['jobs'][number] | undefined) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['job'] as const,
      registers,
      collect: fromShared(function (this: Gauge<'job'>, f: SharedFigures) {
        for (const job of f.jobs) seenJobs.add(job.name);
        for (const job of seenJobs) this.set({ job }, value(f.jobs.find((j) => j.name === job)));
      }),
    });
  byJob('jobs_due', 'Jobs due now, by job name', (job) => job?.due ?? 0);
  byJob(
    'jobs_oldest_due_age_seconds',
    'How long the oldest due job has been due, by job name',
    (job) => job?.oldestAgeSeconds ?? 0,
  );
  const gauge = (name: string, help: string, value: (f: SharedFigures) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect: fromShared(function (this: Gauge, f: SharedFigures) {
        this.set(value(f));
      }),
    });
  gauge('mail_outbox_pending', 'Mails waiting in the outbox', (f) => f.outbox.pending);
  gauge('mail_outbox_oldest_pending_age_seconds', 'Age of the oldest unsent mail', (f) => f.outbox.oldestAgeSeconds);
  gauge(
    'booking_meetings_pending',
    'Confirmed bookings whose Zoom meeting is still to be made (pending or waiting for the daily quota) or moved (waiting for the quota)',
    (f) => f.meetings.pending,
  );
  gauge(
    'booking_meetings_waiting_for_quota',
    "The part of booking_meetings_pending waiting for the host's daily Zoom quota (00:00 UTC)",
    (f) => f.meetings.waitingForQuota,
  );
  gauge(
    'booking_meetings_oldest_pending_age_seconds',
    'Age of the oldest booking whose meeting is still to be made',
    (f) => f.meetings.oldestAgeSeconds,
  );
  new Histogram({
    name: 'zoom_daily_meeting_writes_per_host',
    help: `Today's (UTC) Zoom meeting writes per host, as a distribution over hosts (limit ${deps.dailyMeetingLimit} per host and day)`,
    buckets: quotaBuckets(deps.dailyMeetingLimit),
    registers,
    // A snapshot, not a running count: rebuilt from the shared figures on every scrape.
    collect: fromShared(function (this: Histogram, f: SharedFigures) {
      this.reset();
      for (const writes of f.meetingWritesTodayPerHost) this.observe(writes);
    }),
  });
  new Gauge({
    name: 'zoom_daily_meeting_writes_max_per_host',
    help: "Today's (UTC) Zoom meeting writes of the busiest host",
    registers,
    collect: fromShared(function (this: Gauge, f: SharedFigures) {
      this.set(Math.max(0, ...f.meetingWritesTodayPerHost));
    }),
  });
  new Gauge({
    name: 'metrics_shared_figures_ok',
    help: 'Whether the last read of the shared figures from MongoDB succeeded (1) or not (0)',
    registers,
    async collect() {
      this.set((await shared()).ok ? 1 : 0);
    },
  });

  const service: ServiceMetrics = {
    bookingCreated: () => created.inc(),
    bookingCancelled: () => cancelled.inc(),
    bookingMoved: () => moved.inc(),
    meetingReady: (seconds) => meetingReady.observe(Math.max(0, seconds)),
    meetingAttempt: (outcome) => meetingAttempts.inc({ outcome }),
    zoomCall({ method, url, status, seconds }) {
      const endpoint = zoomEndpointGroup(method, url);
      zoomRequests.inc({ endpoint, status: String(status) });
      zoomDuration.observe({ endpoint }, seconds);
    },
    tokenRefresh: (trigger, outcome) => refreshes.inc({ trigger, outcome }),
  };
  return {
    ...service,
    httpRequest(labels: { method: string; route: string; status: number }, seconds: number) {
      httpDuration.observe({ ...labels, status: String(labels.status) }, seconds);
    },
    /** The exposition of every metric (awaits the shared figures when they are due). */
    async exposition(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
