import { Schema, Types, model, type InferSchemaType } from 'mongoose';

export const BOOKING_STATUSES = ['confirmed', 'cancelled'] as const;
export const MEETING_STATUSES = ['pending', 'created', 'failed', 'cancelled', 'waiting_for_quota'] as const;
export const REPAIR_CAUSES = [
  'zoom_deleted',
  'zoom_changed',
  'reconnect_moved',
  'verify_before_session',
  'reconcile',
] as const;
export type RepairCause = (typeof REPAIR_CAUSES)[number];
/** The states of the admins' meeting view (pending, failed and waiting_for_quota are `meeting.status` values). */
export const MEETING_TROUBLE_STATES = ['pending', 'failed', 'waiting_for_quota', 'orphaned', 'repaired'] as const;

const meetingSchema = new Schema(
  {
    status: { type: String, enum: MEETING_STATUSES, default: 'pending' },
    provider: { type: String, enum: ['user', 's2s'], required: true },
    attempts: { type: Number, default: 0 },
    /** Failures counted toward MEETING_RETRY_MAX_ATTEMPTS: unclear ones only (outages never end the tries). */
    countedFailures: { type: Number, default: 0 },
    /** Set before the first create call: a later attempt first looks for a meeting an interrupted one made. */
    firstAttemptAt: { type: Date, default: null },
    lockedUntil: { type: Date, default: null },
    /**
     * When a pending meeting is next tried: the booking is the meeting's durable job, found by the meeting poller
     * (index below) once this time has come and `lockedUntil` has passed.
     */
    nextAttemptAt: { type: Date, default: null },
    lastError: { type: String, default: null },
    hostZoomUserId: { type: String, default: null },
    /** The booking `sequence` last pushed to Zoom (reschedules PATCH until it catches up). */
    syncedSequence: { type: Number, default: 0 },
    zoomDeleted: { type: Boolean, default: false },
    /**
     * When the latest create call was sent. A create whose answer we never saw may still finish at Zoom: until
     * CREATE_SETTLE_MS after it, a removal keeps looking for the meeting by its reference.
     */
    createCalledAt: { type: Date, default: null },
    /** When the meeting was saved (the confirmation sweep's clock). */
    savedAt: { type: Date, default: null },
    /**
     * When a repair last sent the create of a replacement meeting (cleared once the booking points at one). Zoom has
     * no idempotency key: a repair that finds it set first looks for that meeting by its reference and adopts it.
     */
    repairCreateCalledAt: { type: Date, default: null },
    /** A move waiting for the host's Zoom quota (00:00 UTC); the meeting itself exists. */
    quotaResumeAt: { type: Date, default: null },
    /** The removal of a cancelled booking's meeting gave up (MEETING_DELETE_GIVE_UP_DAYS) and admins were told. */
    deleteGaveUpAt: { type: Date, default: null },
    /**
     * A set-back sent to Zoom and not yet recorded (written before the PATCH): a repair that then finds the meeting in
     * sync (the PATCH's answer was lost) records it and tells the specialist. `at` names the change (the mail's key).
     */
    pendingSetBack: {
      type: new Schema(
        {
          at: { type: Date, required: true },
          sequence: { type: Number, required: true },
          cause: { type: String, enum: REPAIR_CAUSES, required: true },
          quiet: { type: Boolean, default: false },
          drift: {
            type: new Schema(
              { start: { type: Date }, durationMinutes: { type: Number }, topic: { type: String } },
              { _id: false },
            ),
            required: true,
          },
        },
        { _id: false },
      ),
      default: null,
    },
    /** The last repair of a change made outside our API (in Zoom, a reconnect), for the admins' meeting view. */
    lastRepair: {
      type: new Schema(
        { at: { type: Date, required: true }, cause: { type: String, enum: REPAIR_CAUSES, required: true } },
        { _id: false },
      ),
      default: null,
    },
  },
  { _id: false },
);

const guestSchema = new Schema(
  {
    email: { type: String, required: true },
    name: { type: String, required: true },
    timezone: { type: String, required: true },
  },
  { _id: false },
);

/**
 * A booking. Conflict-freedom is enforced by BookingClaim's unique index, not by this collection. Zoom's start URL
 * is never stored: it expires after 2 hours, so the start link fetches a fresh one each time.
 */
const bookingSchema = new Schema(
  {
    specialistId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    customerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    durationMinutes: { type: Number, required: true },
    topic: { type: String, default: null },
    notes: { type: String, default: null },
    status: { type: String, enum: BOOKING_STATUSES, default: 'confirmed' },
    cancelledAt: { type: Date, default: null },
    cancelledBy: { type: String, default: null },
    sequence: { type: Number, default: 0 },
    idempotencyKey: { type: String, default: null },
    zoomMeetingId: { type: String, default: null },
    zoomJoinUrl: { type: String, default: null },
    meeting: { type: meetingSchema, required: true },
    confirmationMailedAt: { type: Date, default: null },
    /** Moves made by the customer (RESCHEDULE_LIMIT_PER_BOOKING). */
    customerMoves: { type: Number, default: 0 },
    /**
     * Set by a move until the cells of the previous time are released: if a crash comes in between, maintenance
     * releases them (only cells older than its grace, so an in-flight move's new cells are never touched).
     */
    staleCellsSince: { type: Date, default: null },
    /**
     * Booked as a guest (POST /api/guest/bookings): the address the emailed code proved, and the name and zone given.
     * The booking belongs to that address: its mails go there, and an account sees it only once it has verified the
     * same address (customerBookingsFilter). null: booked by a signed-in customer.
     */
    guest: { type: guestSchema, default: null },
  },
  { timestamps: true },
);

bookingSchema.index({ specialistId: 1, start: 1 });
bookingSchema.index({ customerId: 1, start: 1 });
// An account's guest bookings under the address it verifies (an email change moves them along).
bookingSchema.index({ 'guest.email': 1 });
// The confirmation sweep: created meetings whose first attempt is older than its grace period.
bookingSchema.index({ 'meeting.status': 1, 'meeting.firstAttemptAt': 1 });
// The meeting poller: pending meetings by due time.
bookingSchema.index({ 'meeting.status': 1, 'meeting.nextAttemptAt': 1 });
// The confirmation sweep since meetings carry their save time.
bookingSchema.index({ 'meeting.status': 1, 'meeting.savedAt': 1 });
// Maintenance: moves whose old cells may be held, and cancellations whose meeting removal may be unscheduled.
bookingSchema.index({ staleCellsSince: 1 });
bookingSchema.index({ status: 1, 'meeting.zoomDeleted': 1, cancelledAt: 1 });
// Zoom's meeting events name the meeting; the admins' view lists recent repairs.
bookingSchema.index({ zoomMeetingId: 1 });
bookingSchema.index({ 'meeting.lastRepair.at': 1 });
// The metrics' moves waiting for the host's daily Zoom quota (nearly all bookings hold null).
bookingSchema.index({ 'meeting.quotaResumeAt': 1 });

export type BookingRecord = InferSchemaType<typeof bookingSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
export const BookingModel = model('Booking', bookingSchema);

/**
 * The bookings of a customer account that its sessions may see (list, read, change, export, deletion, feed): every
 * booking it made signed in, and guest bookings only under the address it has proven (`provenEmail`: its email when
 * verified, else null). So whoever signs up with someone else's address sees none of that person's guest bookings.
 */
export function customerBookingsFilter(
  customerId: string | Types.ObjectId,
  provenEmail: string | null | undefined,
): Record<string, unknown> {
  return {
    customerId,
    $or: [{ guest: null }, ...(provenEmail ? [{ 'guest.email': provenEmail }] : [])],
  };
}

/** Whether a viewer acting as the booking's customer may see it (the same rule as customerBookingsFilter). */
export function customerMaySee(
  booking: { customerId: { toString(): string }; guest?: { email: string } | null },
  viewer: { userId: string; provenEmail?: string | null },
): boolean {
  if (booking.customerId.toString() !== viewer.userId) return false;
  return !booking.guest || (!!viewer.provenEmail && booking.guest.email === viewer.provenEmail);
}
