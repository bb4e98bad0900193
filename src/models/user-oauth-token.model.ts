import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * One Zoom grant per specialist. Both tokens are AES-256-GCM sealed (see lib/token-cipher). `version` is bumped on
 * every token write so writers can compare-and-swap; `refreshLeaseUntil`/`refreshLeaseOwner` let exactly one
 * process (of many) call Zoom's token endpoint for a given expiry.
 */
const userOAuthTokenSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    zoomAccessToken: { type: String, default: null },
    zoomAccessTokenExpiry: { type: Date, default: null },
    zoomRefreshToken: { type: String, default: null },
    zoomUserId: { type: String, default: null },
    zoomEmail: { type: String, default: null },
    zoomAccountId: { type: String, default: null },
    scope: { type: String, default: null },
    isActive: { type: Boolean, default: true },
    isRevoked: { type: Boolean, default: false },
    revokedAt: { type: Date, default: null },
    revokedReason: { type: String, default: null },
    authorizedAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    refreshErrorCount: { type: Number, default: 0 },
    lastRefreshAttempt: { type: Date, default: null },
    lastRefreshedAt: { type: Date, default: null },
    lastRefreshError: { type: String, default: null },
    lastRefreshErrorAt: { type: Date, default: null },
    needsReauth: { type: Boolean, default: false },
    reauthEmailSentAt: { type: Date, default: null },
    version: { type: Number, default: 0 },
    refreshLeaseUntil: { type: Date, default: null },
    refreshLeaseOwner: { type: String, default: null },
    // Set with the lease before a refresh is sent, cleared when its outcome is stored: still set later means the
    // answer was lost (time-out, crash), so an invalid_grant that follows is our loss, not the specialist's.
    refreshInFlightAt: { type: Date, default: null },
    refreshInFlightId: { type: String, default: null },
    /** Why the grant needs a reconnect: lost_response (we lost Zoom's answer), revoked (at Zoom), invalid_grant. */
    reauthReason: { type: String, enum: ['lost_response', 'revoked', 'invalid_grant', null], default: null },
    /** Measured when Zoom refused the grant: its age since authorization and since its last successful refresh. */
    grantAgeSeconds: { type: Number, default: null },
    sinceLastRefreshSeconds: { type: Number, default: null },
  },
  { timestamps: true },
);

userOAuthTokenSchema.index({ userId: 1 }, { unique: true });
userOAuthTokenSchema.index({ zoomUserId: 1 });
// The keep-alive sweep: active grants by when they were last refreshed (or authorized).
userOAuthTokenSchema.index({ isActive: 1, lastRefreshedAt: 1 });

export const REAUTH_REASONS = ['lost_response', 'revoked', 'invalid_grant'] as const;
export type ReauthReason = (typeof REAUTH_REASONS)[number];

export type UserOAuthTokenRecord = InferSchemaType<typeof userOAuthTokenSchema> & { _id: Types.ObjectId };
export const UserOAuthTokenModel = model('UserOAuthToken', userOAuthTokenSchema);
