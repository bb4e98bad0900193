import type { Clock } from '../../lib/clock';
import { BookingModel } from '../../models/booking.model';
import { JobModel } from '../../models/job.model';
import { OutboxMailModel } from '../../models/outbox-mail.model';
import { UsageCounterModel } from '../../models/usage-counter.model';
import { UserOAuthTokenModel } from '../../models/user-oauth-token.model';
import { OPEN_MEETING } from '../booking/booking.module';
import { STATE_FILTERS } from '../grant-health/grant-state';
import { utcDay } from '../usage-ledger';

/** The figures every instance reads from MongoDB alike (so all instances report the same values). */
export interface SharedFigures {
  grants: Record<keyof typeof STATE_FILTERS, number>;
  jobs: Array<{ name: string; due: number; oldestAgeSeconds: number }>;
  outbox: { pending: number; oldestAgeSeconds: number };
  /**
   * Confirmed bookings whose Zoom meeting is still to be made (pending or waiting for the host's daily quota) or whose
   * move waits for that quota; `waitingForQuota` is the part waiting for the quota. The age is the oldest booking's
   * among those still to be made (a move's wait ends at the next 00:00 UTC and has no start time of its own).
   */
  meetings: { pending: number; waitingForQuota: number; oldestAgeSeconds: number };
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

/** Meetings still to be made, and moves waiting for the host's daily Zoom quota (see SharedFigures.meetings). */
async function waitingMeetings(now: Date): Promise<SharedFigures['meetings']> {
  const toMake = { status: 'confirmed' as const, 'meeting.status': OPEN_MEETING };
  const [open, quotaCreates, oldest, moves] = await Promise.all([
    BookingModel.countDocuments(toMake),
    BookingModel.countDocuments({ status: 'confirmed', 'meeting.status': 'waiting_for_quota' }),
    BookingModel.findOne(toMake, { createdAt: 1 }).sort({ createdAt: 1 }).lean(),
    // A made meeting whose move waits for the quota (`$gt` epoch: any date, not null, by the index).
    BookingModel.find(
      { status: 'confirmed', 'meeting.status': 'created', 'meeting.quotaResumeAt': { $gt: new Date(0) } },
      { start: 1, 'meeting.quotaResumeAt': 1 },
    ).lean<Array<{ start: Date; meeting: { quotaResumeAt: Date } }>>(),
  ]);
  // A move whose quota comes back only once the session has begun was given up (the marker stays to explain it).
  const quotaMoves = moves.filter((b) => b.start > now && b.meeting.quotaResumeAt < b.start).length;
  return {
    pending: open + quotaMoves,
    waitingForQuota: quotaCreates + quotaMoves,
    oldestAgeSeconds: ageSeconds(now, oldest?.createdAt),
  };
}

async function read(now: Date): Promise<SharedFigures> {
  const [connected, needsReauth, revoked, jobs, outboxPending, oldestMail, meetings, writes] = await Promise.all([
    UserOAuthTokenModel.countDocuments(STATE_FILTERS.connected),
    UserOAuthTokenModel.countDocuments(STATE_FILTERS.needs_reauth),
    UserOAuthTokenModel.countDocuments(STATE_FILTERS.revoked),
    dueJobs(now),
    OutboxMailModel.countDocuments({ status: 'pending' }),
    OutboxMailModel.findOne({ status: 'pending' }, { createdAt: 1 }).sort({ createdAt: 1 }).lean(),
    waitingMeetings(now),
    // Today's meeting creates + updates per host, from the quota ledger (keys `zoom:<host>`, one per UTC day).
    UsageCounterModel.find({ window: utcDay(now), key: { $gte: 'zoom:', $lt: 'zoom;' } }, { count: 1 }).lean(),
  ]);
  return {
    grants: { connected, needs_reauth: needsReauth, revoked },
    jobs,
    outbox: { pending: outboxPending, oldestAgeSeconds: ageSeconds(now, oldestMail?.createdAt) },
    meetings,
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
