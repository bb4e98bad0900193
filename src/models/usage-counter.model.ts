import { Schema, model } from 'mongoose';

/**
 * A count of uses of something limited per time window (a Zoom host's meeting writes per UTC day, a customer's
 * bookings per hour), shared by every instance. One document per key and window; the unique index makes the first
 * insert of a window win, and a conditional `$inc` (count below the limit) takes one use without transactions.
 */
const usageCounterSchema = new Schema({
  key: { type: String, required: true },
  window: { type: String, required: true },
  count: { type: Number, required: true },
  /** When the window ends; a TTL index drops old windows an hour later. */
  resetAt: { type: Date, required: true },
});

usageCounterSchema.index({ key: 1, window: 1 }, { unique: true });
usageCounterSchema.index({ resetAt: 1 }, { expireAfterSeconds: 3600 });

export const UsageCounterModel = model('UsageCounter', usageCounterSchema);
