import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * One document per UTC day on which the admin digest was considered. Inserting it is the claim (unique `day`), so
 * the digest goes out at most once a day however many instances run the job; `mailed` says whether anything needed
 * attention.
 */
const adminDigestSchema = new Schema(
  {
    day: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    mailed: { type: Boolean, default: false },
    summary: { type: Schema.Types.Mixed, default: null },
  },
  { versionKey: false, minimize: false },
);

adminDigestSchema.index({ day: 1 }, { unique: true });

export type AdminDigestRecord = InferSchemaType<typeof adminDigestSchema> & { _id: Types.ObjectId };
export const AdminDigestModel = model('AdminDigest', adminDigestSchema);
