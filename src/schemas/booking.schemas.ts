import { z } from 'zod';
import { IsoInstant, ObjectId, TimeZone, withoutControlCharacters } from './common.schemas';
import { PolicyFields, PolicyRequestFields } from './booking-policy.schemas';

const HHmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:mm (24-hour)');
const fiveMinuteMultiple = (min: number, max: number) =>
  z
    .number()
    .int()
    .min(min)
    .max(max)
    .refine((v) => v % 5 === 0, 'must be a multiple of 5');

const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

export const AvailabilityBody = z
  .strictObject({
    timezone: TimeZone,
    weekly: z.array(z.strictObject({ day: Weekday, start: HHmm, end: HHmm })).max(100),
    slotMinutes: fiveMinuteMultiple(5, 480),
    bufferMinutes: fiveMinuteMultiple(0, 1440).default(0),
    minNoticeMinutes: z.number().int().min(0).max(525_600).default(60),
    maxDaysAhead: z.number().int().min(1).max(365).default(60),
    headline: withoutControlCharacters(z.string().trim().max(200)).optional(),
    zoomMeetingsBusy: z.boolean().optional().meta({ description: 'Your own Zoom meetings block slots (default on)' }),
    allowGuests: z.boolean().optional().meta({
      description: 'Visitors without an account may book you with an emailed code (default on; absent: kept)',
    }),
    ...PolicyRequestFields,
  })
  .refine((v) => v.weekly.every((w) => Number(w.start.slice(3)) % 5 === 0 && Number(w.end.slice(3)) % 5 === 0), {
    message: 'window times must be on 5-minute boundaries',
    path: ['weekly'],
  })
  .meta({ id: 'AvailabilityRequest' });

export const Availability = z
  .object({
    headline: z.string(),
    timezone: z.string(),
    weekly: z.array(z.object({ day: Weekday, start: z.string(), end: z.string() })),
    slotMinutes: z.number(),
    bufferMinutes: z.number(),
    minNoticeMinutes: z.number(),
    maxDaysAhead: z.number(),
    zoomMeetingsBusy: z.boolean(),
    allowGuests: z.boolean(),
    ...PolicyFields,
  })
  .meta({ id: 'Availability' });

export const Specialist = z
  .object({
    id: z.string(),
    name: z.string(),
    headline: z.string(),
    timezone: z.string(),
    zoomConnected: z.boolean(),
    allowGuests: z.boolean().meta({ description: 'Visitors without an account may book with an emailed code' }),
  })
  .meta({ id: 'Specialist' });

const IsoDate = z.iso.date().meta({ example: '2026-12-01' });
export const SlotsQuery = z.strictObject({ from: IsoDate, to: IsoDate });
export const SlotsResponse = z
  .object({ timezone: z.string(), slots: z.array(z.object({ start: z.string(), end: z.string() })) })
  .meta({ id: 'Slots' });

export const CreateBookingBody = z
  .strictObject({
    specialistId: ObjectId,
    start: IsoInstant,
    durationMinutes: fiveMinuteMultiple(5, 480).optional(),
    topic: withoutControlCharacters(z.string().trim().min(1).max(150)).optional(),
    notes: withoutControlCharacters(z.string().trim().max(2000), { multiline: true }).optional(),
  })
  .meta({ id: 'CreateBookingRequest' });

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .refine((key) => /^[\x21-\x7e]+$/.test(key), 'must be 1 to 255 visible ASCII characters')
    .optional()
    .meta({ description: 'Same key + same body → same booking' }),
});
export type IdempotencyHeaders = z.infer<typeof IdempotencyHeaders>;

export const RescheduleBody = z.strictObject({ start: IsoInstant }).meta({ id: 'RescheduleRequest' });

export const BookingListQuery = z.strictObject({
  status: z.enum(['confirmed', 'cancelled']).optional(),
  from: IsoInstant.optional(),
  to: IsoInstant.optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const StartQuery = z.strictObject({ token: z.string().max(2000).optional() });

export const Booking = z
  .object({
    id: z.string(),
    specialistId: z.string(),
    customerId: z.string(),
    start: z.string(),
    end: z.string(),
    durationMinutes: z.number(),
    topic: z.string().nullable(),
    notes: z.string().nullable(),
    status: z.enum(['confirmed', 'cancelled']),
    sequence: z.number(),
    cancelledAt: z.string().nullable(),
    meeting: z.object({
      status: z.enum(['pending', 'created', 'failed', 'cancelled', 'waiting_for_quota']),
      provider: z.enum(['user', 's2s']),
      zoomMeetingId: z.string().nullable(),
      joinUrl: z.string().nullable(),
      startUrl: z.string().nullable().optional().meta({ description: 'Specialist and admins only' }),
      attempts: z.number(),
      lastError: z.string().nullable().optional(),
    }),
    createdAt: z.string(),
    bookedAsGuest: z.boolean().meta({ description: 'Booked without an account, with an emailed code' }),
    specialistName: z
      .string()
      .optional()
      .meta({ description: 'The specialist’s display name; for the booking’s customer and admins' }),
    customerName: z
      .string()
      .optional()
      .meta({ description: 'The customer’s display name; for the booking’s specialist and admins' }),
    customerEmail: z
      .string()
      .optional()
      .meta({ description: 'The customer’s email; for the booking’s specialist and admins' }),
  })
  .meta({ id: 'Booking' });

export const BookingList = z
  .object({ items: z.array(Booking), page: z.number(), pageSize: z.number(), total: z.number() })
  .meta({ id: 'BookingList' });
