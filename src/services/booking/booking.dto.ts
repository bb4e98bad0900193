import type { BookingRecord } from '../../models/booking.model';
import type { UserRole } from '../../models/user.model';
import { hostedBySharedUser } from './meeting-host.service';

export interface Viewer {
  userId: string;
  role: UserRole;
  /**
   * The address the viewer has proven (a verified account's email, the address a manage link was mailed to, a guest's
   * code): a customer sees guest bookings made with this address only (customerMaySee).
   */
  provenEmail?: string | null;
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
  /** Booked without an account, with an emailed code (it belongs to that address). */
  bookedAsGuest: boolean;
  /** The counterpart by name (see withParties): the customer sees the specialist's, the specialist the customer's. */
  specialistName?: string;
  customerName?: string;
  /** The specialist and admins only. */
  customerEmail?: string;
}

/** A party of a booking as another party may see them. */
export interface PartyContact {
  name: string;
  /** Absent where only the name was needed (a specialist, as the customer sees them). */
  email?: string;
}

/** Where start links point; in s2s mode, the shared host whose meetings the specialist may not start. */
export interface BookingLinks {
  publicBaseUrl: string;
  sharedHostUser?: string;
}

/**
 * The only shape a booking leaves the service in. A customer never sees anything that starts the meeting, nor does
 * the specialist of a meeting held by the shared s2s host (only admins and that host start it; they join).
 */
export function toBookingDto(
  b: BookingRecord,
  viewer: Viewer,
  links: BookingLinks = { publicBaseUrl: '' },
): BookingDto {
  const id = b._id.toString();
  const admin = viewer.role === 'admin';
  const host = admin || viewer.userId === b.specialistId.toString();
  const startable = admin || !hostedBySharedUser(b, links.sharedHostUser);
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
            startUrl:
              startable && b.status === 'confirmed' && b.zoomMeetingId
                ? `${links.publicBaseUrl}/api/bookings/${id}/start`
                : null,
            lastError: b.meeting.lastError ?? null,
          }
        : {}),
      attempts: b.meeting.attempts,
    },
    createdAt: b.createdAt.toISOString(),
    bookedAsGuest: Boolean(b.guest),
    // A guest is named as they gave their name when booking (the record's own name may be a later sign-up's).
    ...(host && b.guest ? { customerName: b.guest.name, customerEmail: b.guest.email } : {}),
  };
}

/**
 * Adds who the booking is with, as each party expects to see it: the customer gets the specialist's name, the
 * specialist the customer's name and email, admins both. Anybody else gets nothing (they never see the booking).
 * A party whose account is gone is left out rather than invented.
 */
export function withParties(dto: BookingDto, viewer: Viewer, people: ReadonlyMap<string, PartyContact>): BookingDto {
  const admin = viewer.role === 'admin';
  const named: BookingDto = { ...dto };
  const specialist = people.get(dto.specialistId);
  const customer = people.get(dto.customerId);
  if (specialist && (admin || viewer.userId === dto.customerId)) named.specialistName = specialist.name;
  if (customer && !named.customerName && (admin || viewer.userId === dto.specialistId)) {
    named.customerName = customer.name;
    if (customer.email) named.customerEmail = customer.email;
  }
  return named;
}

/** Whose names `withParties` needs for this viewer (no read at all for someone who is neither party). */
export function counterpartIds(dto: BookingDto, viewer: Viewer): string[] {
  const customer = dto.customerName ? [] : [dto.customerId]; // a guest is named already
  if (viewer.role === 'admin') return [dto.specialistId, ...customer];
  if (viewer.userId === dto.customerId) return [dto.specialistId];
  if (viewer.userId === dto.specialistId) return customer;
  return [];
}
