import type { BookingRecord } from '../../models/booking.model';

export type { ZoomQuota } from '../zoom/zoom-quota.service';

/**
 * The ledger key of the host whose daily quota a booking's meeting calls use, the same as MeetingHost.quotaKey: the
 * Zoom user in s2s mode, else the specialist (whose grant hosts every meeting).
 */
export function quotaKeyOf(booking: Pick<BookingRecord, 'specialistId' | 'meeting'>): string {
  const host = booking.meeting.hostZoomUserId;
  return booking.meeting.provider === 's2s' && host
    ? `zoom-user:${host.toLowerCase()}`
    : `specialist:${booking.specialistId.toString()}`;
}
