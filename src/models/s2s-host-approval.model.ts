import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Who hosts a specialist's meetings in MEETING_PROVIDER=s2s, and why: `approved` (their own Zoom user of the account,
 * approved by an admin); `fallback_host` (not approved, and ZOOM_S2S_HOST_USER hosts them); otherwise what is missing
 * before they can be booked at all.
 */
export const S2S_HOST_STATES = [
  'approved',
  'fallback_host',
  'email_not_verified',
  'not_in_zoom_account',
  'awaiting_approval',
  'zoom_unavailable',
] as const;
export type S2SHostState = (typeof S2S_HOST_STATES)[number];

/**
 * An admin's approval that a specialist (MEETING_PROVIDER=s2s) hosts meetings as one Zoom user of the platform
 * account: which user (id and email, as Zoom answered for the specialist's email), for which address of the
 * specialist, by whom and when. It holds only while the specialist's email is verified and still `approvedEmail`;
 * an email change deletes it (and a record left by a crash is void by that comparison).
 */
const s2sHostApprovalSchema = new Schema({
  specialistId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  zoomUserId: { type: String, required: true },
  zoomEmail: { type: String, required: true },
  /** The specialist's (lower-cased) email when approved. */
  approvedEmail: { type: String, required: true },
  approvedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  approvedAt: { type: Date, required: true },
});

s2sHostApprovalSchema.index({ specialistId: 1 }, { unique: true });

export type S2SHostApprovalRecord = InferSchemaType<typeof s2sHostApprovalSchema>;
export const S2SHostApprovalModel = model('S2SHostApproval', s2sHostApprovalSchema);
