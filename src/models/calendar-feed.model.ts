import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * A specialist's subscribed calendar (an iCal address) and the busy intervals of its last good copy. The address is a
 * secret: only its sealed form (TokenCipher) is stored, with the host and a short hint to show. The intervals live on
 * the feed itself so a sync replaces them in one write, and a failed sync leaves them as they were.
 */
const busySchema = new Schema(
  { start: { type: Date, required: true }, end: { type: Date, required: true } },
  { _id: false },
);

const calendarFeedSchema = new Schema({
  specialistId: { type: Schema.Types.ObjectId, required: true, index: true },
  label: { type: String, required: true },
  urlSealed: { type: String, required: true },
  host: { type: String, required: true },
  hint: { type: String, required: true },
  createdAt: { type: Date, required: true },
  busy: { type: [busySchema], default: [] },
  /** The window `busy` was expanded over (the booking horizon at that time). */
  expandedUntil: { type: Date, default: null },
  /** The specialist's zone `busy` was expanded in (all-day and floating events): another zone needs a full fetch. */
  expandedZone: { type: String, default: null },
  etag: { type: String, default: null },
  lastModified: { type: String, default: null },
  /** Last successful fetch (200 or 304). */
  lastSyncAt: { type: Date, default: null },
  lastError: { type: String, default: null },
  lastErrorAt: { type: Date, default: null },
  /** A sync's lease (sync now, the job, another instance): one fetch of a feed at a time; null when none runs. */
  syncLockedUntil: { type: Date, default: null },
  /** Set when the specialist and admins were told the feed is stale; cleared by the next good sync. */
  staleNotifiedAt: { type: Date, default: null },
});

export type CalendarFeedRecord = InferSchemaType<typeof calendarFeedSchema> & { _id: Types.ObjectId };
export const CalendarFeedModel = model('CalendarFeed', calendarFeedSchema);
