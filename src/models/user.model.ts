import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

export const USER_ROLES = ['specialist', 'customer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

const userSchema = new Schema(
  {
    role: { type: String, enum: USER_ROLES, required: true },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    /** Stored lower-cased: the unique index makes addresses unique regardless of case. */
    email: { type: String, required: true, lowercase: true, trim: true },
    passwordHash: { type: String, required: true },
    timezone: { type: String, required: true },
  },
  { timestamps: true },
);

userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ role: 1 });

export type UserRecord = InferSchemaType<typeof userSchema>;
export type UserDocument = HydratedDocument<UserRecord>;
export const UserModel = model('User', userSchema);
