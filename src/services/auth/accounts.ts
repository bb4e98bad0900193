import argon2 from 'argon2';
import { ConflictError, WrongPasswordError, isDuplicateKeyError, ValidationError } from '../../lib/errors';
import { isValidTimeZone } from '../../lib/timezone';
import { UserModel, type UserRole } from '../../models/user.model';
import { toUserDto, type UserDto } from './user.service';

export interface NewAccount {
  role: UserRole;
  name: string;
  email: string;
  password: string;
  timezone: string;
  /** Admins made by `npm run create-admin` start verified; everyone else verifies by mail. */
  emailVerified?: boolean;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/**
 * Compares in constant time for the hash; a malformed stored hash, and a guest record's missing one, count as a wrong
 * password.
 */
export async function passwordMatches(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) return false;
  return argon2.verify(hash, password).catch(() => false);
}

export function wrongCurrentPassword() {
  return new WrongPasswordError();
}

export function emailTaken() {
  return new ConflictError('An account with this email already exists', 'EMAIL_TAKEN');
}

/**
 * Stores a new account; the unique index on the lower-cased email decides between two racing sign-ups. A customer
 * sign-up with an address that only a guest record has (bookings made with emailed codes) takes that record over
 * (`tookOver`): it becomes the account, unverified, and its guest bookings stay hidden from it until the address is
 * verified (customerBookingsFilter).
 */
export async function signUp(input: NewAccount): Promise<{ user: UserDto; tookOver: boolean }> {
  if (!isValidTimeZone(input.timezone)) {
    throw new ValidationError('Invalid time zone', [{ path: ['timezone'], message: 'must be an IANA time zone' }]);
  }
  const email = normaliseEmail(input.email);
  const existing = await UserModel.findOne({ email }).lean();
  if (existing && !(existing.guest && input.role === 'customer' && !existing.deletingAt)) throw emailTaken();
  const passwordHash = await hashPassword(input.password);
  if (existing) {
    // Compare-and-set on the guest flag: of two racing sign-ups, one takes the record, the other gets EMAIL_TAKEN.
    // The account starts now (createdAt, as UserModel.create stamps it), and whatever an earlier holder of the record
    // was issued stops working: tokens and email-change links (session version), the feed address (access version).
    const taken = await UserModel.updateOne(
      { _id: existing._id, guest: true, deletingAt: null },
      {
        $set: {
          guest: false,
          name: input.name,
          timezone: input.timezone,
          passwordHash,
          emailVerified: false,
          pendingEmail: null,
          sessions: {},
          createdAt: new Date(),
        },
        $inc: { sessionVersion: 1, accessVersion: 1 },
      },
      { overwriteImmutable: true },
    );
    const user = taken.modifiedCount === 1 ? await UserModel.findById(existing._id).lean() : null;
    if (!user) throw emailTaken();
    return { user: toUserDto(user), tookOver: true };
  }
  try {
    const user = await UserModel.create({ ...input, email, passwordHash, emailVerified: input.emailVerified ?? false });
    return { user: toUserDto(user), tookOver: false };
  } catch (error) {
    if (isDuplicateKeyError(error)) throw emailTaken();
    throw error;
  }
}

export async function createAccount(input: NewAccount): Promise<UserDto> {
  return (await signUp(input)).user;
}
