import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const ACCOUNT_LINK_PURPOSES = ['verify-email', 'change-email', 'reset-password'] as const;
export type AccountLinkPurpose = (typeof ACCOUNT_LINK_PURPOSES)[number];

/**
 * One mailed link (email verification, email change, password reset). The link itself is a JWT naming this record
 * (`jti`); the record makes it single use (`usedAt`, set by a compare-and-set) and says which address it proves.
 */
const accountLinkSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true },
  purpose: { type: String, enum: ACCOUNT_LINK_PURPOSES, required: true },
  /** The address the link was mailed to (for change-email: the new address). */
  email: { type: String, required: true },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date, default: null },
  createdAt: { type: Date, required: true },
  /** change-email: the account's session version when it was issued (a later one, e.g. a reset, voids the link). */
  sessionVersion: { type: Number, default: null },
});

accountLinkSchema.index({ userId: 1, purpose: 1 });

export type AccountLinkRecord = InferSchemaType<typeof accountLinkSchema> & { _id: Types.ObjectId };
export const AccountLinkModel = model('AccountLink', accountLinkSchema);
