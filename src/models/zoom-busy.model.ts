import { Schema, Types, model, type InferSchemaType } from 'mongoose';

/**
 * A specialist's own scheduled Zoom meetings that were not made for our bookings, as busy intervals (the last good
 * copy: a failed refresh keeps it and records the error, so Zoom trouble never silently frees the slots).
 */
const zoomBusySchema = new Schema({
  specialistId: { type: Schema.Types.ObjectId, required: true, unique: true },
  busy: {
    type: [new Schema({ start: { type: Date, required: true }, end: { type: Date, required: true } }, { _id: false })],
    default: [],
  },
  lastSyncAt: { type: Date, default: null },
  /** The end of the horizon the last good read covered: later time counts as busy until the next good read. */
  coveredUntil: { type: Date, default: null },
  lastError: { type: String, default: null },
  lastErrorAt: { type: Date, default: null },
});

export type ZoomBusyRecord = InferSchemaType<typeof zoomBusySchema> & { _id: Types.ObjectId };
export const ZoomBusyModel = model('ZoomBusy', zoomBusySchema);
