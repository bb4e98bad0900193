import { ConflictError, isDuplicateKeyError, UnprocessableError } from '../../lib/errors';
import { UserModel } from '../../models/user.model';
import { normaliseEmail } from './accounts';
import { toUserDto, type UserDto } from './user.service';

export interface GuestOwnerInput {
  email: string;
  name: string;
  timezone: string;
}

const beingDeleted = () =>
  new ConflictError(
    'The account with this address is being deleted; try again in a few minutes',
    'ACCOUNT_BEING_DELETED',
  );

/**
 * The record a code-proven address books under: the customer account that has the address, or else a guest record
 * made for it (no password, no sessions: nobody signs in to it). Called only once the code is proven, so a refused
 * request never stores a record. A record that is not a verified account is marked (`guestBookingAt`, a
 * conditional write that a started deletion refuses), so its deletion waits for the booking to land.
 */
export async function guestOwnerOf(input: GuestOwnerInput, now: Date): Promise<UserDto> {
  const email = normaliseEmail(input.email);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const user = await UserModel.findOne({ email }).lean();
    if (user) {
      if (user.deletingAt) throw beingDeleted();
      if (user.role !== 'customer') {
        throw new UnprocessableError(
          'This address belongs to a specialist or admin account, which cannot book sessions',
          'GUEST_EMAIL_NOT_CUSTOMER',
        );
      }
      if (user.emailVerified) return toUserDto(user); // the booking is the account's own
      // matchedCount: the same instant written again (a clock that stands still) modifies nothing, yet counts.
      const marked = await UserModel.updateOne({ _id: user._id, deletingAt: null }, { $set: { guestBookingAt: now } });
      if (marked.matchedCount !== 1) throw beingDeleted();
      return toUserDto(user);
    }
    try {
      const made = await UserModel.create({
        role: 'customer',
        name: input.name,
        email,
        timezone: input.timezone,
        passwordHash: null,
        guest: true,
        emailVerified: false,
        guestBookingAt: now,
      });
      return toUserDto(made);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // a racing request (or sign-up) made it: use theirs
    }
  }
  throw new ConflictError('This address is being used by another request; try again', 'GUEST_RECORD_BUSY');
}
