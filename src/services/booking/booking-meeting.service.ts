import type { Clock } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { compareAndSet } from '../../db/compare-and-set';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import type { UserService } from '../auth/user.service';
import { backoffMs } from '../jobs/backoff';
import type { SpecialistService } from '../specialist/specialist.service';
import type { MeetingHost } from './meeting-host.service';
import type { ZoomApiClient } from '../zoom/zoom-api.client';
import {
  TokenWaitTimeoutError,
  ZoomApiError,
  ZoomNotConnectedError,
  ZoomTokenRejectedError,
} from '../zoom/zoom.errors';
import type { ZoomMeetingInput } from '../zoom/zoom-api.schemas';

export type MeetingOutcome =
  | { status: 'created'; needsSync?: boolean }
  | { status: 'updated' | 'deleted' }
  | { status: 'skipped' | 'failed' | 'cancelled'; reason?: string }
  | { status: 'retry'; at: Date };

const LOCK_MS = 120_000;
const ref = (bookingId: string) => `[ref:${bookingId}]`;

/**
 * Creates, moves and removes the Zoom meeting of a booking. Zoom has no idempotency key, so the topic carries the
 * booking reference: an attempt after an interrupted one first looks for a meeting it may already have made.
 */
export function createBookingMeetingService(deps: {
  host: MeetingHost;
  api: ZoomApiClient;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
  users: UserService;
  specialists: SpecialistService;
}) {
  const now = () => deps.clock.now();

  /** The topic the customer gave (else "Session with <customer>"), the notes as agenda, the specialist's zone. */
  async function describe(booking: BookingRecord) {
    const [customer, specialist] = await Promise.all([
      deps.users.getById(booking.customerId.toString()).catch(() => undefined),
      deps.specialists.profileOf(booking.specialistId.toString()),
    ]);
    return {
      topic: booking.topic ?? `Session with ${customer?.name ?? 'a customer'}`,
      agenda: booking.notes ?? '',
      timezone: specialist.profile?.timezone ?? specialist.user.timezone,
    };
  }

  async function meetingInput(booking: BookingRecord): Promise<ZoomMeetingInput> {
    const d = await describe(booking);
    return {
      topic: `${d.topic} ${ref(booking._id.toString())}`.slice(-200),
      type: 2,
      start_time: booking.start.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      duration: booking.durationMinutes,
      timezone: d.timezone,
      agenda: d.agenda,
      settings: {
        join_before_host: false,
        waiting_room: true,
        host_video: true,
        participant_video: true,
        mute_upon_entry: true,
        approval_type: 2,
        audio: 'both',
        auto_recording: 'none',
      },
    };
  }

  /** The Zoom meeting carrying this booking's reference, looked up page by page in the host's calendar. */
  async function findByRef(specialistId: string, hostUserId: string, bookingId: string): Promise<string | undefined> {
    const meetings = await deps.host.call(specialistId, (tk) => deps.api.listAllMeetings(tk, hostUserId));
    return meetings.find((m) => m.topic?.endsWith(ref(bookingId)))?.id;
  }

  function retryAtFor(error: unknown, attempts: number): Date | undefined {
    // A token rejected twice in a row is usually a refresh race or a brief Zoom hiccup: try again later.
    // Waiting too long for another process's token refresh is just as temporary.
    if (error instanceof ZoomTokenRejectedError || error instanceof TokenWaitTimeoutError) {
      return new Date(now().getTime() + backoffMs(attempts));
    }
    if (error instanceof ZoomApiError && error.retryable)
      return error.retryAt ?? new Date(now().getTime() + backoffMs(attempts));
    if (error instanceof ZoomNotConnectedError)
      return new Date(now().getTime() + backoffMs(attempts, 5 * 60_000, 6 * 3_600_000));
    if (error instanceof AppError) return undefined; // a refusal that will not change by waiting
    return new Date(now().getTime() + backoffMs(attempts));
  }

  return {
    async ensureMeeting(bookingId: string): Promise<MeetingOutcome> {
      const t = now();
      const claimed = await compareAndSet(
        BookingModel,
        {
          _id: bookingId,
          status: 'confirmed',
          'meeting.status': 'pending',
          $or: [{ 'meeting.lockedUntil': null }, { 'meeting.lockedUntil': { $lte: t } }],
        },
        { $set: { 'meeting.lockedUntil': new Date(t.getTime() + LOCK_MS) }, $inc: { 'meeting.attempts': 1 } },
      );
      const booking = claimed ? await BookingModel.findById(bookingId).lean<BookingRecord>() : null;
      if (!booking) return { status: 'skipped' };
      const specialistId = booking.specialistId.toString();
      try {
        // The host is fixed by the first attempt, so a retry searches (and never duplicates in) the same calendar.
        const hostUserId = booking.meeting.hostZoomUserId ?? (await deps.host.hostUserId(specialistId));
        let meeting;
        if (booking.meeting.firstAttemptAt) {
          // An earlier attempt may have created the meeting and died before saving it.
          const found = await findByRef(specialistId, hostUserId, bookingId);
          if (found) meeting = await deps.host.call(specialistId, (tk) => deps.api.getMeeting(tk, found));
        } else {
          await BookingModel.updateOne(
            { _id: bookingId },
            { $set: { 'meeting.firstAttemptAt': t, 'meeting.hostZoomUserId': hostUserId } },
          );
        }
        meeting ??= await deps.host.call(specialistId, async (tk) =>
          deps.api.createMeeting(tk, hostUserId, await meetingInput(booking)),
        );
        const saved = await compareAndSet(
          BookingModel,
          { _id: bookingId, status: 'confirmed', 'meeting.status': 'pending' },
          {
            $set: {
              zoomMeetingId: meeting.id,
              zoomJoinUrl: meeting.join_url,
              'meeting.status': 'created',
              'meeting.lockedUntil': null,
              'meeting.lastError': null,
              'meeting.nextAttemptAt': null,
              'meeting.syncedSequence': booking.sequence,
            },
          },
        );
        if (!saved) {
          // Cancelled while Zoom was creating it: remember the meeting so the delete job removes it.
          await BookingModel.updateOne(
            { _id: bookingId },
            { $set: { zoomMeetingId: meeting.id, 'meeting.lockedUntil': null } },
          );
          return { status: 'cancelled' };
        }
        const current = await BookingModel.findById(bookingId, { sequence: 1 }).lean();
        // Rescheduled while Zoom was creating it at the old time: push the new time.
        return { status: 'created', needsSync: (current?.sequence ?? 0) > booking.sequence };
      } catch (error) {
        const message = (error as Error).message;
        const attempts = booking.meeting.attempts;
        const retryAt = attempts < deps.maxAttempts ? retryAtFor(error, attempts) : undefined;
        await BookingModel.updateOne(
          { _id: bookingId },
          {
            $set: {
              'meeting.status': retryAt ? 'pending' : 'failed',
              'meeting.lockedUntil': null,
              'meeting.lastError': message,
              'meeting.nextAttemptAt': retryAt ?? null,
            },
          },
        );
        deps.logger.warn({ bookingId, attempts, retryAt, err: message }, 'Zoom meeting creation failed');
        return retryAt ? { status: 'retry', at: retryAt } : { status: 'failed', reason: message };
      }
    },

    /** Pushes the booking's current time to Zoom (after a reschedule). */
    async syncMeeting(bookingId: string): Promise<MeetingOutcome> {
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (
        !booking ||
        booking.status !== 'confirmed' ||
        booking.meeting.status !== 'created' ||
        !booking.zoomMeetingId
      ) {
        return { status: 'skipped' };
      }
      if (booking.meeting.syncedSequence >= booking.sequence) return { status: 'skipped' };
      try {
        const input = await meetingInput(booking);
        await deps.host.call(booking.specialistId.toString(), (tk) =>
          deps.api.updateMeeting(tk, booking.zoomMeetingId!, {
            start_time: input.start_time,
            duration: input.duration,
            timezone: input.timezone,
          }),
        );
        await BookingModel.updateOne(
          { _id: bookingId, sequence: booking.sequence },
          { $set: { 'meeting.syncedSequence': booking.sequence } },
        );
        return { status: 'updated' };
      } catch (error) {
        const retryAt = retryAtFor(error, 1);
        return retryAt ? { status: 'retry', at: retryAt } : { status: 'failed', reason: (error as Error).message };
      }
    },

    /** Removes the meeting of a cancelled booking; a meeting Zoom no longer knows counts as removed. */
    async deleteMeeting(bookingId: string): Promise<MeetingOutcome> {
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (!booking || booking.status !== 'cancelled' || booking.meeting.zoomDeleted) return { status: 'skipped' };
      const specialistId = booking.specialistId.toString();
      try {
        let meetingId = booking.zoomMeetingId ?? undefined;
        // An interrupted create may have left a meeting we never saved: find it by its reference.
        if (!meetingId && booking.meeting.firstAttemptAt && booking.meeting.hostZoomUserId) {
          meetingId = await findByRef(specialistId, booking.meeting.hostZoomUserId, bookingId);
        }
        if (!meetingId) return { status: 'skipped' };
        await deps.host.call(specialistId, (tk) => deps.api.deleteMeeting(tk, meetingId));
      } catch (error) {
        if (!(error instanceof ZoomApiError && error.zoomStatus === 404)) {
          const retryAt = retryAtFor(error, 1);
          return retryAt ? { status: 'retry', at: retryAt } : { status: 'failed', reason: (error as Error).message };
        }
      }
      await BookingModel.updateOne(
        { _id: bookingId },
        { $set: { 'meeting.zoomDeleted': true, 'meeting.status': 'cancelled' } },
      );
      return { status: 'deleted' };
    },

    /** Zoom's start_url dies after 2 hours: fetch a fresh one every time (GET /meetings/{id}). */
    async freshStartUrl(booking: BookingRecord): Promise<string> {
      const meeting = await deps.host.call(booking.specialistId.toString(), (tk) =>
        deps.api.getMeeting(tk, booking.zoomMeetingId!),
      );
      if (!meeting.start_url)
        throw new ZoomApiError('Zoom returned no start_url', { zoomStatus: 200, retryable: true });
      return meeting.start_url;
    },
  };
}

export type BookingMeetingService = ReturnType<typeof createBookingMeetingService>;
