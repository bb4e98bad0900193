import { z } from 'zod';

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
};

export const PolicyFields = {
  cancelNoticeMinutes: z.number(),
  maxBookingsPerDay: z.number().nullable(),
};
