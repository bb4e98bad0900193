import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { compareAndSet } from '../../db/compare-and-set';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import type { HostAccess, MeetingHost } from './meeting-host.service';
import { carriesRef, meetingDrift, meetingInput, type MeetingContext } from './meeting-input';
import { decideRetry } from './meeting-retry';
import { isDailyLimit, lockFree, OPEN_MEETING } from './meeting-state';
import type { ZoomApiClient } from '../zoom/zoom-api.client';
import type { ServiceMetrics } from '../metrics/metrics';
import type { ZoomQuota } from '../zoom/zoom-quota.service';

export type MeetingOutcome =
  | { status: 'created'; needsSync?: boolean }
  | { status: 'updated' | 'deleted' }
  | { status: 'skipped' | 'failed' | 'cancelled'; reason?: string }
  | { status: 'retry'; at: Date; counted?: boolean };

/**
 * How long one attempt holds a booking's meeting; a crashed attempt's booking is retried after it (so a crash is
 * recovered within about a minute). Several Zoom calls fit in it (each bounded by ZOOM_HTTP_TIMEOUT_MS, 10 s); an
 * attempt that still outlives it is harmless: the next one adopts the meeting by its reference, and `save` keeps one.
 */
export const MEETING_LOCK_MS = 60_000;

/** Thrown inside an attempt when the host's daily quota is used up: the attempt waits without calling Zoom. */
class QuotaWait extends Error {
  constructor(readonly resumeAt: Date) {
    super('Waiting for the host’s daily Zoom quota (00:00 UTC)');
  }
}

/**
 * Creates the Zoom meeting of a booking. The booking document is the meeting's durable job: `meeting.nextAttemptAt`
 * says when it is due, `meeting.lockedUntil` which attempt holds it, `meeting.attempts` how many claims were made.
 * Zoom has no idempotency key, so an attempt after an interrupted one first looks for the meeting it may have made.
 * Every outcome is written with a compare-and-set on the booking's status, sequence and claim: a booking cancelled
 * or moved meanwhile is never overwritten, and what it became decides what happens to the meeting.
 */
export function createBookingMeetingService(deps: {
  host: MeetingHost;
  api: ZoomApiClient;
  quota: ZoomQuota;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
  metrics?: Pick<ServiceMetrics, 'meetingReady'>;
}) {
  const now = () => deps.clock.now();

  async function reserve(specialistId: string, hostUserId: string) {
    const r = await deps.quota.reserve(deps.host.quotaKey(specialistId, hostUserId));
    if (!r.ok) throw new QuotaWait(r.resumeAt);
  }

  /** The Zoom meeting carrying this booking's reference, looked up page by page in the host's calendar. */
  async function findByRef(specialistId: string, hostUserId: string, bookingId: string): Promise<string | undefined> {
    const meetings = await deps.host.call(specialistId, (tk) => deps.api.listAllMeetings(tk, hostUserId));
    return meetings.find((m) => carriesRef(m, bookingId))?.id;
  }

  /** Saves the meeting unless the booking changed meanwhile; then decides by what it became (rare: one read). */
  async function save(booking: BookingRecord, meeting: { id: string; join_url: string }, synced: boolean) {
    const created = {
      zoomMeetingId: meeting.id,
      zoomJoinUrl: meeting.join_url,
      'meeting.status': 'created',
      'meeting.lockedUntil': null,
      'meeting.lastError': null,
      'meeting.nextAttemptAt': null,
      'meeting.savedAt': now(),
      // An adopted meeting that still differs (quota) is pushed by the sync job.
      'meeting.syncedSequence': synced ? booking.sequence : booking.sequence - 1,
    };
    const open = { _id: booking._id, status: 'confirmed', 'meeting.status': OPEN_MEETING };
    if (await compareAndSet(BookingModel, { ...open, sequence: booking.sequence }, { $set: created }))
      return { status: 'created' as const, needsSync: !synced };
    const current = await BookingModel.findById(booking._id).lean<BookingRecord>();
    // Rescheduled while Zoom was creating it at the old time: keep the meeting and push the new time.
    if (current?.status === 'confirmed' && current.meeting.status !== 'created') {
      if (await compareAndSet(BookingModel, { ...open, sequence: current.sequence }, { $set: created }))
        return { status: 'created' as const, needsSync: true };
    }
    if (current?.status === 'cancelled') {
      // Cancelled while Zoom was creating it: remember the meeting so the delete job removes it (it also looks for
      // every meeting carrying the reference, so one saved by another attempt is not lost).
      const remember = { zoomMeetingId: meeting.id, 'meeting.lockedUntil': null };
      await compareAndSet(
        BookingModel,
        { _id: booking._id, status: 'cancelled', zoomMeetingId: null },
        { $set: remember },
      );
      await reopenRemoval(booking);
      return { status: 'cancelled' as const };
    }
    // Another attempt saved this very meeting (both adopted it by its reference): nothing to undo.
    if (current?.zoomMeetingId === meeting.id) return { status: 'skipped' as const };
    // Another attempt saved its meeting first: ours is a duplicate and must not stay in the host's calendar.
    deps.logger.warn(
      { bookingId: booking._id, specialistId: booking.specialistId, meetingId: meeting.id },
      'Removing a duplicate Zoom meeting',
    );
    await deps.host.call(booking.specialistId.toString(), (tk) => deps.api.deleteMeeting(tk, meeting.id));
    return { status: 'skipped' as const };
  }

  /** A cancelled booking's removal runs (again): this attempt may have left a meeting at Zoom. */
  async function reopenRemoval(booking: BookingRecord) {
    await BookingModel.updateOne(
      { _id: booking._id, status: 'cancelled' },
      { $set: { 'meeting.zoomDeleted': false, 'meeting.deleteGaveUpAt': null, 'meeting.lockedUntil': null } },
    );
  }

  /** A failed attempt's bookkeeping, written only if the booking is still as this attempt claimed it. */
  async function recordFailure(booking: BookingRecord, set: Record<string, unknown>): Promise<MeetingOutcome | null> {
    const claimed = {
      _id: booking._id,
      status: 'confirmed',
      sequence: booking.sequence,
      'meeting.status': OPEN_MEETING,
      'meeting.attempts': booking.meeting.attempts,
    };
    if (await compareAndSet(BookingModel, claimed, { $set: set })) return null;
    const current = await BookingModel.findById(booking._id).lean<BookingRecord>();
    // Cancelled meanwhile: whether Zoom made the meeting is unknown, so the delete job goes looking for it.
    if (current?.status === 'cancelled') return (await reopenRemoval(booking), { status: 'cancelled' });
    // Moved meanwhile: what was decided for the old time does not hold; the new time gets a fresh try now.
    if (current?.meeting.attempts === booking.meeting.attempts && current.meeting.status !== 'created') {
      const retry = { ...claimed, sequence: current.sequence };
      await compareAndSet(BookingModel, retry, {
        $set: { 'meeting.status': 'pending', 'meeting.lockedUntil': null, 'meeting.nextAttemptAt': now() },
      });
      return { status: 'retry', at: now() };
    }
    return { status: 'skipped' }; // a newer attempt holds it
  }

  return {
    /** The `meeting` of a new booking, claimed for the attempt its request makes at once (the insert is the claim). */
    claimedAtInsert(t: Date, hostZoomUserId: string | undefined) {
      const lockedUntil = new Date(t.getTime() + MEETING_LOCK_MS);
      return {
        status: 'pending' as const,
        provider: deps.host.provider,
        attempts: 1,
        countedFailures: 0,
        // Known host: set before the create call, so a retry after a crash searches the right calendar.
        firstAttemptAt: hostZoomUserId ? t : null,
        hostZoomUserId: hostZoomUserId ?? null,
        lockedUntil,
        nextAttemptAt: lockedUntil,
        createCalledAt: t,
        savedAt: null,
        quotaResumeAt: null,
        deleteGaveUpAt: null,
      };
    },

    /** Claims a due booking for one attempt (compare-and-set) and returns it as it now is, or null if another won. */
    async claim(booking: BookingRecord): Promise<BookingRecord | null> {
      const t = now();
      const lockedUntil = new Date(t.getTime() + MEETING_LOCK_MS);
      const won = await compareAndSet(
        BookingModel,
        {
          _id: booking._id,
          status: 'confirmed',
          sequence: booking.sequence,
          'meeting.status': booking.meeting.status,
          'meeting.attempts': booking.meeting.attempts,
          $or: lockFree(t),
        },
        {
          $set: { 'meeting.lockedUntil': lockedUntil, 'meeting.createCalledAt': t },
          $inc: { 'meeting.attempts': 1 },
        },
      );
      if (!won) return null;
      const meeting = { ...booking.meeting, lockedUntil, createCalledAt: t, attempts: booking.meeting.attempts + 1 };
      return { ...booking, meeting };
    },

    /** Bookings whose meeting is due and free, oldest first (the meeting poller). */
    due(limit: number): Promise<BookingRecord[]> {
      const t = now();
      return BookingModel.find({
        'meeting.status': OPEN_MEETING,
        'meeting.nextAttemptAt': { $lte: t },
        status: 'confirmed',
        $or: lockFree(t),
      })
        .sort({ 'meeting.nextAttemptAt': 1 })
        .limit(limit)
        .lean<BookingRecord[]>();
    },

    /**
     * One attempt on a booking this caller has claimed. Returns the outcome and the booking as it now is (computed,
     * not read back).
     */
    async attempt(
      booking: BookingRecord,
      ctx: MeetingContext,
      access?: HostAccess,
    ): Promise<{ outcome: MeetingOutcome; booking: BookingRecord }> {
      const bookingId = booking._id.toString();
      const specialistId = booking.specialistId.toString();
      const { attempts } = booking.meeting;
      try {
        let hostUserId = booking.meeting.hostZoomUserId;
        let meeting;
        let synced = true;
        if (!hostUserId || !booking.meeting.firstAttemptAt) {
          // The host is fixed by the first attempt, so a retry searches (and never duplicates in) the same calendar.
          hostUserId = await deps.host.hostUserId(specialistId);
          await BookingModel.updateOne(
            { _id: bookingId, status: 'confirmed', 'meeting.status': OPEN_MEETING },
            { $set: { 'meeting.firstAttemptAt': now(), 'meeting.hostZoomUserId': hostUserId } },
          );
        } else if (attempts > 1) {
          // An earlier attempt may have created the meeting and died (or timed out) before saving it.
          const found = await findByRef(specialistId, hostUserId, bookingId);
          if (found) meeting = await deps.host.call(specialistId, (tk) => deps.api.getMeeting(tk, found));
          // Made for the booking as it was then: set it to the booking's current time, length and topic.
          const drift = meeting && meetingDrift(meeting, booking, ctx);
          if (drift) {
            const ok = await deps.quota.reserve(deps.host.quotaKey(specialistId, hostUserId));
            if (ok.ok) await deps.host.call(specialistId, (tk) => deps.api.updateMeeting(tk, found!, drift));
            else synced = false; // saved now, moved by the sync job once the quota allows
          }
        }
        const host = hostUserId;
        if (!meeting) {
          await reserve(specialistId, host);
          meeting = await deps.host.call(
            specialistId,
            (tk) => deps.api.createMeeting(tk, host, meetingInput(booking, ctx)),
            access,
          );
        }
        const outcome = await save(booking, meeting, synced);
        if (outcome.status === 'created')
          deps.metrics?.meetingReady((now().getTime() - booking.createdAt.getTime()) / 1000);
        const saved: BookingRecord = {
          ...booking,
          zoomMeetingId: meeting.id,
          zoomJoinUrl: meeting.join_url,
          meeting: { ...booking.meeting, status: 'created', lockedUntil: null, lastError: null, nextAttemptAt: null },
        };
        return { outcome, booking: outcome.status === 'created' ? saved : booking };
      } catch (error) {
        return failed(booking, error);
      }
    },
  };

  async function failed(booking: BookingRecord, error: unknown) {
    const bookingId = booking._id.toString();
    const { attempts } = booking.meeting;
    const message = (error as Error).message;
    const counted = booking.meeting.countedFailures ?? 0;
    const quotaAt = error instanceof QuotaWait ? error.resumeAt : undefined;
    const decision = quotaAt
      ? quotaAt < booking.start
        ? { retryAt: quotaAt, counted: false }
        : { giveUp: `${message}, and the session begins before then` }
      : decideRetry(error, {
          attempts,
          counted,
          maxCounted: deps.maxAttempts,
          now: now(),
          sessionStart: booking.start,
        });
    const retryAt = 'retryAt' in decision ? decision.retryAt : undefined;
    const waiting = Boolean(quotaAt) || (retryAt && isDailyLimit(error));
    const meeting = {
      ...booking.meeting,
      status: waiting ? ('waiting_for_quota' as const) : retryAt ? ('pending' as const) : ('failed' as const),
      lockedUntil: null,
      lastError: message,
      nextAttemptAt: retryAt ?? null,
      countedFailures: 'counted' in decision && decision.counted ? counted + 1 : counted,
    };
    const changed = await recordFailure(booking, {
      'meeting.status': meeting.status,
      'meeting.lockedUntil': null,
      'meeting.lastError': message,
      'meeting.nextAttemptAt': meeting.nextAttemptAt,
      'meeting.countedFailures': meeting.countedFailures,
    });
    deps.logger.warn(
      { bookingId, specialistId: booking.specialistId.toString(), attempts, retryAt, err: message },
      'Zoom meeting creation failed',
    );
    if (changed) return { outcome: changed, booking };
    const outcome: MeetingOutcome =
      'retryAt' in decision
        ? { status: 'retry', at: decision.retryAt, counted: decision.counted }
        : { status: 'failed', reason: decision.giveUp };
    return { outcome, booking: { ...booking, meeting } };
  }
}

export type BookingMeetingService = ReturnType<typeof createBookingMeetingService>;
