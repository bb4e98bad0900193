import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

export const USER_ROLES = ['specialist', 'customer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

const userSchema = new Schema(
  {
    role: { type: String, enum: USER_ROLES, required: true },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    /** Stored lower-cased: the unique index makes addresses unique regardless of case. */
    email: { type: String, required: true, lowercase: true, trim: true },
    /** null for a guest record (see `guest`): nobody can sign in to it. */
    passwordHash: { type: String, default: null },
    timezone: { type: String, required: true },
    /** Set when the person opened the verification link mailed to `email` (accounts before verification: false). */
    emailVerified: { type: Boolean, default: false },
    /** An address asked for by PATCH /api/me that takes effect only when its link is opened. */
    pendingEmail: { type: String, default: null },
    /**
     * Raised by logout-everywhere, password change/reset, deletion and a guest record's takeover: every token of an
     * older version fails, and so does an email-change link issued under one.
     */
    sessionVersion: { type: Number, default: 0 },
    /**
     * Raised whenever who can see the account's bookings changes: a password reset, the address verified, an email
     * change taking effect, a guest record taken over, deletion. Whatever shows the bookings without a sign-in (the
     * calendar-feed address) and was issued under an older version stops working.
     */
    accessVersion: { type: Number, default: 0 },
    /**
     * Signed-in devices by session id (random hex): `{ createdAt, userAgent, ip, endedAt }`. A token names its session;
     * authentication reads it with the account, so ending one costs no extra read per request.
     */
    sessions: { type: Schema.Types.Mixed, default: () => ({}) },
    /**
     * A guest record, not an account: made when someone booked with an emailed code and no account had the address.
     * No password and no sessions; a sign-up with the address takes it over (README "Guest booking").
     */
    guest: { type: Boolean, default: false },
    /**
     * When a guest booking last took this record (a guest record, or an account that has not verified the address)
     * as its owner: a deletion keeps the record until such a booking has had time to land (account-deletion).
     */
    guestBookingAt: { type: Date, default: null },
    /** Deletion started (durable intent): tokens are dead; the request or the maintenance sweep finishes the rest. */
    deletingAt: { type: Date, default: null },
  },
  { timestamps: true, minimize: false },
);

userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ role: 1 });

export type UserRecord = InferSchemaType<typeof userSchema>;
export type UserDocument = HydratedDocument<UserRecord>;
export const UserModel = model('User', userSchema);
