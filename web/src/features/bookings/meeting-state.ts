import type { Booking } from '../../lib/api-types';

/**
 * The meeting's state in words. Zoom answers after the booking is stored, so "pending" is a normal first state. The
 * switch names every status and has no default: a status the server adds is a compile error here, not a wrong word.
 */
export function meetingStateText(booking: Booking): string {
  if (booking.status === 'cancelled') return 'Cancelled';
  switch (booking.meeting.status) {
    case 'pending':
      return 'Meeting link pending';
    case 'created':
      return 'Zoom meeting ready';
    case 'waiting_for_quota':
      // The server shows a move waiting for the quota the same way: the meeting (and its link) exists, its new time
      // does not reach Zoom yet.
      return booking.meeting.joinUrl
        ? "Zoom meeting ready; Zoom's daily limit is reached, so its new time is sent to Zoom after 00:00 UTC"
        : "Waiting for Zoom's daily limit: the meeting is made after 00:00 UTC";
    case 'failed':
      return 'The Zoom meeting could not be created; the specialist has been told.';
    case 'cancelled':
      return 'Cancelled';
  }
}

/**
 * Who the booking is with, as the viewer sees it: the API sends the customer the specialist's name, the specialist
 * the customer's name and email, and admins both.
 */
export function withWhom(booking: Booking): string | undefined {
  const { specialistName, customerName, customerEmail } = booking;
  const customer = customerName && (customerEmail ? `${customerName} (${customerEmail})` : customerName);
  if (specialistName && customer) return `${customer} with ${specialistName}`;
  if (specialistName) return `with ${specialistName}`;
  if (customer) return `with ${customer}`;
  return undefined;
}

/** Keep asking while Zoom has not answered yet. */
export const shouldPoll = (booking: Booking | undefined) =>
  Boolean(booking && booking.status === 'confirmed' && booking.meeting.status === 'pending');

export const POLL_MS = 3000;

/** Changes are only offered for bookings that have not started. */
export const canChange = (booking: Booking, now: Date) => booking.status === 'confirmed' && Date.parse(booking.start) > now.getTime();
