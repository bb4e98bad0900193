import { Schema, Types, model, type InferSchemaType } from 'mongoose';

export const REFRESH_TRIGGERS = ['request', 'rejected_token', 'keepalive'] as const;
export const REFRESH_OUTCOMES = ['ok', 'invalid_grant', 'error'] as const;
export type RefreshTrigger = (typeof REFRESH_TRIGGERS)[number];
export type RefreshOutcome = (typeof REFRESH_OUTCOMES)[number];

/**
 * One call to Zoom's token endpoint for a user grant. `error` is Zoom's reason (or ours, e.g. a time-out), never a
 * token. Bounded by age: the keep-alive sweep deletes entries older than ZOOM_REFRESH_LOG_DAYS (no TTL index: the
 * jongodb fallback does not honour one, and a sweep keeps the pruning on the injected clock).
 */
const refreshEventSchema = new Schema(
  {
    at: { type: Date, required: true },
    specialistId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    trigger: { type: String, enum: REFRESH_TRIGGERS, required: true },
    outcome: { type: String, enum: REFRESH_OUTCOMES, required: true },
    durationMs: { type: Number, required: true },
    error: { type: String, default: null },
    // On invalid_grant: how old the grant was (since authorization) and since its last successful refresh.
    grantAgeSeconds: { type: Number, default: null },
    sinceLastRefreshSeconds: { type: Number, default: null },
  },
  { versionKey: false },
);

refreshEventSchema.index({ at: -1 });
refreshEventSchema.index({ specialistId: 1, at: -1 });

export type RefreshEventRecord = InferSchemaType<typeof refreshEventSchema> & { _id: Types.ObjectId };
export const RefreshEventModel = model('RefreshEvent', refreshEventSchema);
