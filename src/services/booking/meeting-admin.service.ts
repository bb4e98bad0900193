import type { Clock } from '../../lib/clock';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { compareAndSet } from '../../db/compare-and-set';
import { BookingModel, MEETING_TROUBLE_STATES, type BookingRecord, type RepairCause } from '../../models/booking.model';
import { StrayMeetingModel, type StrayMeetingRecord } from '../../models/stray-meeting.model';
import { UserModel } from '../../models/user.model';
import type { JobQueue } from '../jobs/job-queue';
import type { DigestSection } from '../mail/zoom-mail.templates';
import type { ZoomApiClient } from '../zoom/zoom-api.client';
import type { RetiredGrants } from '../zoom/retired-grant.service';
import { JOB_MEETING_DELETE } from './booking-jobs.service';
import type { MeetingHost } from './meeting-host.service';
import { isMeetingGone, type MeetingRepair } from './meeting-repair.service';

export type MeetingTroubleState = (typeof MEETING_TROUBLE_STATES)[number];

export interface MeetingTroubleRow {
  bookingId: string;
  specialist: { id: string; name: string };
  start: string;
  zoomMeetingId: string | null;
  state: MeetingTroubleState;
  lastError: string | null;
  lastRepair: { at: string; cause: RepairCause } | null;
}

const DAY_MS = 86_400_000;
const REPAIRED_DAYS = 7;
/** Per state: an admin view, not an export. */
const MAX_ROWS = 1000;
const DIGEST_LINES = 30;
/** A removal of an unknown-outcome create has no meeting id: it looks for the meeting by the booking's marker. */
const meetingName = (id: string | null) => (id ? `Zoom meeting ${id}` : 'a Zoom meeting its create may have made');

/** The admins' view of meeting trouble and the "try now" button behind it. */
export function createMeetingAdmin(deps: {
  host: MeetingHost;
  api: ZoomApiClient;
  retired: Pick<RetiredGrants, 'withToken'>;
  repair: Pick<MeetingRepair, 'schedule'>;
  jobs: JobQueue;
  clock: Clock;
}) {
  const now = () => deps.clock.now();
  const upcoming = (t: Date) => ({ status: 'confirmed', end: { $gt: t } });

  /**
   * Cancelled bookings whose meeting's removal gave up (MEETING_DELETE_GIVE_UP_DAYS, or a refusal), including those of
   * a create whose outcome was never known (no meeting id: the removal looks for it by the booking's marker). A
   * removal a crash left unscheduled is not listed: maintenance schedules it.
   */
  async function undeletable(): Promise<BookingRecord[]> {
    return BookingModel.find({
      status: 'cancelled',
      'meeting.zoomDeleted': false,
      'meeting.deleteGaveUpAt': { $ne: null },
    })
      .limit(MAX_ROWS)
      .lean<BookingRecord[]>();
  }

  const bookingRow = (b: BookingRecord, state: MeetingTroubleState, zoomMeetingId = b.zoomMeetingId) => ({
    b,
    row: {
      bookingId: b._id.toString(),
      start: b.start.toISOString(),
      zoomMeetingId: zoomMeetingId ?? null,
      state,
      lastError: b.meeting.lastError ?? null,
      lastRepair: b.meeting.lastRepair
        ? { at: b.meeting.lastRepair.at.toISOString(), cause: b.meeting.lastRepair.cause as RepairCause }
        : null,
    },
  });

  async function namesOf(bookings: BookingRecord[]): Promise<Map<string, string>> {
    const users = await UserModel.find({ _id: { $in: bookings.map((b) => b.specialistId) } }).lean();
    return new Map(users.map((u) => [u._id.toString(), u.name]));
  }

  async function rowsOf(state: MeetingTroubleState, t: Date) {
    // `waiting_for_quota` is the quota ledger's status (not in this branch's enum yet): a plain filter object.
    const byStatus = (status: string) =>
      BookingModel.find({ ...upcoming(t), 'meeting.status': status } as Record<string, unknown>)
        .limit(MAX_ROWS)
        .lean<BookingRecord[]>();
    if (state === 'repaired') {
      const since = new Date(t.getTime() - REPAIRED_DAYS * DAY_MS);
      const repaired = await BookingModel.find({ 'meeting.lastRepair.at': { $gte: since } })
        .limit(MAX_ROWS)
        .lean<BookingRecord[]>();
      return repaired.map((b) => bookingRow(b, state));
    }
    if (state === 'waiting_for_quota') {
      // A made meeting whose move or repair waits for the quota too (as the booking and the metrics show it); one
      // whose quota comes back only after the start was given up.
      const waitingChange = {
        ...upcoming(t),
        'meeting.status': 'created',
        'meeting.quotaResumeAt': { $gt: new Date(0) },
      };
      const [creates, changes] = await Promise.all([
        byStatus(state),
        BookingModel.find(waitingChange as Record<string, unknown>)
          .limit(MAX_ROWS)
          .lean<BookingRecord[]>(),
      ]);
      const stillDue = changes.filter((b) => b.meeting.quotaResumeAt! < b.start);
      return [...creates, ...stillDue].map((b) => bookingRow(b, state));
    }
    if (state !== 'orphaned') return (await byStatus(state)).map((b) => bookingRow(b, state));
    const strays = await StrayMeetingModel.find({ state: 'orphaned' }).limit(MAX_ROWS).lean<StrayMeetingRecord[]>();
    const bookings = await BookingModel.find({ _id: { $in: strays.map((x) => x.bookingId) } }).lean<BookingRecord[]>();
    const bookingOf = new Map(bookings.map((b) => [b._id.toString(), b]));
    const fromStrays = strays.flatMap((x) => {
      const b = bookingOf.get(x.bookingId.toString());
      if (!b) return [];
      const r = bookingRow(b, state, x.zoomMeetingId);
      return [{ ...r, row: { ...r.row, lastError: x.lastError ?? null } }];
    });
    // A cancelled booking's meeting that is also a stray is listed once, as the stray.
    const strayIds = new Set(strays.map((x) => x.zoomMeetingId));
    const gaveUp = (await undeletable()).filter((b) => !b.zoomMeetingId || !strayIds.has(b.zoomMeetingId));
    return [...fromStrays, ...gaveUp.map((b) => bookingRow(b, state))];
  }

  return {
    async list(query: { state?: MeetingTroubleState; page: number; pageSize: number }) {
      const t = now();
      const perState = await Promise.all(MEETING_TROUBLE_STATES.map(async (s) => [s, await rowsOf(s, t)] as const));
      const counts = Object.fromEntries(perState.map(([s, rows]) => [s, rows.length])) as Record<
        MeetingTroubleState,
        number
      >;
      const all = perState
        .filter(([s]) => !query.state || s === query.state)
        .flatMap(([, rows]) => rows)
        .sort((a, b) => a.b.start.getTime() - b.b.start.getTime());
      const page = all.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
      const names = await namesOf(page.map((r) => r.b));
      const items: MeetingTroubleRow[] = page.map(({ b, row }) => ({
        ...row,
        specialist: { id: b.specialistId.toString(), name: names.get(b.specialistId.toString()) ?? 'Former user' },
      }));
      return { items, counts, page: query.page, pageSize: query.pageSize, total: all.length };
    },

    /** For the daily digest: meetings left orphaned, and those repaired in the last day. */
    async digestSections(): Promise<DigestSection[]> {
      const t = now();
      const since = t.getTime() - DAY_MS;
      const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
      const orphaned = await rowsOf('orphaned', t);
      const repaired = (await rowsOf('repaired', t)).filter((r) => r.b.meeting.lastRepair!.at.getTime() >= since);
      const names = await namesOf([...orphaned, ...repaired].slice(0, 2 * DIGEST_LINES).map((r) => r.b));
      const line = ({ b, row }: { b: BookingRecord; row: Omit<MeetingTroubleRow, 'specialist'> }, what: string) =>
        `${when(row.start)}, ${names.get(b.specialistId.toString()) ?? 'Former user'}: ${what} (booking ${row.bookingId})`;
      return [
        {
          title: 'Orphaned meetings (left in an old Zoom account, or Zoom would not delete them)',
          lines: orphaned
            .slice(0, DIGEST_LINES)
            .map((r) => line(r, `${meetingName(r.row.zoomMeetingId)}${r.row.lastError ? `, ${r.row.lastError}` : ''}`)),
          total: orphaned.length,
        },
        {
          title: 'Meetings repaired in the last day',
          lines: repaired.slice(0, DIGEST_LINES).map((r) => line(r, r.row.lastRepair!.cause)),
          total: repaired.length,
        },
      ];
    },

    /** The next attempt, now: a pending/failed/waiting meeting is due at once, a live one is checked against Zoom. */
    async retry(bookingId: string): Promise<{ bookingId: string; retried: 'meeting' | 'check' | 'delete' }> {
      const t = now();
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (!booking) throw new NotFoundError('Booking', 'BOOKING_NOT_FOUND');
      if (booking.status === 'confirmed' && booking.end <= t)
        throw new ConflictError('The session is over: nothing to retry', 'NOTHING_TO_RETRY');
      const orphans = await retryOrphans(booking);
      if (booking.status === 'cancelled') {
        // The meeting may exist while it is not known to be deleted and a create was tried (without a saved id, the
        // removal finds it by the booking's marker). A removal that gave up is taken up again: one more round.
        const mayExist = !booking.meeting.zoomDeleted && (booking.zoomMeetingId || booking.meeting.firstAttemptAt);
        if (!mayExist) {
          if (orphans > 0) return { bookingId, retried: 'delete' };
          throw new ConflictError('The cancelled booking has no Zoom meeting left to remove', 'NOTHING_TO_RETRY');
        }
        const gaveUpAt = booking.meeting.deleteGaveUpAt;
        if (gaveUpAt)
          await compareAndSet(
            BookingModel,
            { _id: booking._id, status: 'cancelled', 'meeting.deleteGaveUpAt': gaveUpAt },
            { $set: { 'meeting.deleteGaveUpAt': null } },
          );
        await deps.jobs.schedule(JOB_MEETING_DELETE, `${JOB_MEETING_DELETE}:${bookingId}`, { bookingId }, t);
        return { bookingId, retried: 'delete' };
      }
      if (booking.meeting.status === 'created') {
        await deps.repair.schedule(bookingId, 'verify_before_session', t);
        return { bookingId, retried: 'check' };
      }
      const won = await compareAndSet(
        BookingModel,
        { _id: booking._id, status: 'confirmed', 'meeting.status': booking.meeting.status },
        { $set: { 'meeting.status': 'pending', 'meeting.nextAttemptAt': t, 'meeting.countedFailures': 0 } },
      );
      if (!won) throw new ConflictError('The booking changed meanwhile; look again', 'BOOKING_CHANGED');
      return { bookingId, retried: 'meeting' };
    },
  };

  /** Orphaned meetings of this booking: one more delete, with the grant that can reach them. Says how many. */
  async function retryOrphans(booking: BookingRecord): Promise<number> {
    const strays = await StrayMeetingModel.find({ bookingId: booking._id, state: 'orphaned' }).lean();
    for (const stray of strays) {
      const remove = (tk: string) => deps.api.deleteMeeting(tk, stray.zoomMeetingId);
      try {
        if (stray.retiredGrantId) await deps.retired.withToken(stray.retiredGrantId.toString(), remove);
        else await deps.host.call(booking.specialistId.toString(), remove);
      } catch (error) {
        if (!isMeetingGone(error)) {
          await StrayMeetingModel.updateOne({ _id: stray._id }, { $set: { lastError: (error as Error).message } });
          continue;
        }
      }
      await StrayMeetingModel.updateOne({ _id: stray._id }, { $set: { state: 'deleted', lastError: null } });
    }
    return strays.length;
  }
}

export type MeetingAdmin = ReturnType<typeof createMeetingAdmin>;
