import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { compareAndSet } from '../../db/compare-and-set';
import { BookingModel, type BookingRecord, type RepairCause } from '../../models/booking.model';
import type { JobQueue } from '../jobs/job-queue';
import type { MailOutbox } from '../mail/mail-outbox.service';
import { meetingSetBackMail, renewedMeetingMails, type RenewalReason } from '../mail/meeting-repair-mail.templates';
import type { ZoomApiClient } from '../zoom/zoom-api.client';
import type { ZoomMeeting, ZoomMeetingInput } from '../zoom/zoom-api.schemas';
import { ZoomApiError, ZoomNotConnectedError } from '../zoom/zoom.errors';
import { JobModel } from '../../models/job.model';
import { StrayMeetingModel } from '../../models/stray-meeting.model';
import { JOB_MEETING_SYNC } from './booking-jobs.service';
import type { BookingNotifier } from './booking-notification.service';
import type { MeetingChangesService } from './meeting-changes.service';
import type { MeetingHost } from './meeting-host.service';
import { carriesRef, meetingInput } from './meeting-input';
import { CREATE_SETTLE_MS } from './meeting-state';
import { decideRetry } from './meeting-retry';
import { quotaKeyOf, type ZoomQuota } from './zoom-quota';

export const JOB_MEETING_REPAIR = 'meeting-repair';
/** The updated invitation after a new meeting replaced a booking's: durable, so a crash after the save loses none. */
export const JOB_RENEWAL_NOTICE = 'meeting-renewal-notice';
const NOTICE_GRACE_MS = 60_000;
/** Deletes a meeting a repair or a move made that no booking uses (durable: a failed delete is retried). */
export const JOB_SPARE_DELETE = 'meeting-spare-delete';
const SPARE_RETRY_MS = 30_000;
/** What noticed the trouble: a Zoom event, the check before the session, or the reconciliation sweep. */
export type RepairTrigger = 'webhook' | 'verify_before_session' | 'reconcile';
export type RepairOutcome =
  | { status: 'in_sync' | 'skipped' }
  | { status: 'recreated' | 'set_back'; cause: RepairCause }
  | { status: 'later'; at: Date; reason: string };

type Drift = { start?: Date; durationMinutes?: number; topic?: string };

/** Zoom no longer has the meeting: 404 / code 3001. */
export const isMeetingGone = (error: unknown) =>
  error instanceof ZoomApiError && (error.zoomStatus === 404 || String(error.zoomCode) === '3001');

/** What of the booking (time, duration, topic) a Zoom meeting no longer matches. */
export function driftOf(zoom: Pick<ZoomMeeting, 'start_time' | 'duration' | 'topic'>, input: ZoomMeetingInput): Drift {
  const drift: Drift = {};
  if (zoom.start_time && Date.parse(zoom.start_time) !== Date.parse(input.start_time))
    drift.start = new Date(zoom.start_time);
  if (zoom.duration !== undefined && zoom.duration !== input.duration) drift.durationMinutes = zoom.duration;
  if (zoom.topic !== undefined && zoom.topic !== input.topic) drift.topic = zoom.topic;
  return drift;
}

/** A confirmed, not yet ended booking whose meeting we made: the only ones a change in Zoom is repaired for. */
export const isRepairable = (b: BookingRecord, now: Date) =>
  b.status === 'confirmed' && b.end > now && b.meeting.status === 'created' && Boolean(b.zoomMeetingId);

/**
 * The booking is the source of truth for its Zoom meeting. A meeting deleted in Zoom is made again (new join link,
 * updated invitation to both parties: same UID, SEQUENCE + 1); a time, duration or topic changed in Zoom is set back
 * and the specialist is told once. Every repair reads the meeting from Zoom first, so an echo of our own change, a
 * duplicate event or a stale one changes nothing.
 */
export function createMeetingRepair(deps: {
  host: MeetingHost;
  api: ZoomApiClient;
  changes: Pick<MeetingChangesService, 'contextOf'>;
  notifier: Pick<BookingNotifier, 'contextOf'>;
  reminders: { sync(bookingId: string): Promise<void> };
  mail: MailOutbox;
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
  frontendUrl: string;
  quota?: ZoomQuota;
}) {
  const now = () => deps.clock.now();

  /**
   * A repair the host's quota holds back is marked on the booking (`meeting.quotaResumeAt`, as a waiting move is), so
   * the booking and the admins' view show it waiting; `meeting.status` stays `created` so the repair stays due.
   */
  async function reserve(booking: BookingRecord): Promise<RepairOutcome | undefined> {
    if (!deps.quota) return undefined;
    const r = await deps.quota.reserve(quotaKeyOf(booking));
    if (r.ok) return undefined;
    await compareAndSet(
      BookingModel,
      { _id: booking._id, status: 'confirmed', sequence: booking.sequence },
      { $set: { 'meeting.quotaResumeAt': r.resumeAt } },
    );
    return { status: 'later', at: r.resumeAt, reason: 'waiting_for_quota' };
  }

  const noticeKey = (bookingId: string, meetingId: string) => `${JOB_RENEWAL_NOTICE}:${bookingId}:${meetingId}`;

  /**
   * After a new meeting replaced the booking's: both parties get the new links; reminders follow the new version.
   * `notice`: the durable notice of that renewal, removed once this ran (only as it was written, so a newer one stays).
   */
  async function announceRenewal(
    bookingId: string,
    reason: RenewalReason,
    notice?: { meetingId: string; sequence: number },
  ): Promise<void> {
    const fresh = await BookingModel.findById(bookingId).lean<BookingRecord>();
    if (fresh?.status === 'confirmed') {
      await deps.mail.enqueueMany(renewedMeetingMails(await deps.notifier.contextOf(fresh), reason));
      await deps.reminders.sync(bookingId);
    }
    if (notice) {
      const data = { bookingId, meetingId: notice.meetingId, reason, sequence: String(notice.sequence) };
      await deps.jobs.cancel(noticeKey(bookingId, notice.meetingId), { data });
    }
  }

  /**
   * Written after Zoom made the new meeting and before the booking points at it: if the process dies after the save,
   * this job sends the updated invitation (the outbox's dedupe key keeps it to one); if the save never happens, the
   * booking does not point at the meeting and the job sends nothing. `sequence` is the version the save gives the
   * booking: once it moved on (a reschedule mailed its own invitation), the notice is stale and sends nothing.
   */
  function noteRenewal(bookingId: string, meetingId: string, reason: RenewalReason, sequence: number) {
    const at = new Date(now().getTime() + NOTICE_GRACE_MS);
    const data = { bookingId, meetingId, reason, sequence: String(sequence) };
    return deps.jobs.schedule(JOB_RENEWAL_NOTICE, noticeKey(bookingId, meetingId), data, at);
  }

  deps.jobs.define(JOB_RENEWAL_NOTICE, async ({ bookingId, meetingId, reason, sequence }) => {
    const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
    if (!booking || booking.zoomMeetingId !== meetingId) return;
    // Notices written before this field existed carry no version: the meeting id alone decides for them.
    if (sequence !== undefined && booking.sequence !== Number(sequence)) return;
    await announceRenewal(bookingId!, reason as RenewalReason);
  });

  const spareKey = (meetingId: string) => `${JOB_SPARE_DELETE}:${meetingId}`;

  /**
   * A meeting we made that the booking does not use (it changed or was cancelled meanwhile) must not stay live: the
   * job is written first, so a failed or interrupted delete is retried; a delete that worked now removes the job.
   */
  async function removeSpare(bookingId: string, specialistId: string, meetingId: string): Promise<void> {
    const data = { bookingId, specialistId, meetingId };
    await deps.jobs.schedule(JOB_SPARE_DELETE, spareKey(meetingId), data, new Date(now().getTime() + SPARE_RETRY_MS));
    try {
      await deleteSpare(data);
      await deps.jobs.cancel(spareKey(meetingId));
    } catch (error) {
      deps.logger.warn({ bookingId, specialistId, meetingId, err: error }, 'Could not remove a spare; its job retries');
    }
  }

  async function deleteSpare({ bookingId, specialistId, meetingId }: Record<string, string | undefined>) {
    const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
    // Adopted by a later repair meanwhile: it is the booking's meeting now.
    if (booking?.zoomMeetingId === meetingId && booking?.status === 'confirmed') return;
    await deps.host
      .call(specialistId!, (tk) => deps.api.deleteMeeting(tk, meetingId!))
      .catch((error: unknown) => {
        if (!isMeetingGone(error)) throw error;
      });
  }

  deps.jobs.define(JOB_SPARE_DELETE, async (data) => {
    try {
      await deleteSpare(data);
    } catch (error) {
      const refused = error instanceof ZoomNotConnectedError || (error instanceof ZoomApiError && !error.retryable);
      if (!refused) throw error;
      // Zoom will not let us delete it (grant gone, refused): the admins' view lists it as orphaned.
      const { bookingId, specialistId, meetingId } = data;
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      await StrayMeetingModel.updateOne(
        { zoomMeetingId: meetingId },
        {
          $set: { state: 'orphaned', lastError: (error as Error).message },
          $setOnInsert: { specialistId, bookingId, zoomUserId: booking?.meeting.hostZoomUserId ?? null },
        },
        { upsert: true },
      );
      deps.logger.error({ bookingId, specialistId, meetingId, err: error }, 'Zoom refused to remove a spare');
    }
  });

  /**
   * The replacement an earlier repair's create may have made (its answer lost to a time-out or a crash): found by the
   * booking's reference, set to the booking's current time, and adopted instead of creating another meeting.
   */
  async function madeEarlier(booking: BookingRecord, input: ZoomMeetingInput, hostUserId: string) {
    const specialistId = booking.specialistId.toString();
    const bookingId = booking._id.toString();
    const listed = await deps.host.call(specialistId, (tk) => deps.api.listAllMeetings(tk, hostUserId));
    const ours = listed.filter((m) => carriesRef(m, bookingId) && m.id !== booking.zoomMeetingId);
    const pending = await JobModel.find({ key: { $in: ours.map((m) => spareKey(m.id)) } }, { key: 1 }).lean();
    const [found, ...extra] = ours.filter((m) => !pending.some((j) => j.key === spareKey(m.id)));
    for (const m of extra) await removeSpare(bookingId, specialistId, m.id);
    if (!found) return undefined;
    const zoom = await deps.host.call(specialistId, (tk) => deps.api.getMeeting(tk, found.id));
    if (Object.keys(driftOf(zoom, input)).length > 0) {
      const { topic, start_time, duration, timezone, agenda } = input;
      await deps.host.call(specialistId, (tk) =>
        deps.api.updateMeeting(tk, found.id, { topic, start_time, duration, timezone, agenda }),
      );
    }
    return zoom;
  }

  async function recreate(booking: BookingRecord, input: ZoomMeetingInput, cause: RepairCause): Promise<RepairOutcome> {
    const specialistId = booking.specialistId.toString();
    const hostUserId = booking.meeting.hostZoomUserId ?? (await deps.host.hostUserId(specialistId));
    const version = {
      _id: booking._id,
      status: 'confirmed',
      sequence: booking.sequence,
      zoomMeetingId: booking.zoomMeetingId,
      'meeting.status': 'created',
    };
    const calledAt = booking.meeting.repairCreateCalledAt;
    let made = calledAt ? await madeEarlier(booking, input, hostUserId) : undefined;
    if (!made && calledAt && now().getTime() < calledAt.getTime() + CREATE_SETTLE_MS)
      // That create may still finish at Zoom: look for it again once it has settled rather than make a second one.
      return { status: 'later', at: new Date(calledAt.getTime() + CREATE_SETTLE_MS), reason: 'create settling' };
    let marker = calledAt;
    if (!made) {
      const waiting = await reserve(booking);
      if (waiting) return waiting;
      // Written before the create: a retry after a lost answer looks for this meeting instead of making another. On
      // the marker as read, so of two repairs at once only one creates.
      marker = now();
      const claim = { ...version, 'meeting.repairCreateCalledAt': calledAt ?? null };
      if (!(await compareAndSet(BookingModel, claim, { $set: { 'meeting.repairCreateCalledAt': marker } })))
        return { status: 'later', at: now(), reason: 'the booking changed meanwhile' };
      made = await deps.host.call(specialistId, (tk) => deps.api.createMeeting(tk, hostUserId, input));
    }
    const reason = cause === 'zoom_deleted' ? 'zoom_deleted' : 'missing';
    await noteRenewal(booking._id.toString(), made.id, reason, booking.sequence + 1);
    const won = await compareAndSet(BookingModel, version, {
      $set: {
        zoomMeetingId: made.id,
        zoomJoinUrl: made.join_url,
        'meeting.syncedSequence': booking.sequence + 1,
        'meeting.lastError': null,
        'meeting.lastRepair': { at: now(), cause },
        'meeting.repairCreateCalledAt': null,
        'meeting.quotaResumeAt': null,
      },
      $inc: { sequence: 1 },
    });
    if (!won) {
      // Moved, cancelled or repaired meanwhile: ours must not stay in the host's calendar; look again.
      await removeSpare(booking._id.toString(), specialistId, made.id);
      // That create's outcome is known now (its meeting is being removed): the next look need not wait for it.
      await BookingModel.updateOne(
        { _id: booking._id, 'meeting.repairCreateCalledAt': marker },
        { $set: { 'meeting.repairCreateCalledAt': null } },
      );
      return { status: 'later', at: now(), reason: 'the booking changed meanwhile' };
    }
    deps.logger.info({ bookingId: booking._id, cause, meetingId: made.id }, 'Zoom meeting made again');
    await announceRenewal(booking._id.toString(), reason, { meetingId: made.id, sequence: booking.sequence + 1 });
    return { status: 'recreated', cause };
  }

  type PendingSetBack = { at: Date; sequence: number; cause: RepairCause; quiet: boolean; drift: Drift };

  async function setBack(
    booking: BookingRecord,
    input: ZoomMeetingInput,
    drift: Drift,
    cause: RepairCause,
    quiet: boolean,
  ): Promise<RepairOutcome> {
    const waiting = await reserve(booking);
    if (waiting) return waiting;
    // Written before the PATCH, so a retry after a lost answer still records the repair and tells the specialist.
    // The same change seen again before it was recorded keeps its time (its mail's key): one mail per change.
    const earlier = booking.meeting.pendingSetBack as PendingSetBack | null | undefined;
    const same = earlier?.sequence === booking.sequence && JSON.stringify(earlier.drift) === JSON.stringify(drift);
    const pending: PendingSetBack = { at: same ? earlier.at : now(), sequence: booking.sequence, cause, quiet, drift };
    const noted = await compareAndSet(
      BookingModel,
      {
        _id: booking._id,
        sequence: booking.sequence,
        ...(earlier ? { 'meeting.pendingSetBack.at': earlier.at } : { 'meeting.pendingSetBack': null }),
      },
      { $set: { 'meeting.pendingSetBack': pending } },
    );
    if (!noted) return { status: 'later', at: now(), reason: 'the booking changed meanwhile' };
    const { topic, start_time, duration, timezone, agenda } = input;
    await deps.host.call(booking.specialistId.toString(), (tk) =>
      deps.api.updateMeeting(tk, booking.zoomMeetingId!, { topic, start_time, duration, timezone, agenda }),
    );
    return recordSetBack(booking, pending);
  }

  /** The set-back reached Zoom: recorded once (whoever clears the pending one), then the specialist is told. */
  async function recordSetBack(booking: BookingRecord, pending: PendingSetBack): Promise<RepairOutcome> {
    const kept = await compareAndSet(
      BookingModel,
      { _id: booking._id, sequence: pending.sequence, 'meeting.pendingSetBack.at': pending.at },
      {
        $set: {
          'meeting.lastRepair': { at: now(), cause: pending.cause },
          'meeting.lastError': null,
          'meeting.syncedSequence': pending.sequence,
          'meeting.quotaResumeAt': null,
          'meeting.pendingSetBack': null,
        },
      },
    );
    if (!kept) {
      // Moved while we set it back: our PATCH may have undone the move's, so look again (without a second mail).
      // (Or another repair recorded this set-back and told the specialist: the look finds the meeting in sync.)
      await schedule(booking._id.toString(), 'reconcile', now(), true);
      return { status: 'later', at: now(), reason: 'the booking changed meanwhile' };
    }
    const { drift, cause } = pending;
    deps.logger.info({ bookingId: booking._id, cause, drift }, 'Zoom meeting set back to the booking');
    if (!pending.quiet) {
      const key = createHash('sha256')
        .update(JSON.stringify({ drift, at: pending.at }))
        .digest('hex')
        .slice(0, 12);
      const ctx = await deps.notifier.contextOf(booking);
      await deps.mail.enqueue(meetingSetBackMail(ctx, drift, key, `${deps.frontendUrl}/bookings`));
    }
    return { status: 'set_back', cause };
  }

  /** In sync with a set-back still pending: its PATCH reached Zoom but the answer was lost. */
  async function settlePending(booking: BookingRecord): Promise<RepairOutcome> {
    const pending = booking.meeting.pendingSetBack as PendingSetBack | null | undefined;
    if (!pending) return { status: 'in_sync' };
    if (pending.sequence === booking.sequence) return recordSetBack(booking, pending);
    // Moved since: the move's own sync and mail replace the set-back's.
    await compareAndSet(
      BookingModel,
      { _id: booking._id, 'meeting.pendingSetBack.at': pending.at },
      { $set: { 'meeting.pendingSetBack': null } },
    );
    return { status: 'in_sync' };
  }

  /** Reads the meeting from Zoom and repairs it when it is missing or differs from the booking. */
  async function repair(bookingId: string, trigger: RepairTrigger, quiet = false): Promise<RepairOutcome> {
    const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
    if (!booking || !isRepairable(booking, now())) return { status: 'skipped' };
    let zoom: ZoomMeeting | undefined;
    try {
      zoom = await deps.host.call(booking.specialistId.toString(), (tk) =>
        deps.api.getMeeting(tk, booking.zoomMeetingId!),
      );
    } catch (error) {
      if (!isMeetingGone(error)) throw error;
    }
    const input = meetingInput(booking, await deps.changes.contextOf(booking));
    if (!zoom) return recreate(booking, input, trigger === 'webhook' ? 'zoom_deleted' : trigger);
    // Our own move has not reached Zoom yet: its sync job pushes the booking's time, not us. A sync that gave up
    // (no job left) is finished here, without telling the specialist of a change they did not make.
    const unsynced = booking.meeting.syncedSequence < booking.sequence;
    if (unsynced && (await JobModel.exists({ key: `${JOB_MEETING_SYNC}:${bookingId}` }))) return { status: 'skipped' };
    const drift = driftOf(zoom, input);
    if (Object.keys(drift).length === 0) return settlePending(booking);
    return setBack(booking, input, drift, trigger === 'webhook' ? 'zoom_changed' : trigger, quiet || unsynced);
  }

  function schedule(bookingId: string, trigger: RepairTrigger, at = now(), quiet = false) {
    const data = { bookingId, trigger, ...(quiet ? { quiet: '1' } : {}) };
    return deps.jobs.schedule(JOB_MEETING_REPAIR, `${JOB_MEETING_REPAIR}:${bookingId}`, data, at);
  }

  /** A failed repair: Zoom down or busy is waited out until the session begins; a refusal ends it (logged). */
  async function afterFailure(bookingId: string, error: unknown, attempts: number): Promise<Date | undefined> {
    const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
    const message = (error as Error).message;
    await BookingModel.updateOne({ _id: bookingId }, { $set: { 'meeting.lastError': message } });
    const decision = decideRetry(error, {
      attempts,
      counted: Math.max(0, attempts - 1),
      maxCounted: deps.maxAttempts,
      now: now(),
      sessionStart: booking?.start ?? now(),
    });
    if ('retryAt' in decision) return decision.retryAt;
    deps.logger.error({ bookingId, err: message }, 'Giving up on repairing a Zoom meeting');
    return undefined;
  }

  deps.jobs.define(JOB_MEETING_REPAIR, async ({ bookingId, trigger, quiet }, meta) => {
    try {
      const outcome = await repair(bookingId!, trigger as RepairTrigger, quiet === '1');
      if (outcome.status === 'later') return { retryAt: outcome.at };
    } catch (error) {
      const retryAt = await afterFailure(bookingId!, error, meta.attempts);
      if (retryAt) return { retryAt };
    }
  });

  return {
    repair,
    schedule,
    announceRenewal,
    noteRenewal,
    removeSpare,

    /**
     * A `meeting.deleted` / `meeting.updated` event: cheap (one read, one job write) so the webhook answers well
     * within Zoom's 3 seconds; the repair runs as a durable job. Unknown meetings, cancelled or past bookings and
     * echoes of our own moves are ignored.
     */
    async noticeZoomEvent(event: string, object: Record<string, unknown>): Promise<'scheduled' | 'ignored'> {
      if (object.id === undefined || object.id === null) return 'ignored';
      const booking = await BookingModel.findOne({ zoomMeetingId: String(object.id) }).lean<BookingRecord>();
      if (!booking || !isRepairable(booking, now())) return 'ignored';
      if (event === 'meeting.updated' && isEchoOf(object, booking)) return 'ignored';
      await schedule(booking._id.toString(), 'webhook');
      return 'scheduled';
    },

    /**
     * Before a reminder (or MEETING_VERIFY_BEFORE_MINUTES before the start): the meeting is read from Zoom and
     * repaired now, so the link the reminder carries works. A failure, or a repair that must wait, leaves it to the
     * durable job.
     */
    async verify(bookingId: string): Promise<RepairOutcome | undefined> {
      try {
        const outcome = await repair(bookingId, 'verify_before_session');
        // Waiting for the quota or a change meanwhile: the durable job finishes it (the reminder does not wait).
        if (outcome.status === 'later') await schedule(bookingId, 'verify_before_session', outcome.at);
        return outcome;
      } catch (error) {
        deps.logger.warn({ bookingId, err: (error as Error).message }, 'Meeting check before the session failed');
        const retryAt = await afterFailure(bookingId, error, 1);
        if (retryAt) await schedule(bookingId, 'verify_before_session', retryAt);
        return undefined;
      }
    },
  };
}

/**
 * An update whose new values are the booking's own (the echo of a reschedule we pushed, or of a set-back): nothing
 * to do. A changed topic cannot be judged without the parties' names; the job's read of the meeting settles it.
 */
function isEchoOf(object: Record<string, unknown>, booking: BookingRecord): boolean {
  if ('topic' in object) return false;
  const start = object.start_time;
  const duration = object.duration;
  if (start !== undefined && Date.parse(String(start)) !== booking.start.getTime()) return false;
  if (duration !== undefined && Number(duration) !== booking.durationMinutes) return false;
  return start !== undefined || duration !== undefined;
}

export type MeetingRepair = ReturnType<typeof createMeetingRepair>;
