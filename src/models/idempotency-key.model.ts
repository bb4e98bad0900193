import { Schema, model } from 'mongoose';

/**
 * How long a request owns its Idempotency-Key before a retry with the same key and body may take it over. The owner
 * only needs it from storing the key to inserting the booking (a few round trips); a takeover that races a slow owner
 * is still safe, because both use the key's bookingId and only one booking insert can succeed.
 */
export const IDEMPOTENCY_LEASE_MS = 10_000;

/**
 * One record per (customer, Idempotency-Key): the request's hash, the booking it produces and the request attempt
 * that owns it until `leaseUntil` (records written before leases existed have neither: their lease is
 * `createdAt` + IDEMPOTENCY_LEASE_MS).
 */
const idempotencyKeySchema = new Schema({
  scope: { type: String, required: true },
  requestHash: { type: String, required: true },
  bookingId: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, required: true },
  owner: { type: String },
  leaseUntil: { type: Date },
});

idempotencyKeySchema.index({ scope: 1 }, { unique: true });

export const IdempotencyKeyModel = model('IdempotencyKey', idempotencyKeySchema);
