import { Types } from 'mongoose';
import type { BookingRecord } from '../../models/booking.model';
import type { Party } from '../mail/booking-mail.templates';

/**
 * A new booking exactly as stored: every field, the schema's defaults included, so it can be inserted without
 * mongoose hydrating it (lean) and answered without reading it back.
 */
export function newBookingRecord(b: {
  _id: Types.ObjectId;
  specialistId: string;
  customerId: string;
  start: Date;
  end: Date;
  durationMinutes: number;
  topic: string | null;
  notes: string | null;
  idempotencyKey: string | null;
  meeting: Omit<BookingRecord['meeting'], 'lastError' | 'syncedSequence' | 'zoomDeleted'>;
  guest: BookingRecord['guest'];
  at: Date;
}): BookingRecord {
  return {
    _id: b._id,
    specialistId: new Types.ObjectId(b.specialistId),
    customerId: new Types.ObjectId(b.customerId),
    start: b.start,
    end: b.end,
    durationMinutes: b.durationMinutes,
    topic: b.topic,
    notes: b.notes,
    status: 'confirmed',
    cancelledAt: null,
    cancelledBy: null,
    sequence: 0,
    idempotencyKey: b.idempotencyKey,
    zoomMeetingId: null,
    zoomJoinUrl: null,
    meeting: { ...b.meeting, lastError: null, syncedSequence: 0, zoomDeleted: false },
    confirmationMailedAt: null,
    customerMoves: 0,
    staleCellsSince: null,
    guest: b.guest ?? null,
    createdAt: b.at,
    updatedAt: b.at,
  };
}

/** A person as the mails address them, from a user record or DTO. */
export function partyOf(u: { _id?: unknown; id?: string; name: string; email: string; timezone: string }): Party {
  return { id: u.id ?? String(u._id), name: u.name, email: u.email, timezone: u.timezone };
}
