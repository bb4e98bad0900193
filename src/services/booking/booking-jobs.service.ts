import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { BookingModel } from '../../models/booking.model';
import type { BookingMeetingService } from './booking-meeting.service';
import type { BookingNotifier } from './booking-notification.service';
import type { JobQueue } from '../jobs/job-queue';

export const JOB_MEETING_CREATE = 'booking-meeting-create';
export const JOB_MEETING_SYNC = 'booking-meeting-sync';
export const JOB_MEETING_DELETE = 'booking-meeting-delete';
const LEASE_GRACE_MS = 150_000;
/** Longer than any request that saves a meeting and then queues its confirmation mail. */
const CONFIRMATION_GRACE_MS = 5 * 60_000;

/**
 * The durable follow-ups of a booking change. Each is a job keyed by booking, so it happens once, survives
 * crashes and retries with backoff; the request path may also try it inline for a fast answer.
 */
export function createBookingJobs(deps: {
  jobs: JobQueue;
  meetings: BookingMeetingService;
  notifier: BookingNotifier;
  logger: Logger;
  clock: Clock;
  maxAttempts: number;
}) {
  const { jobs, meetings, notifier } = deps;
  const now = () => deps.clock.now();

  const scheduleFor = (name: string, bookingId: string, at: Date) =>
    jobs.schedule(name, `${name}:${bookingId}`, { bookingId }, at);

  async function createMeeting(bookingId: string): Promise<void | { retryAt: Date }> {
    const outcome = await meetings.ensureMeeting(bookingId);
    if (outcome.status === 'retry') return { retryAt: outcome.at };
    if (outcome.status === 'failed') await notifier.notifyMeetingFailed(bookingId, outcome.reason ?? 'unknown');
    // Cancelled while Zoom was creating it: the meeting Zoom made must go.
    if (outcome.status === 'cancelled') await scheduleFor(JOB_MEETING_DELETE, bookingId, now());
    if (outcome.status === 'created') {
      if (outcome.needsSync) await scheduleFor(JOB_MEETING_SYNC, bookingId, now());
      await notifier.notify(bookingId, 'confirmed');
    }
  }

  /** Sync and delete retry with backoff and give up (loudly) after the same number of attempts as creation. */
  const retryable =
    (what: string, fn: (id: string) => Promise<{ status: string; at?: Date; reason?: string }>) =>
    async (data: Record<string, string>, meta: { attempts: number }) => {
      const outcome = await fn(data.bookingId!);
      if (outcome.status === 'failed')
        deps.logger.error({ bookingId: data.bookingId, reason: outcome.reason }, `Zoom meeting ${what} failed`);
      if (outcome.status !== 'retry' || !outcome.at) return;
      if (meta.attempts >= deps.maxAttempts) {
        deps.logger.error({ bookingId: data.bookingId, attempts: meta.attempts }, `Giving up on Zoom meeting ${what}`);
        return;
      }
      return { retryAt: outcome.at };
    };

  jobs.define(JOB_MEETING_CREATE, (data) => createMeeting(data.bookingId!));
  jobs.define(
    JOB_MEETING_SYNC,
    retryable('update', (id) => meetings.syncMeeting(id)),
  );
  jobs.define(
    JOB_MEETING_DELETE,
    retryable('deletion', (id) => meetings.deleteMeeting(id)),
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
     * Durable first, then an immediate attempt in this request. The job waits out LEASE_GRACE_MS so it does not
     * race the inline attempt; if this process dies meanwhile, another instance creates the meeting.
     */
    async meetingNeeded(bookingId: string): Promise<void> {
      const key = `${JOB_MEETING_CREATE}:${bookingId}`;
      await jobs.schedule(JOB_MEETING_CREATE, key, { bookingId }, new Date(now().getTime() + LEASE_GRACE_MS));
      const result = await createMeeting(bookingId).catch((error) => {
        deps.logger.warn({ bookingId, err: error }, 'Inline meeting creation failed; the job will retry');
        return undefined;
      });
      const booking = await BookingModel.findById(bookingId, { meeting: 1 }).lean();
      if (booking?.meeting.status === 'pending') {
        const at = result && 'retryAt' in result ? result.retryAt : now();
        await jobs.schedule(JOB_MEETING_CREATE, key, { bookingId }, at);
      } else {
        await jobs.cancel(key);
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

    /** Meetings that waited (e.g. for a reconnect) are tried again now rather than at their backoff time. */
    async retryPendingMeetings(specialistId: string): Promise<void> {
      const pending = await BookingModel.find(
        { specialistId, status: 'confirmed', 'meeting.status': 'pending' },
        { _id: 1 },
      ).lean();
      for (const b of pending) {
        const id = b._id.toString();
        await jobs.schedule(JOB_MEETING_CREATE, `${JOB_MEETING_CREATE}:${id}`, { bookingId: id }, now());
      }
    },

    async rescheduled(bookingId: string): Promise<void> {
      await durableThenInline(JOB_MEETING_SYNC, bookingId, () => meetings.syncMeeting(bookingId));
      await notifier.notify(bookingId, 'rescheduled');
    },

    async cancelled(bookingId: string): Promise<void> {
      await jobs.cancel(`${JOB_MEETING_CREATE}:${bookingId}`);
      await durableThenInline(JOB_MEETING_DELETE, bookingId, () => meetings.deleteMeeting(bookingId));
      await notifier.notify(bookingId, 'cancelled');
    },
  };
}

export type BookingJobs = ReturnType<typeof createBookingJobs>;
