import { z } from 'zod';
import { Booking, CreateBookingBody } from './booking.schemas';
import { PersonName, TimeZone } from './common.schemas';

const Email = z.email().max(254);

export const GuestEmailCodeBody = z.strictObject({ email: Email }).meta({ id: 'GuestEmailCodeRequest' });

export const GuestBookingBody = z
  .strictObject({
    specialistId: CreateBookingBody.shape.specialistId,
    start: CreateBookingBody.shape.start,
    name: PersonName,
    email: Email,
    timezone: TimeZone.meta({ description: 'Your time zone: the mails give times in it' }),
    topic: CreateBookingBody.shape.topic,
    notes: CreateBookingBody.shape.notes,
    code: z
      .string()
      .regex(/^\d{6}$/, 'must be the 6 digits from the email')
      .meta({ description: 'The code mailed by POST /api/guest/email-codes', example: '042917' }),
  })
  .meta({ id: 'GuestBookingRequest' });

/** The booking as its guest sees it, with the manage link (the guest has no account to find it by). */
export const GuestBooking = Booking.extend({
  manageToken: z.string().meta({ description: 'The manage link’s token: GET /api/manage/{token}' }),
  manageUrl: z.string().meta({ description: 'The manage link in the web app (the same as in every mail)' }),
}).meta({ id: 'GuestBooking' });
