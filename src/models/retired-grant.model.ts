import { Schema, Types, model, type InferSchemaType } from 'mongoose';

export const RETIRED_GRANT_STATES = ['active', 'revoked', 'dead'] as const;

/**
 * A specialist's previous Zoom grant after a reconnect brought a different Zoom account: kept (tokens sealed as in
 * UserOAuthToken) only to delete the meetings left in that account, then revoked. `meetings` is the snapshot, taken
 * before the new grant replaced it, of the bookings whose meetings live there; `finishedAt` says the move is done.
 */
const retiredGrantSchema = new Schema(
  {
    specialistId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    zoomUserId: { type: String, required: true },
    zoomEmail: { type: String, default: null },
    newZoomUserId: { type: String, required: true },
    zoomAccessToken: { type: String, default: null },
    zoomAccessTokenExpiry: { type: Date, default: null },
    zoomRefreshToken: { type: String, default: null },
    version: { type: Number, default: 0 },
    state: { type: String, enum: RETIRED_GRANT_STATES, default: 'active' },
    retiredAt: { type: Date, required: true },
    meetings: {
      type: [new Schema({ bookingId: String, zoomMeetingId: String, cancelled: Boolean }, { _id: false })],
      default: null,
    },
    moved: { type: Number, default: 0 },
    orphaned: { type: Number, default: 0 },
    finishedAt: { type: Date, default: null },
    lastError: { type: String, default: null },
  },
  { timestamps: true },
);

retiredGrantSchema.index({ specialistId: 1, retiredAt: -1 });

export type RetiredGrantRecord = InferSchemaType<typeof retiredGrantSchema> & { _id: Types.ObjectId };
export const RetiredGrantModel = model('RetiredGrant', retiredGrantSchema);
