import type { BookingRecord } from '../../models/booking.model';

/**
 * The per-host, per-UTC-day ledger of meeting create/update calls (Zoom allows 100 per host and day). Declared here
 * with the same shape as `ZoomQuota` in services/zoom/zoom-quota.service.ts, which is wired in at composition.
 */
export interface ZoomQuota {
  reserve(hostKey: string): Promise<{ ok: true } | { ok: false; resumeAt: Date }>;
}

/** The host whose daily quota a booking's meeting calls use: its Zoom user in s2s mode, else the specialist's grant. */
export function quotaKeyOf(booking: Pick<BookingRecord, 'specialistId' | 'meeting'>): string {
  const host = booking.meeting.hostZoomUserId;
  return host && host !== 'me' ? host : booking.specialistId.toString();
}
