import { isValidObjectId } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { NotFoundError } from '../../lib/errors';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import type { JwtService } from '../auth/jwt.service';

export const MANAGE_LINK_PURPOSE = 'booking-manage';

/** Every unusable link gets the same answer, so a link never tells whether a booking exists. */
export class ManageLinkInvalidError extends NotFoundError {
  constructor() {
    super('Booking', 'MANAGE_LINK_INVALID');
  }
}

/**
 * The customer's link to one booking (`${FRONTEND_URL}/manage/<token>`), usable without signing in. The signed token
 * names the booking, its customer and the booking's version (`sequence`); it expires when the session ends and stops
 * working once the booking changes (a cancel or a move raises the version; the mail about the move carries a new link).
 */
export function createManageLinks(deps: { jwt: JwtService; clock: Clock; frontendUrl: string }) {
  async function tokenFor(booking: Pick<BookingRecord, '_id' | 'customerId' | 'sequence' | 'end'>): Promise<string> {
    const subject = `${booking._id.toString()}.${booking.customerId.toString()}.${booking.sequence}`;
    return deps.jwt.signLink(MANAGE_LINK_PURPOSE, subject, booking.end);
  }

  return {
    tokenFor,

    async urlFor(booking: Pick<BookingRecord, '_id' | 'customerId' | 'sequence' | 'end'>): Promise<string> {
      return `${deps.frontendUrl}/manage/${await tokenFor(booking)}`;
    },

    /** The booking a link may act on, or ManageLinkInvalidError (tampered, expired, cancelled, changed, not found). */
    async resolve(token: string): Promise<BookingRecord> {
      const subject = await deps.jwt.verifyLink(token, MANAGE_LINK_PURPOSE).catch(() => undefined);
      const [bookingId, customerId, sequence] = subject?.split('.') ?? [];
      if (!bookingId || !isValidObjectId(bookingId)) throw new ManageLinkInvalidError();
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      const usable =
        booking &&
        booking.status === 'confirmed' &&
        booking.customerId.toString() === customerId &&
        String(booking.sequence) === sequence &&
        booking.end.getTime() > deps.clock.now().getTime();
      if (!usable) throw new ManageLinkInvalidError();
      return booking;
    },
  };
}

export type ManageLinks = ReturnType<typeof createManageLinks>;
