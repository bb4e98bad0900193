import { isValidObjectId } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { NotFoundError } from '../../lib/errors';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import type { JwtService } from '../auth/jwt.service';

export const MANAGE_LINK_PURPOSE = 'booking-manage';

/**
 * How long after the booking's end (as it was when the link was made) the token's `exp` lies: kept so that no token
 * we sign reads as a forever token, but not enforced (see resolve). A link works exactly while the booking is
 * confirmed and its *current* end is ahead, checked on every use; a booking moved (again and again, up to
 * `maxDaysAhead` each time, by the specialist without limit) can outlive any `exp` fixed when the first mail went out.
 */
const EXP_BACKSTOP_MS = 400 * 86_400_000;

/** Every unusable link gets the same answer, so a link never tells whether a booking exists. */
export class ManageLinkInvalidError extends NotFoundError {
  constructor() {
    super('Booking', 'MANAGE_LINK_INVALID');
  }
}

/**
 * The customer's link to one booking (`${FRONTEND_URL}/manage/<token>`), usable without signing in. The signed token
 * names the booking, its customer and the booking's version (`sequence`) when it was made. A link from any earlier
 * mail keeps following the booking through moves (it shows the booking at its new time); it stops working once the
 * booking is cancelled or its session is over.
 */
export function createManageLinks(deps: { jwt: JwtService; clock: Clock; frontendUrl: string }) {
  async function tokenFor(booking: Pick<BookingRecord, '_id' | 'customerId' | 'sequence' | 'end'>): Promise<string> {
    const subject = `${booking._id.toString()}.${booking.customerId.toString()}.${booking.sequence}`;
    return deps.jwt.signLink(MANAGE_LINK_PURPOSE, subject, new Date(booking.end.getTime() + EXP_BACKSTOP_MS));
  }

  return {
    tokenFor,

    async urlFor(booking: Pick<BookingRecord, '_id' | 'customerId' | 'sequence' | 'end'>): Promise<string> {
      return `${deps.frontendUrl}/manage/${await tokenFor(booking)}`;
    },

    /** The booking a link may act on, or ManageLinkInvalidError (tampered, expired, cancelled, over, not found). */
    async resolve(token: string): Promise<BookingRecord> {
      // The signature proves the link is ours; the booking, not `exp`, proves it is still alive (links already mailed
      // with an `exp` before a moved session's end keep working).
      const subject = await deps.jwt.verifyLinkIgnoringExpiry(token, MANAGE_LINK_PURPOSE).catch(() => undefined);
      const [bookingId, customerId, sequence] = subject?.split('.') ?? [];
      if (!bookingId || !isValidObjectId(bookingId) || !/^\d+$/.test(sequence ?? '')) {
        throw new ManageLinkInvalidError();
      }
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      const usable =
        booking &&
        booking.status === 'confirmed' &&
        booking.customerId.toString() === customerId &&
        // A link made for an earlier version (before a move) still names this booking; one from the future cannot.
        Number(sequence) <= booking.sequence &&
        booking.end.getTime() > deps.clock.now().getTime();
      if (!usable) throw new ManageLinkInvalidError();
      return booking;
    },
  };
}

export type ManageLinks = ReturnType<typeof createManageLinks>;
