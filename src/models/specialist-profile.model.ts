import { Schema, Types, model, type InferSchemaType } from 'mongoose';

const windowSchema = new Schema(
  {
    day: { type: String, required: true },
    start: { type: String, required: true },
    end: { type: String, required: true },
  },
  { _id: false },
);

/** A specialist's public profile and weekly availability (in their own time zone). */
const specialistProfileSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    headline: { type: String, default: '' },
    timezone: { type: String, required: true },
    weekly: { type: [windowSchema], default: [] },
    slotMinutes: { type: Number, required: true },
    bufferMinutes: { type: Number, required: true },
    minNoticeMinutes: { type: Number, required: true },
    maxDaysAhead: { type: Number, required: true },
    // Policies: customers change bookings up to this long before the start; null = no daily limit.
    cancelNoticeMinutes: { type: Number, default: 0 },
    maxBookingsPerDay: { type: Number, default: null },
    /**
     * Overrides of the host's own Zoom settings for our meetings: each `zoom_default` (sent to Zoom as nothing) or a
     * value (autoRecording: none/local/cloud; the others true/false). Mixed: strings or booleans.
     */
    meetingSettings: {
      autoRecording: { type: Schema.Types.Mixed, default: 'zoom_default' },
      waitingRoom: { type: Schema.Types.Mixed, default: 'zoom_default' },
      joinBeforeHost: { type: Schema.Types.Mixed, default: 'zoom_default' },
      muteUponEntry: { type: Schema.Types.Mixed, default: 'zoom_default' },
    },
    // The host's own Zoom meetings (not made for bookings) block slots (user-managed mode).
    zoomMeetingsBusy: { type: Boolean, default: true },
    // Visitors without an account may book with an emailed code (POST /api/guest/bookings).
    allowGuests: { type: Boolean, default: true },
  },
  { timestamps: true },
);

specialistProfileSchema.index({ userId: 1 }, { unique: true });

export type SpecialistProfileRecord = InferSchemaType<typeof specialistProfileSchema> & { _id: Types.ObjectId };
export const SpecialistProfileModel = model('SpecialistProfile', specialistProfileSchema);
