import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * A user's secret subscription address for their bookings (GET /api/calendar/<token>.ics). Looked up by the token's
 * SHA-256; the token itself is kept sealed (TokenCipher) so the app can show the address again. Rotating replaces
 * both in one write, so the old address stops working at once. An address issued before the user's `accessVersion`
 * was raised (who may see the bookings changed) answers 404.
 */
const calendarSubscriptionSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true, unique: true },
  tokenHash: { type: String, required: true, unique: true },
  tokenSealed: { type: String, required: true },
  createdAt: { type: Date, required: true },
  /** The user's `accessVersion` when the token was issued: a later one (reset, verification, …) voids the address. */
  accessVersion: { type: Number, default: 0 },
});

export type CalendarSubscriptionRecord = InferSchemaType<typeof calendarSubscriptionSchema> & { _id: Types.ObjectId };
export const CalendarSubscriptionModel = model('CalendarSubscription', calendarSubscriptionSchema);
