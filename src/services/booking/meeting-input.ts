import type { BookingRecord } from '../../models/booking.model';
import type { ZoomMeetingInput } from '../zoom/zoom-api.schemas';

/** A host-controlled Zoom setting: `zoom_default` leaves it to the host's own Zoom settings, else our value. */
export interface MeetingSettings {
  autoRecording: 'zoom_default' | 'none' | 'local' | 'cloud';
  waitingRoom: 'zoom_default' | boolean;
  joinBeforeHost: 'zoom_default' | boolean;
  muteUponEntry: 'zoom_default' | boolean;
}

export const ZOOM_DEFAULT_SETTINGS: MeetingSettings = {
  autoRecording: 'zoom_default',
  waitingRoom: 'zoom_default',
  joinBeforeHost: 'zoom_default',
  muteUponEntry: 'zoom_default',
};

/** What a meeting needs beyond the booking: the customer's name (default topic), the specialist's zone and settings. */
export interface MeetingContext {
  customerName: string;
  timezone: string;
  /** The specialist's overrides; absent or `zoom_default` sends nothing (the host's Zoom settings apply). */
  settings?: Partial<MeetingSettings> | null;
}

/**
 * Zoom has no idempotency key: the agenda carries the booking reference so a retry (or the reconcile sweep) can
 * find what an interrupted create made. It leads the agenda because Zoom's meeting list truncates agendas to 250
 * characters; it stays out of the topic, which every participant sees.
 */
export const meetingRef = (bookingId: string) => `[ref:${bookingId}]`;

/** Whether a Zoom meeting (as listed or read) was made for this booking; older meetings carry the ref in the topic. */
export const carriesRef = (m: { topic?: string | null; agenda?: string | null }, bookingId: string) =>
  Boolean(m.agenda?.includes(meetingRef(bookingId)) || m.topic?.includes(meetingRef(bookingId)));

export const meetingTopic = (booking: Pick<BookingRecord, 'topic'>, ctx: Pick<MeetingContext, 'customerName'>) =>
  (booking.topic ?? `Session with ${ctx.customerName}`).slice(0, 200);

const zoomStartTime = (start: Date) => start.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Only the settings the specialist overrode (since March 2025 Zoom applies the host's own settings to whatever a
 * create leaves out: https://developers.zoom.us/changelog/). Nothing at all by default.
 */
export function zoomSettings(settings: Partial<MeetingSettings> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!settings) return out;
  if (settings.autoRecording && settings.autoRecording !== 'zoom_default') out.auto_recording = settings.autoRecording;
  if (typeof settings.waitingRoom === 'boolean') out.waiting_room = settings.waitingRoom;
  if (typeof settings.joinBeforeHost === 'boolean') out.join_before_host = settings.joinBeforeHost;
  if (typeof settings.muteUponEntry === 'boolean') out.mute_upon_entry = settings.muteUponEntry;
  return out;
}

/** The topic the customer gave (else "Session with <customer>"), the reference and notes as agenda, the zone. */
export function meetingInput(booking: BookingRecord, ctx: MeetingContext): ZoomMeetingInput {
  const ref = meetingRef(booking._id.toString());
  const settings = zoomSettings(ctx.settings);
  return {
    topic: meetingTopic(booking, ctx),
    type: 2,
    start_time: zoomStartTime(booking.start),
    duration: booking.durationMinutes,
    timezone: ctx.timezone,
    agenda: (booking.notes ? `${ref}\n${booking.notes}` : ref).slice(0, 2000),
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
  };
}

/**
 * The fields of a meeting Zoom holds that differ from the booking (an adopted meeting made at an older time, or one
 * whose reference is still in its topic), as the PATCH that sets them right; undefined when nothing differs.
 */
export function meetingDrift(
  zoom: { start_time?: string; duration?: number; topic?: string },
  booking: BookingRecord,
  ctx: MeetingContext,
): Partial<ZoomMeetingInput> | undefined {
  const want = meetingInput(booking, ctx);
  const sameStart = zoom.start_time !== undefined && Date.parse(zoom.start_time) === booking.start.getTime();
  if (sameStart && zoom.duration === want.duration && zoom.topic === want.topic) return undefined;
  return {
    topic: want.topic,
    agenda: want.agenda,
    start_time: want.start_time,
    duration: want.duration,
    timezone: want.timezone,
  };
}
