import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * A 6-digit code mailed to prove an address for a guest booking (POST /api/guest/email-codes). Only its HMAC is kept.
 * Only the newest code of an address works; it is tried at most MAX_CODE_TRIES times (`tries`, counted with a
 * compare-and-set), claimed by the booking request that uses it (`usedAt`, `claim`: given back if the booking is
 * refused) and, once the booking exists, names it (`bookingId`: a replay with the same Idempotency-Key must show the
 * same code again). `purgeAt` lets MongoDB drop old codes; every query filters on `expiresAt` itself.
 */
const guestEmailCodeSchema = new Schema({
  email: { type: String, required: true },
  salt: { type: String, required: true },
  codeHash: { type: String, required: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  tries: { type: Number, default: 0 },
  usedAt: { type: Date, default: null },
  claim: { type: String, default: null },
  /** The Idempotency-Key scope of the request holding the claim: its twin waits for it instead of being refused. */
  claimScope: { type: String, default: null },
  bookingId: { type: Schema.Types.ObjectId, default: null },
  purgeAt: { type: Date, required: true },
});

guestEmailCodeSchema.index({ email: 1, createdAt: -1 });
guestEmailCodeSchema.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });

export type GuestEmailCodeRecord = InferSchemaType<typeof guestEmailCodeSchema> & { _id: Types.ObjectId };
export const GuestEmailCodeModel = model('GuestEmailCode', guestEmailCodeSchema);
