import { Schema, Types, model, type InferSchemaType } from 'mongoose';

export const STRAY_STATES = ['to_delete', 'deleted', 'orphaned'] as const;

/**
 * A Zoom meeting of ours that no booking uses any more and that must go: left in a specialist's previous Zoom account
 * after a reconnect to another one (deleted with the old grant), or found by reconciliation and refused deletion.
 * `orphaned`: it cannot be deleted by us (the old grant is dead, Zoom refused); the admins' meeting view lists it.
 */
const strayMeetingSchema = new Schema(
  {
    specialistId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    bookingId: { type: Schema.Types.ObjectId, ref: 'Booking', required: true },
    zoomMeetingId: { type: String, required: true },
    /** The Zoom user whose calendar holds it. */
    zoomUserId: { type: String, default: null },
    /** The retired grant that can delete it (a reconnect to another account). */
    retiredGrantId: { type: Schema.Types.ObjectId, ref: 'RetiredGrant', default: null },
    state: { type: String, enum: STRAY_STATES, default: 'to_delete' },
    lastError: { type: String, default: null },
  },
  { timestamps: true },
);

strayMeetingSchema.index({ zoomMeetingId: 1 }, { unique: true });
strayMeetingSchema.index({ state: 1, updatedAt: 1 });
strayMeetingSchema.index({ retiredGrantId: 1, state: 1 });

export type StrayMeetingRecord = InferSchemaType<typeof strayMeetingSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
export const StrayMeetingModel = model('StrayMeeting', strayMeetingSchema);
