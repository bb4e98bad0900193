import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * The durable mail outbox: a message is stored with the change that caused it and delivered by a job, so an SMTP
 * outage delays mail but never loses it. `dedupeKey` makes "send X once" hold across retries and crashes.
 */
const outboxMailSchema = new Schema(
  {
    dedupeKey: { type: String, required: true },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    html: { type: String, required: true },
    icalMethod: { type: String, default: null },
    icalContent: { type: String, default: null },
    status: { type: String, enum: ['pending', 'sent', 'failed'], default: 'pending' },
    attempts: { type: Number, default: 0 },
    /** Permanent-looking SMTP failures (5xx replies) so far; MAIL_RETRY_MAX_ATTEMPTS of them end the tries. */
    refusals: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lockedUntil: { type: Date, default: null },
    lastError: { type: String, default: null },
    sentAt: { type: Date, default: null },
    messageId: { type: String, required: true },
  },
  { timestamps: true },
);

outboxMailSchema.index({ dedupeKey: 1 }, { unique: true });
outboxMailSchema.index({ status: 1, nextAttemptAt: 1 });

export type OutboxMailRecord = InferSchemaType<typeof outboxMailSchema> & { _id: Types.ObjectId };
export const OutboxMailModel = model('OutboxMail', outboxMailSchema);
