import { Types } from 'mongoose';
import { NotFoundError } from '../../lib/errors';
import type { CodeClaim, EmailCodes } from '../auth/auth.module';
import type { UserDto } from '../auth/user.service';
import type { BookingDto } from './booking.dto';
import type { BookingService, NewBooking } from './booking.service';
import type { ManageLinks } from './manage-link.service';

export interface GuestBookingInput extends NewBooking {
  name: string;
  email: string;
  timezone: string;
  /** The 6-digit code mailed by POST /api/guest/email-codes. */
  code: string;
}

export interface GuestBookingResult {
  booking: BookingDto;
  /** The manage link (the same as in the guest's mails): the guest's way back to the booking. */
  manage: { token: string; url: string };
  replayed: boolean;
}

/**
 * Booking without an account. The emailed code proves the address; the booking is then an ordinary one (the same
 * booking service: policies, limits, conflict-freedom, meeting, mails, reminders) owned by that address: its
 * customer is the address's customer account or guest record, and it carries the guest's name, zone and address.
 *
 * Order: a replay (same Idempotency-Key and booking fields) is answered first, but only to the code that made it;
 * otherwise the code is claimed, the owner found or made, and the booking made; a refused booking gives the code
 * back (it is consumed only when a booking exists).
 */
export function createGuestBookingService(deps: {
  bookings: Pick<BookingService, 'create' | 'replayOf'>;
  codes: Pick<EmailCodes, 'claim' | 'assertMadeBy'>;
  ownerOf(guest: { email: string; name: string; timezone: string }): Promise<UserDto>;
  links: Pick<ManageLinks, 'tokenFor'>;
  frontendUrl: string;
  normaliseEmail(email: string): string;
}) {
  async function withLink(booking: BookingDto, replayed: boolean): Promise<GuestBookingResult> {
    const token = await deps.links.tokenFor({
      _id: new Types.ObjectId(booking.id),
      customerId: new Types.ObjectId(booking.customerId),
      sequence: booking.sequence,
      end: new Date(booking.end),
    });
    return { booking, manage: { token, url: `${deps.frontendUrl}/manage/${token}` }, replayed };
  }

  async function replay(scope: string, fields: NewBooking, guess: { email: string; code: string; ip: string }) {
    const booking = await deps.bookings.replayOf(scope, fields);
    if (!booking) return undefined;
    await deps.codes.assertMadeBy({ ...guess, bookingId: booking.id, scope });
    return withLink(booking, true);
  }

  return {
    /** `ip`: the caller's, for the limit on codes that do not work (GUEST_CODE_FAILURES_MAX_PER_IP). */
    async book(input: GuestBookingInput, ip: string, idempotencyKey?: string): Promise<GuestBookingResult> {
      const { name, timezone, code, email: given, ...fields } = input;
      const email = deps.normaliseEmail(given);
      // A guest's keys belong to the address (a signed-in customer's to the account).
      const keyScope = `guest-booking:${email}`;
      const scope = idempotencyKey ? `${keyScope}:${idempotencyKey}` : undefined;
      const guess = { email, code, ip };
      if (scope) {
        const replayed = await replay(scope, fields, guess);
        if (replayed) return replayed;
      }
      const claim: CodeClaim | { replayOf: string } = await deps.codes.claim(email, code, ip, scope);
      if ('replayOf' in claim) {
        // A twin request with the same key and code made the booking meanwhile.
        const replayed = scope ? await replay(scope, fields, guess) : undefined;
        if (!replayed) throw new NotFoundError('Booking');
        return replayed;
      }
      const guest = { email, name, timezone };
      try {
        const owner = await deps.ownerOf(guest);
        // The code proves the address: the booking counts as verified (REQUIRE_VERIFIED_EMAIL=all).
        const customer = { userId: owner.id, user: { ...owner, ...guest, emailVerified: true } };
        const made = await deps.bookings.create(customer, fields, idempotencyKey, { guest, keyScope });
        // A booking the key had already made (with an earlier code) leaves this code unused.
        if (made.replayed) await claim.release();
        else await claim.consumed(made.booking.id);
        return withLink(made.booking, made.replayed);
      } catch (error) {
        await claim.release();
        throw error;
      }
    },
  };
}

export type GuestBookingService = ReturnType<typeof createGuestBookingService>;
