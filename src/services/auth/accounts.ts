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

/** Compares in constant time for the hash; a malformed stored hash counts as a wrong password. */
export async function passwordMatches(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

export function wrongCurrentPassword() {
  return new WrongPasswordError();
}

export function emailTaken() {
  return new ConflictError('An account with this email already exists', 'EMAIL_TAKEN');
}

/** Stores a new account; the unique index on the lower-cased email decides between two racing sign-ups. */
export async function createAccount(input: NewAccount): Promise<UserDto> {
  if (!isValidTimeZone(input.timezone)) {
    throw new ValidationError('Invalid time zone', [{ path: ['timezone'], message: 'must be an IANA time zone' }]);
  }
  const email = normaliseEmail(input.email);
  if (await UserModel.exists({ email })) throw emailTaken();
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await UserModel.create({ ...input, email, passwordHash, emailVerified: input.emailVerified ?? false });
    return toUserDto(user);
  } catch (error) {
    if (isDuplicateKeyError(error)) throw emailTaken();
    throw error;
  }
}
