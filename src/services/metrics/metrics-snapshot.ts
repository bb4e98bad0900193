import type { Clock } from '../../lib/clock';
import { BookingModel } from '../../models/booking.model';
import { JobModel } from '../../models/job.model';
import { OutboxMailModel } from '../../models/outbox-mail.model';
import { UsageCounterModel } from '../../models/usage-counter.model';
import { UserOAuthTokenModel } from '../../models/user-oauth-token.model';
import { STATE_FILTERS } from '../grant-health/grant-state';
import { utcDay } from '../usage-ledger';

/** The figures every instance reads from MongoDB alike (so all instances report the same values). */
export interface SharedFigures {
  grants: Record<keyof typeof STATE_FILTERS, number>;
  jobs: Array<{ name: string; due: number; oldestAgeSeconds: number }>;
  outbox: { pending: number; oldestAgeSeconds: number };
  meetings: { pending: number; oldestAgeSeconds: number };
  /** Zoom meeting writes (creates) made today (UTC) for each host that made any. */
  meetingWritesTodayPerHost: number[];
}

const ageSeconds = (now: Date, then: Date | null | undefined) =>
  then ? Math.max(0, (now.getTime() - new Date(then).getTime()) / 1000) : 0;

/** Due jobs by name (a handful of names); the oldest is looked up per name ($min is beyond the jongodb subset). */
async function dueJobs(now: Date): Promise<SharedFigures['jobs']> {
  const due = { runAt: { $lte: now } };
  const counts = await JobModel.aggregate<{ _id: string; due: number }>([
    { $match: due },
    { $group: { _id: '$name', due: { $sum: 1 } } },
  ]);
  return Promise.all(
    counts.map(async ({ _id: name, due: count }) => {
      const oldest = await JobModel.findOne({ ...due, name }, { runAt: 1 })
        .sort({ runAt: 1 })
        .lean();
      return { name, due: count, oldestAgeSeconds: ageSeconds(now, oldest?.runAt) };
    }),
  );
}

async function read(now: Date): Promise<SharedFigures> {
  const pendingMeeting = { status: 'confirmed' as const, 'meeting.status': 'pending' as const };
  const [connected, needsReauth, revoked, jobs, outboxPending, oldestMail, meetingsPending, oldestMeeting, writes] =
    await Promise.all([
      UserOAuthTokenModel.countDocuments(STATE_FILTERS.connected),
      UserOAuthTokenModel.countDocuments(STATE_FILTERS.needs_reauth),
      UserOAuthTokenModel.countDocuments(STATE_FILTERS.revoked),
      dueJobs(now),
      OutboxMailModel.countDocuments({ status: 'pending' }),
      OutboxMailModel.findOne({ status: 'pending' }, { createdAt: 1 }).sort({ createdAt: 1 }).lean(),
      BookingModel.countDocuments(pendingMeeting),
      BookingModel.findOne(pendingMeeting, { createdAt: 1 }).sort({ createdAt: 1 }).lean(),
      // Today's meeting creates + updates per host, from the quota ledger (keys `zoom:<host>`, one per UTC day).
      UsageCounterModel.find({ window: utcDay(now), key: { $gte: 'zoom:', $lt: 'zoom;' } }, { count: 1 }).lean(),
    ]);
  return {
    grants: { connected, needs_reauth: needsReauth, revoked },
    jobs,
    outbox: { pending: outboxPending, oldestAgeSeconds: ageSeconds(now, oldestMail?.createdAt) },
    meetings: { pending: meetingsPending, oldestAgeSeconds: ageSeconds(now, oldestMeeting?.createdAt) },
    meetingWritesTodayPerHost: writes.map((w) => w.count),
  };
}

export interface SharedFiguresRead {
  /** The newest figures read (older ones while MongoDB does not answer), none before the first success. */
  figures?: SharedFigures;
  /** Whether the latest read succeeded. */
  ok: boolean;
}

/**
 * Reads the shared figures at most once per `maxAgeMs` (by the injected clock), however many scrapes ask: a scrape
 * within that time, or during a read in flight, gets the same figures. A failed read is not retried sooner either,
 * so a MongoDB outage costs one slow read per period; the process metrics are served meanwhile.
 */
export function createSharedFigures(deps: { clock: Clock; maxAgeMs: number; onError(error: unknown): void }) {
  let last: { at: number; read: SharedFiguresRead } | undefined;
  let inFlight: Promise<SharedFiguresRead> | undefined;
  return function current(): Promise<SharedFiguresRead> {
    const now = deps.clock.now();
    const age = last ? now.getTime() - last.at : Infinity;
    // A clock set back (tests, a corrected host clock) makes the figures stale rather than fresh for ever.
    if (last && age >= 0 && age < deps.maxAgeMs) return Promise.resolve(last.read);
    inFlight ??= read(now)
      .then((figures) => ({ figures, ok: true }))
      .catch((error: unknown) => {
        deps.onError(error);
        return { figures: last?.read.figures, ok: false };
      })
      .then((result) => {
        last = { at: now.getTime(), read: result };
        return result;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
