import argon2 from 'argon2';
import { isValidObjectId } from 'mongoose';
import { ConflictError, isDuplicateKeyError, UnauthenticatedError, ValidationError } from '../../lib/errors';
import { isValidTimeZone } from '../../lib/timezone';
import { UserModel, type UserRole } from '../../models/user.model';
import type { JwtService } from './jwt.service';
import type { AccountLimits } from './account-limits';
import type { LoginThrottle } from './login-throttle.service';
import { toUserDto, type UserDto } from './user.service';

export interface NewAccount {
  role: UserRole;
  name: string;
  email: string;
  password: string;
  timezone: string;
}

export interface Principal {
  userId: string;
  role: UserRole;
  /** The account as authenticate read it, so a request does not read it again. */
  user?: UserDto;
}

// A fixed hash to verify against when the email is unknown, so response time does not reveal which emails exist.
const DUMMY_HASH_INPUT = 'timing-equaliser';

export function createAuthService(deps: {
  jwt: JwtService;
  throttle: LoginThrottle;
  limits: AccountLimits;
  /** After an account is stored (its verification mail). */
  onSignedUp?: (user: UserDto) => Promise<void>;
}) {
  const dummyHash = argon2.hash(DUMMY_HASH_INPUT);

  async function createAccount(input: NewAccount): Promise<UserDto> {
    if (!isValidTimeZone(input.timezone)) {
      throw new ValidationError('Invalid time zone', [{ path: ['timezone'], message: 'must be an IANA time zone' }]);
    }
    const email = input.email.trim().toLowerCase();
    if (await UserModel.exists({ email })) throw emailTaken();
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    try {
      const user = await UserModel.create({ ...input, email, passwordHash });
      return toUserDto(user);
    } catch (error) {
      // Two registrations racing for one address: the unique index decides.
      if (isDuplicateKeyError(error)) throw emailTaken();
      throw error;
    }
  }

  /** The signed-in user's account; a token of a deleted account is refused. */
  async function account(userId: string): Promise<UserDto> {
    const user = await UserModel.findById(userId).lean();
    if (!user) throw new UnauthenticatedError('Account no longer exists', 'INVALID_TOKEN');
    return toUserDto(user);
  }

  return {
    createAccount,

    async register(input: NewAccount & { role: 'specialist' | 'customer'; ip: string }) {
      await deps.limits.signup(input.ip);
      const { ip: _ip, ...account } = input;
      const user = await createAccount(account);
      await deps.onSignedUp?.(user);
      const token = await deps.jwt.signAccessToken({ userId: user.id, role: user.role });
      return { token, user };
    },

    async login(input: { email: string; password: string; ip: string }) {
      const email = input.email.trim().toLowerCase();
      await deps.throttle.beforeAttempt(input.ip, email);
      const user = await UserModel.findOne({ email }).lean();
      const ok = user
        ? await argon2.verify(user.passwordHash, input.password)
        : (await argon2.verify(await dummyHash, input.password), false);
      if (!user || !ok) {
        throw new UnauthenticatedError('Wrong email or password', 'INVALID_CREDENTIALS');
      }
      await deps.throttle.recordSuccess(email);
      const token = await deps.jwt.signAccessToken({ userId: user._id.toString(), role: user.role });
      return { token, user: toUserDto(user) };
    },

    /** Resolves a bearer token to the current user; a deleted user's token stops working at once. */
    async authenticate(token: string): Promise<Principal> {
      const claims = await deps.jwt.verifyAccessToken(token);
      if (!isValidObjectId(claims.userId)) throw new UnauthenticatedError('Invalid token', 'INVALID_TOKEN');
      const user = await account(claims.userId);
      return { userId: claims.userId, role: user.role, user };
    },

    /**
     * The token alone (signature, expiry, the role it was issued for), for routes whose service reads the account
     * anyway: it must then call `account`, so a deleted user's token still stops working at once.
     */
    async verify(token: string): Promise<Principal> {
      const claims = await deps.jwt.verifyAccessToken(token);
      if (!isValidObjectId(claims.userId)) throw new UnauthenticatedError('Invalid token', 'INVALID_TOKEN');
      return { userId: claims.userId, role: claims.role };
    },

    account,
  };
}

function emailTaken() {
  return new ConflictError('An account with this email already exists', 'EMAIL_TAKEN');
}

export type AuthService = ReturnType<typeof createAuthService>;
