import type { Clock } from '../../lib/clock';
import { compareAndSet } from '../../db/compare-and-set';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import type { UserService } from '../auth/user.service';
import type { SpecialistService } from '../specialist/specialist.service';
import { toMeetingSettings } from '../specialist/meeting-settings';
import type { MeetingOutcome } from './booking-meeting.service';
import type { MeetingHost } from './meeting-host.service';
import { carriesRef, meetingInput, type MeetingContext } from './meeting-input';
import { decideRetry } from './meeting-retry';
import { CREATE_SETTLE_MS } from './meeting-state';
import type { ZoomApiClient } from '../zoom/zoom-api.client';
import type { ZoomQuota } from '../zoom/zoom-quota.service';
import { ZoomApiError } from '../zoom/zoom.errors';

const AFTER_START_SPACING_MS = 5 * 60_000;

/** What happens to an existing meeting: moved after a reschedule, removed after a cancel, started by its host. */
export function createMeetingChangesService(deps: {
  host: MeetingHost;
  api: ZoomApiClient;
  quota: ZoomQuota;
  clock: Clock;
  users: UserService;
  specialists: SpecialistService;
  /** MEETING_DELETE_GIVE_UP_DAYS: how long past the session's start a removal keeps trying. */
  deleteGiveUpMs: number;
}) {
  const now = () => deps.clock.now();

  /** The meeting context of a booking, read from its parties (the paths that do not already know it). */
  async function contextOf(booking: BookingRecord): Promise<MeetingContext> {
    const [customer, specialist] = await Promise.all([
      booking.guest ?? deps.users.getById(booking.customerId.toString()).catch(() => undefined),
      deps.specialists.profileOf(booking.specialistId.toString()),
    ]);
    return {
      customerName: customer?.name ?? 'a customer',
      timezone: specialist.profile?.timezone ?? specialist.user.timezone,
      settings: toMeetingSettings(specialist.profile),
    };
  }

  /**
   * The job queue spaces the tries (its floor grows with the job's attempts up to the transient cap), so every try
   * asks for the first step. A move gives up on a refusal or once the session has begun; a removal only after
   * MEETING_DELETE_GIVE_UP_DAYS past it (a meeting left behind is a live link to a cancelled session).
   */
  function retryOrFail(error: unknown, booking: BookingRecord, until = booking.start): MeetingOutcome {
    const d = decideRetry(error, { attempts: 1, counted: 0, maxCounted: 2, now: now(), sessionStart: until });
    return 'retryAt' in d
      ? { status: 'retry', at: d.retryAt, counted: d.counted }
      : { status: 'failed', reason: d.giveUp };
  }

  /** Every meeting in the host's calendar made for this booking (by its reference), and the saved one. */
  async function meetingsOf(booking: BookingRecord): Promise<string[]> {
    const ids = new Set(booking.zoomMeetingId ? [booking.zoomMeetingId] : []);
    const hostUserId = booking.meeting.hostZoomUserId;
    // A repair's create whose answer was lost may have made a replacement the booking does not point at.
    const unclear =
      !booking.zoomMeetingId ||
      booking.meeting.status !== 'created' ||
      booking.meeting.attempts > 1 ||
      Boolean(booking.meeting.repairCreateCalledAt);
    if (unclear && booking.meeting.firstAttemptAt && hostUserId) {
      const listed = await deps.host.call(booking.specialistId.toString(), (tk) =>
        deps.api.listAllMeetings(tk, hostUserId),
      );
      for (const m of listed) if (carriesRef(m, booking._id.toString())) ids.add(m.id);
    }
    return [...ids];
  }

  return {
    contextOf,

    /** Pushes the booking's current time (and topic) to Zoom after a reschedule or an adopted meeting that differs. */
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
      const specialistId = booking.specialistId.toString();
      const version = { _id: bookingId, status: 'confirmed', sequence: booking.sequence };
      try {
        const quota = await deps.quota.reserve(deps.host.quotaKey(specialistId, booking.meeting.hostZoomUserId ?? ''));
        if (!quota.ok) {
          await compareAndSet(BookingModel, version, { $set: { 'meeting.quotaResumeAt': quota.resumeAt } });
          // A move Zoom could only take after the session has begun helps nobody (the booking keeps showing why).
          if (quota.resumeAt >= booking.start)
            return {
              status: 'failed',
              reason: 'The host’s daily Zoom quota is used up until after the session starts',
            };
          return { status: 'retry', at: quota.resumeAt };
        }
        const input = meetingInput(booking, await contextOf(booking));
        await deps.host.call(specialistId, (tk) =>
          deps.api.updateMeeting(tk, booking.zoomMeetingId!, {
            topic: input.topic,
            agenda: input.agenda,
            start_time: input.start_time,
            duration: input.duration,
            timezone: input.timezone,
          }),
        );
        // Only the version just pushed counts as synced; a newer move keeps its own job.
        await compareAndSet(BookingModel, version, {
          $set: { 'meeting.syncedSequence': booking.sequence, 'meeting.quotaResumeAt': null },
        });
        return { status: 'updated' };
      } catch (error) {
        return retryOrFail(error, booking);
      }
    },

    /**
     * Removes every meeting made for a cancelled booking: the saved one and any an interrupted or timed-out create
     * left behind (found by the reference). While such a create may still finish at Zoom, it looks again later.
     */
    async deleteMeeting(bookingId: string): Promise<MeetingOutcome> {
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (!booking || booking.status !== 'cancelled' || booking.meeting.zoomDeleted) return { status: 'skipped' };
      if (booking.meeting.deleteGaveUpAt) return { status: 'skipped' };
      const specialistId = booking.specialistId.toString();
      const giveUpAt = new Date(booking.start.getTime() + deps.deleteGiveUpMs);
      try {
        for (const meetingId of await meetingsOf(booking)) {
          await deps.host
            .call(specialistId, (tk) => deps.api.deleteMeeting(tk, meetingId))
            .catch((error: unknown) => {
              // A meeting Zoom no longer knows is removed.
              if (!(error instanceof ZoomApiError && error.zoomStatus === 404)) throw error;
            });
        }
      } catch (error) {
        const outcome = retryOrFail(error, booking, giveUpAt);
        // Past the session nobody joins any more: a removal every few minutes is soon enough, and spares Zoom.
        const floor = now().getTime() + AFTER_START_SPACING_MS;
        if (outcome.status === 'retry' && now() >= booking.start && outcome.at.getTime() < floor)
          return { ...outcome, at: new Date(floor) };
        return outcome;
      }
      const calledAt = booking.meeting.createCalledAt ?? booking.meeting.firstAttemptAt;
      const settled = calledAt ? calledAt.getTime() + CREATE_SETTLE_MS : 0;
      if (booking.meeting.status !== 'created' && booking.meeting.firstAttemptAt && now().getTime() < settled)
        return { status: 'retry', at: new Date(settled) };
      const repairSettled = (booking.meeting.repairCreateCalledAt?.getTime() ?? 0) + CREATE_SETTLE_MS;
      if (booking.meeting.repairCreateCalledAt && now().getTime() < repairSettled)
        return { status: 'retry', at: new Date(repairSettled) };
      await compareAndSet(
        BookingModel,
        { _id: bookingId, status: 'cancelled', sequence: booking.sequence },
        { $set: { 'meeting.zoomDeleted': true, 'meeting.status': 'cancelled', 'meeting.lockedUntil': null } },
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
