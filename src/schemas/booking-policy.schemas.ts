import { z } from 'zod';

const zoomDefaultOr = (value: z.ZodType, description: string) =>
  z
    .union([z.literal('zoom_default'), value])
    .default('zoom_default')
    .meta({ description: `${description}; zoom_default (the default) leaves it to your own Zoom settings` });

/** Overrides of the specialist's own Zoom settings for booked meetings (absent in a PUT: kept as saved). */
export const MeetingSettingsBody = z
  .strictObject({
    autoRecording: zoomDefaultOr(z.enum(['none', 'local', 'cloud']), 'Record every session: none, local or cloud'),
    waitingRoom: zoomDefaultOr(z.boolean(), 'Waiting room on or off'),
    joinBeforeHost: zoomDefaultOr(z.boolean(), 'Participants may join before you'),
    muteUponEntry: zoomDefaultOr(z.boolean(), 'Participants muted when they join'),
  })
  .meta({ id: 'MeetingSettings' });

/** The specialist's policies, saved with the availability (PUT replaces them like every other field). */
export const PolicyRequestFields = {
  cancelNoticeMinutes: z
    .number()
    .int()
    .min(0)
    .max(525_600)
    .default(0)
    .meta({ description: 'Customers may cancel or reschedule until this many minutes before the start' }),
  maxBookingsPerDay: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .nullable()
    .default(null)
    .meta({ description: "At most this many bookings per day in the specialist's zone; null = no limit" }),
  meetingSettings: MeetingSettingsBody.optional(),
};

export const PolicyFields = {
  cancelNoticeMinutes: z.number(),
  maxBookingsPerDay: z.number().nullable(),
  meetingSettings: z.object({
    autoRecording: z.string(),
    waitingRoom: z.union([z.string(), z.boolean()]),
    joinBeforeHost: z.union([z.string(), z.boolean()]),
    muteUponEntry: z.union([z.string(), z.boolean()]),
  }),
};
