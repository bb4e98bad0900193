import type { Clock } from '../../lib/clock';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import type { UserService } from '../auth/user.service';
import type { SpecialistService } from '../specialist/specialist.service';
import type { MeetingOutcome } from './booking-meeting.service';
import type { MeetingHost } from './meeting-host.service';
import { meetingInput, meetingRef, type MeetingContext } from './meeting-input';
import { decideRetry } from './meeting-retry';
import type { ZoomApiClient } from '../zoom/zoom-api.client';
import { ZoomApiError } from '../zoom/zoom.errors';

/** What happens to an existing meeting: moved after a reschedule, removed after a cancel, started by its host. */
export function createMeetingChangesService(deps: {
  host: MeetingHost;
  api: ZoomApiClient;
  clock: Clock;
  users: UserService;
  specialists: SpecialistService;
}) {
  const now = () => deps.clock.now();

  /** The meeting context of a booking, read from its parties (the paths that do not already know it). */
  async function contextOf(booking: BookingRecord): Promise<MeetingContext> {
    const [customer, specialist] = await Promise.all([
      deps.users.getById(booking.customerId.toString()).catch(() => undefined),
      deps.specialists.profileOf(booking.specialistId.toString()),
    ]);
    return {
      customerName: customer?.name ?? 'a customer',
      timezone: specialist.profile?.timezone ?? specialist.user.timezone,
    };
  }

  /**
   * The job queue spaces the tries (its floor grows with the job's attempts up to the transient cap), so every try
   * asks for the first step. A move or removal gives up on a refusal, or once the session has begun.
   */
  function retryOrFail(error: unknown, booking: BookingRecord): MeetingOutcome {
    const d = decideRetry(error, { attempts: 1, counted: 0, maxCounted: 2, now: now(), sessionStart: booking.start });
    return 'retryAt' in d
      ? { status: 'retry', at: d.retryAt, counted: d.counted }
      : { status: 'failed', reason: d.giveUp };
  }

  return {
    contextOf,

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
        const input = meetingInput(booking, await contextOf(booking));
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
        return retryOrFail(error, booking);
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
          const hostUserId = booking.meeting.hostZoomUserId;
          const meetings = await deps.host.call(specialistId, (tk) => deps.api.listAllMeetings(tk, hostUserId));
          meetingId = meetings.find((m) => m.topic?.endsWith(meetingRef(bookingId)))?.id;
        }
        if (!meetingId) return { status: 'skipped' };
        await deps.host.call(specialistId, (tk) => deps.api.deleteMeeting(tk, meetingId));
      } catch (error) {
        if (!(error instanceof ZoomApiError && error.zoomStatus === 404)) return retryOrFail(error, booking);
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

export type MeetingChangesService = ReturnType<typeof createMeetingChangesService>;
