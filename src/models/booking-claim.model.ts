import { Schema, model } from 'mongoose';

/**
 * Five-minute cells of a specialist's calendar held by a booking (its time plus the trailing buffer). The unique
 * index is what makes overlapping bookings impossible, across any number of processes, without transactions.
 */
export const CLAIM_CELL_MINUTES = 5;

const bookingClaimSchema = new Schema({
  specialistId: { type: Schema.Types.ObjectId, required: true },
  cell: { type: Date, required: true },
  bookingId: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, required: true },
});

bookingClaimSchema.index({ specialistId: 1, cell: 1 }, { unique: true });
bookingClaimSchema.index({ bookingId: 1 });

export const BookingClaimModel = model('BookingClaim', bookingClaimSchema);
