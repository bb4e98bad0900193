import { Schema, model } from 'mongoose';

/** One record per (customer, Idempotency-Key): the request's hash and the booking it produced. */
const idempotencyKeySchema = new Schema({
  scope: { type: String, required: true },
  requestHash: { type: String, required: true },
  bookingId: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, required: true },
});

idempotencyKeySchema.index({ scope: 1 }, { unique: true });

export const IdempotencyKeyModel = model('IdempotencyKey', idempotencyKeySchema);
