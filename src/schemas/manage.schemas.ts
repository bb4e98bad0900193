import { z } from 'zod';
import { Booking } from './booking.schemas';

export const ManageParams = z.strictObject({
  token: z.string().min(1).max(4000).meta({ description: 'The signed token from the link in the customer’s email' }),
});

export const ManagedBooking = z
  .object({
    token: z.string().nullable().meta({
      description: 'The link token for the booking as it is now (a move issues a new one); null once cancelled',
    }),
    booking: Booking,
    specialist: z.object({ id: z.string(), name: z.string(), timezone: z.string() }),
    changeableUntil: z.string().meta({ description: 'Until when the customer may cancel or reschedule' }),
  })
  .meta({ id: 'ManagedBooking' });
