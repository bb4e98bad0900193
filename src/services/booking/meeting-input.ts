import type { BookingRecord } from '../../models/booking.model';
import type { ZoomMeetingInput } from '../zoom/zoom-api.schemas';

/** What a meeting needs beyond the booking: the customer's name (default topic) and the specialist's zone. */
export interface MeetingContext {
  customerName: string;
  timezone: string;
}

/** Zoom has no idempotency key: the topic carries the booking reference so a retry can find what it made. */
export const meetingRef = (bookingId: string) => `[ref:${bookingId}]`;

/** The topic the customer gave (else "Session with <customer>"), the notes as agenda, the specialist's zone. */
export function meetingInput(booking: BookingRecord, ctx: MeetingContext): ZoomMeetingInput {
  const topic = booking.topic ?? `Session with ${ctx.customerName}`;
  return {
    topic: `${topic} ${meetingRef(booking._id.toString())}`.slice(-200),
    type: 2,
    start_time: booking.start.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    duration: booking.durationMinutes,
    timezone: ctx.timezone,
    agenda: booking.notes ?? '',
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
