import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * One of a specialist's `maxBookingsPerDay` seats on a local calendar day, held by one booking. The unique index on
 * (specialist, day, seat) is what keeps a day's count within the limit under concurrency and across processes, the
 * same way BookingClaim's cells keep bookings apart (an insert either wins its seat or gets E11000).
 */
const bookingDaySeatSchema = new Schema({
  specialistId: { type: Schema.Types.ObjectId, required: true },
  /** 'YYYY-MM-DD' in the specialist's zone. */
  day: { type: String, required: true },
  seat: { type: Number, required: true },
  bookingId: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, required: true },
});

bookingDaySeatSchema.index({ specialistId: 1, day: 1, seat: 1 }, { unique: true });
bookingDaySeatSchema.index({ bookingId: 1 });

export type BookingDaySeatRecord = InferSchemaType<typeof bookingDaySeatSchema> & { _id: Types.ObjectId };
export const BookingDaySeatModel = model('BookingDaySeat', bookingDaySeatSchema);
