import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import type { BookingMeetingService, MeetingOutcome } from './booking-meeting.service';
import type { BookingNotifier, BookingParties } from './booking-notification.service';
import type { MeetingChangesService } from './meeting-changes.service';
import type { HostAccess } from './meeting-host.service';
import type { MeetingContext } from './meeting-input';
import type { SpecialistService } from '../specialist/specialist.service';
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
/** Longer than any request that saves a meeting and then queues its confirmation mail. */
const CONFIRMATION_GRACE_MS = 5 * 60_000;

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
      meeting: { customerName: parties.customer.name, timezone: profile?.timezone ?? parties.specialist.timezone },
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

  jobs.define(JOB_MEETING_CREATE, async (data) => {
    await BookingModel.updateOne(
      { _id: data.bookingId, 'meeting.status': 'pending' },
      { $set: { 'meeting.nextAttemptAt': now() } },
    );
  });

  /**
   * Sync and delete retry like creation: transient failures until the session begins, refusals never; an unclear
   * failure gives up (loudly) once the job has made MEETING_RETRY_MAX_ATTEMPTS tries.
   */
  const retryable =
    (what: string, fn: (id: string) => Promise<MeetingOutcome>) =>
    async (data: Record<string, string>, meta: { attempts: number }) => {
      const outcome = await fn(data.bookingId!);
      if (outcome.status === 'failed')
        deps.logger.error({ bookingId: data.bookingId, reason: outcome.reason }, `Zoom meeting ${what} failed`);
      if (outcome.status !== 'retry') return;
      if (outcome.counted && meta.attempts >= deps.maxAttempts) {
        deps.logger.error({ bookingId: data.bookingId, attempts: meta.attempts }, `Giving up on Zoom meeting ${what}`);
        return;
      }
      return { retryAt: outcome.at };
    };

  jobs.define(
    JOB_MEETING_SYNC,
    retryable('update', (id) => changes.syncMeeting(id)),
  );
  jobs.define(
    JOB_MEETING_DELETE,
    retryable('deletion', (id) => changes.deleteMeeting(id)),
  );

  async function durableThenInline(
    name: string,
    bookingId: string,
    attempt: () => Promise<{ status: string; at?: Date }>,
  ) {
    const key = `${name}:${bookingId}`;
    await jobs.schedule(name, key, { bookingId }, new Date(now().getTime() + LEASE_GRACE_MS));
    const outcome = await attempt().catch(() => ({ status: 'retry' as const, at: now() }));
    if (outcome.status === 'retry') await jobs.schedule(name, key, { bookingId }, outcome.at ?? now());
    else await jobs.cancel(key);
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
    async sweepUnconfirmed(): Promise<number> {
      const olderThan = new Date(now().getTime() - CONFIRMATION_GRACE_MS);
      const missed = await BookingModel.find(
        {
          status: 'confirmed',
          'meeting.status': 'created',
          confirmationMailedAt: null,
          'meeting.firstAttemptAt': { $lt: olderThan },
        },
        { _id: 1 },
      )
        .limit(200)
        .lean();
      for (const b of missed) await notifier.notify(b._id.toString(), 'confirmed');
      return missed.length;
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
      await durableThenInline(JOB_MEETING_DELETE, bookingId, () => changes.deleteMeeting(bookingId));
      await notifier.notify(bookingId, 'cancelled');
    },
  };
}

export type BookingJobs = ReturnType<typeof createBookingJobs>;
