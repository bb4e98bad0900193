import type { BookingRecord } from '../../models/booking.model';
import type { UserRole } from '../../models/user.model';

export interface Viewer {
  userId: string;
  role: UserRole;
}

export interface BookingDto {
  id: string;
  specialistId: string;
  customerId: string;
  start: string;
  end: string;
  durationMinutes: number;
  topic: string | null;
  notes: string | null;
  status: string;
  sequence: number;
  cancelledAt: string | null;
  meeting: {
    status: string;
    provider: string;
    zoomMeetingId: string | null;
    joinUrl: string | null;
    /** Our start link (fresh Zoom start_url on every visit); the specialist and admins only. */
    startUrl?: string | null;
    attempts: number;
    lastError?: string | null;
  };
  createdAt: string;
}

/** The only shape a booking leaves the service in. A customer never sees anything that starts the meeting. */
export function toBookingDto(b: BookingRecord, viewer: Viewer, publicBaseUrl = ''): BookingDto {
  const id = b._id.toString();
  const host = viewer.role === 'admin' || viewer.userId === b.specialistId.toString();
  return {
    id,
    specialistId: b.specialistId.toString(),
    customerId: b.customerId.toString(),
    start: b.start.toISOString(),
    end: b.end.toISOString(),
    durationMinutes: b.durationMinutes,
    topic: b.topic ?? null,
    notes: b.notes ?? null,
    status: b.status,
    sequence: b.sequence,
    cancelledAt: b.cancelledAt ? b.cancelledAt.toISOString() : null,
    meeting: {
      // A move waiting for the host's daily Zoom quota is shown like a create waiting for it.
      status: b.meeting.quotaResumeAt && b.status === 'confirmed' ? 'waiting_for_quota' : b.meeting.status,
      provider: b.meeting.provider,
      zoomMeetingId: b.zoomMeetingId ?? null,
      joinUrl: b.status === 'confirmed' ? (b.zoomJoinUrl ?? null) : null,
      ...(host
        ? {
            startUrl: b.status === 'confirmed' && b.zoomMeetingId ? `${publicBaseUrl}/api/bookings/${id}/start` : null,
            lastError: b.meeting.lastError ?? null,
          }
        : {}),
      attempts: b.meeting.attempts,
    },
    createdAt: b.createdAt.toISOString(),
  };
}
