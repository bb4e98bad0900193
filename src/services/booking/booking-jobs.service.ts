import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { JobModel } from '../../models/job.model';
import type { BookingMeetingService, MeetingOutcome } from './booking-meeting.service';
import type { BookingNotifier, BookingParties } from './booking-notification.service';
import type { MeetingChangesService } from './meeting-changes.service';
import type { HostAccess } from './meeting-host.service';
import type { MeetingContext } from './meeting-input';
import type { SpecialistService } from '../specialist/specialist.service';
import { toMeetingSettings } from '../specialist/meeting-settings';
import { OPEN_MEETING } from './meeting-state';
import type { JobQueue } from '../jobs/job-queue';
import type { ServiceMetrics } from '../metrics/metrics';

/** Kept only so jobs queued before meetings moved onto the booking document are honoured once. */
export const JOB_MEETING_CREATE = 'booking-meeting-create';
export const JOB_MEETING_SYNC = 'booking-meeting-sync';
export const JOB_MEETING_DELETE = 'booking-meeting-delete';
/**
 * How long the request's own move/removal attempt has before its durable job may run it too (after a crash, the job
 * does it within this). Longer than one Zoom call with a token refresh (each ZOOM_HTTP_TIMEOUT_MS, 10 s); an
 * overlap is harmless (a PATCH to the same time, a DELETE answered 404).
 */
const LEASE_GRACE_MS = 45_000;
/**
 * Longer than a request takes from saving a meeting to queueing its confirmation (one mail build and one insert);
 * the sweep that finds what a crash left unqueued runs every CONFIRMATION_SWEEP_MS, so the mail goes out within
 * 60 s of a restart. A mail queued twice is sent once (the outbox's dedupe key).
 */
const CONFIRMATION_GRACE_MS = 20_000;
const CONFIRMATION_SWEEP_MS = 15_000;
/** Before meetings carried their save time, only the first attempt's time told (kept for those bookings). */
const LEGACY_CONFIRMATION_GRACE_MS = 5 * 60_000;

/** What the request already knows about a booking's people, so its follow-ups read nothing again. */
export interface BookingKnowns {
  meeting: MeetingContext;
  parties: BookingParties;
}

/**
 * The durable follow-ups of a booking change. A new booking's meeting is its own durable job (the booking document,
 * found by the meeting poller when due); moves and removals are jobs keyed by booking. Each happens once, survives
 * crashes and retries with backoff; the request path tries it inline first for a fast answer.
 */
export function createBookingJobs(deps: {
  jobs: JobQueue;
  meetings: BookingMeetingService;
  /** The admins' alarm when a cancelled booking's meeting could not be removed (MEETING_DELETE_GIVE_UP_DAYS). */
  onDeleteGaveUp?: (bookingId: string, reason: string) => Promise<void>;
  /** MEETING_DELETE_GIVE_UP_DAYS: removals are looked after until this long past the session's start. */
  deleteGiveUpMs?: number;
  changes: MeetingChangesService;
  notifier: BookingNotifier;
  specialists: SpecialistService;
  logger: Logger;
  clock: Clock;
  maxAttempts: number;
  metrics?: Pick<ServiceMetrics, 'meetingAttempt'>;
}) {
  const { jobs, meetings, changes, notifier } = deps;
  const now = () => deps.clock.now();

  const scheduleFor = (name: string, bookingId: string, at: Date) =>
    jobs.schedule(name, `${name}:${bookingId}`, { bookingId }, at);

  /** What an attempt's outcome calls for: the confirmation, a push of a newer time, removal, or the alarm. */
  async function afterAttempt(outcome: MeetingOutcome, booking: BookingRecord, parties?: BookingParties) {
    const bookingId = booking._id.toString();
    if (outcome.status === 'failed') await notifier.notifyMeetingFailed(bookingId, outcome.reason ?? 'unknown');
    // Cancelled while Zoom was creating it: the meeting Zoom made must go.
    if (outcome.status === 'cancelled') await scheduleFor(JOB_MEETING_DELETE, bookingId, now());
    if (outcome.status === 'created') {
      if (outcome.needsSync) await scheduleFor(JOB_MEETING_SYNC, bookingId, now());
      await notifier.confirmed(booking, parties ?? (await notifier.partiesOf(booking)));
    }
  }

  async function knownsOf(booking: BookingRecord): Promise<BookingKnowns> {
    const [parties, { profile }] = await Promise.all([
      notifier.partiesOf(booking),
      deps.specialists.profileOf(booking.specialistId.toString()),
    ]);
    return {
      parties,
      meeting: {
        customerName: parties.customer.name,
        timezone: profile?.timezone ?? parties.specialist.timezone,
        settings: toMeetingSettings(profile),
      },
    };
  }

  jobs.addSource({
    name: 'meetings',
    async runNext() {
      for (const due of await meetings.due(10)) {
        const claimed = await meetings.claim(due);
        if (!claimed) continue;
        const known = await knownsOf(claimed);
        const { outcome, booking } = await meetings.attempt(claimed, known.meeting);
        deps.metrics?.meetingAttempt(outcome.status);
        await afterAttempt(outcome, booking, known.parties);
        return true;
      }
      return false;
    },
  });

  async function sweepUnconfirmed(): Promise<number> {
    const t = now().getTime();
    const missed = await BookingModel.find(
      {
        status: 'confirmed',
        'meeting.status': 'created',
        confirmationMailedAt: null,
        $or: [
          { 'meeting.savedAt': { $lt: new Date(t - CONFIRMATION_GRACE_MS) } },
          { 'meeting.savedAt': null, 'meeting.firstAttemptAt': { $lt: new Date(t - LEGACY_CONFIRMATION_GRACE_MS) } },
        ],
      },
      { _id: 1 },
    )
      .limit(200)
      .lean();
    for (const b of missed) await notifier.notify(b._id.toString(), 'confirmed');
    return missed.length;
  }

  // Every instance looks for confirmations a crash left unqueued every CONFIRMATION_SWEEP_MS (one indexed query),
  // so after a restart they go out within a minute instead of waiting for the shared maintenance job's lease.
  let lastConfirmationSweep = -Infinity;
  jobs.addSource({
    name: 'confirmations',
    async runNext() {
      const t = now().getTime();
      if (t - lastConfirmationSweep < CONFIRMATION_SWEEP_MS) return false;
      lastConfirmationSweep = t;
      return (await sweepUnconfirmed()) > 0;
    },
  });

  jobs.define(JOB_MEETING_CREATE, async (data) => {
    await BookingModel.updateOne(
      { _id: data.bookingId, 'meeting.status': OPEN_MEETING },
      { $set: { 'meeting.nextAttemptAt': now() } },
    );
  });

  /**
   * Sync and delete retry like creation: transient failures until the session begins, refusals never; an unclear
   * failure gives up (loudly) once the job has made MEETING_RETRY_MAX_ATTEMPTS tries.
   */
  const retryable =
    (what: string, fn: (id: string) => Promise<MeetingOutcome>, gaveUp?: (id: string, reason: string) => unknown) =>
    async (data: Record<string, string>, meta: { attempts: number }) => {
      const outcome = await fn(data.bookingId!);
      if (outcome.status === 'failed') {
        deps.logger.error({ bookingId: data.bookingId, reason: outcome.reason }, `Zoom meeting ${what} failed`);
        await gaveUp?.(data.bookingId!, outcome.reason ?? 'unknown');
      }
      if (outcome.status !== 'retry') return;
      if (outcome.counted && meta.attempts >= deps.maxAttempts) {
        deps.logger.error({ bookingId: data.bookingId, attempts: meta.attempts }, `Giving up on Zoom meeting ${what}`);
        await gaveUp?.(data.bookingId!, `${meta.attempts} unclear failures`);
        return;
      }
      return { retryAt: outcome.at };
    };

  /** A removal that ends without success is marked (once) and the admins are told, for they must delete it. */
  async function deleteGaveUp(bookingId: string, reason: string) {
    const first = await BookingModel.updateOne(
      { _id: bookingId, status: 'cancelled', 'meeting.deleteGaveUpAt': null },
      { $set: { 'meeting.deleteGaveUpAt': now(), 'meeting.lastError': reason } },
    );
    if (first.modifiedCount === 1) await deps.onDeleteGaveUp?.(bookingId, reason);
  }

  jobs.define(
    JOB_MEETING_SYNC,
    retryable('update', (id) => changes.syncMeeting(id)),
  );
  jobs.define(
    JOB_MEETING_DELETE,
    retryable('deletion', (id) => changes.deleteMeeting(id), deleteGaveUp),
  );

  async function durableThenInline(
    name: string,
    bookingId: string,
    attempt: () => Promise<{ status: string; at?: Date; reason?: string }>,
    onFailed?: (bookingId: string, reason: string) => Promise<void>,
  ) {
    const key = `${name}:${bookingId}`;
    // The job as this request leaves it: removed below only if no concurrent change has scheduled it since.
    const ours = { runAt: new Date(now().getTime() + LEASE_GRACE_MS), data: { bookingId, change: randomUUID() } };
    await jobs.schedule(name, key, ours.data, ours.runAt);
    const outcome = await attempt().catch(() => ({ status: 'retry' as const, at: now() }));
    if (outcome.status === 'retry') await jobs.schedule(name, key, { bookingId }, outcome.at ?? now());
    else {
      if (outcome.status === 'failed') await onFailed?.(bookingId, outcome.reason ?? 'unknown');
      await jobs.cancel(key, ours);
    }
  }

  return {
    /**
     * The request's own attempt on the booking it has just inserted (the insert claimed it). Returns the booking as
     * it now is; the mails follow right after the response. If this process dies, the meeting poller takes over
     * once the claim lapses.
     */
    async firstAttempt(booking: BookingRecord, known: BookingKnowns, access?: HostAccess): Promise<BookingRecord> {
      try {
        const { outcome, booking: after } = await meetings.attempt(booking, known.meeting, access);
        deps.metrics?.meetingAttempt(outcome.status);
        if (outcome.status !== 'retry') jobs.soon(() => afterAttempt(outcome, after, known.parties));
        return after;
      } catch (error) {
        deps.metrics?.meetingAttempt('error');
        deps.logger.warn(
          { bookingId: booking._id, specialistId: booking.specialistId, err: error },
          'Inline meeting creation failed; the poller will retry',
        );
        return booking;
      }
    },

    /** Confirmation mail that a crash between "meeting saved" and "mail queued" left unsent (dedupe keeps it once). */
    sweepUnconfirmed,

    /**
     * Cancelled bookings whose meeting may exist (a create was tried) but whose removal is neither done, given up,
     * nor scheduled: a crash between the cancel and scheduling its removal. Schedules the removal (maintenance).
     */
    async sweepUnremoved(): Promise<number> {
      const old = new Date(now().getTime() - LEASE_GRACE_MS * 2);
      const cancelled = await BookingModel.find(
        {
          status: 'cancelled',
          'meeting.zoomDeleted': false,
          cancelledAt: { $lt: old },
          start: { $gt: new Date(now().getTime() - (deps.deleteGiveUpMs ?? 7 * 86_400_000)) },
          'meeting.firstAttemptAt': { $ne: null },
          'meeting.deleteGaveUpAt': null,
        },
        { _id: 1 },
      )
        .limit(200)
        .lean();
      const keys = cancelled.map((b) => `${JOB_MEETING_DELETE}:${b._id.toString()}`);
      const queued = new Set((await JobModel.find({ key: { $in: keys } }, { key: 1 }).lean()).map((j) => j.key));
      const missing = cancelled.filter((b) => !queued.has(`${JOB_MEETING_DELETE}:${b._id.toString()}`));
      for (const b of missing) await scheduleFor(JOB_MEETING_DELETE, b._id.toString(), now());
      return missing.length;
    },

    /** Meetings that waited (e.g. for a reconnect) are due now rather than at their backoff time. */
    async retryPendingMeetings(specialistId: string): Promise<void> {
      await BookingModel.updateMany(
        { specialistId, status: 'confirmed', 'meeting.status': 'pending' },
        { $set: { 'meeting.nextAttemptAt': now() } },
      );
    },

    async rescheduled(bookingId: string): Promise<void> {
      await durableThenInline(JOB_MEETING_SYNC, bookingId, () => changes.syncMeeting(bookingId));
      await notifier.notify(bookingId, 'rescheduled');
    },

    async cancelled(bookingId: string): Promise<void> {
      await durableThenInline(JOB_MEETING_DELETE, bookingId, () => changes.deleteMeeting(bookingId), deleteGaveUp);
      await notifier.notify(bookingId, 'cancelled');
    },
  };
}

export type BookingJobs = ReturnType<typeof createBookingJobs>;
