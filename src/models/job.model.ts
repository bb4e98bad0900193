import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * A durable job: at most one per `key` (unique), run at `runAt` by whichever instance claims it first
 * (`lockedUntil` is a lease, so a crashed worker's job is picked up again).
 */
const jobSchema = new Schema(
  {
    key: { type: String, required: true },
    name: { type: String, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    runAt: { type: Date, required: true },
    lockedUntil: { type: Date, default: null },
    lockedBy: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
  },
  { timestamps: true, minimize: false },
);

jobSchema.index({ key: 1 }, { unique: true });
jobSchema.index({ runAt: 1 });

export type JobRecord = InferSchemaType<typeof jobSchema> & { _id: Types.ObjectId };
export const JobModel = model('Job', jobSchema);
