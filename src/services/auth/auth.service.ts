import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { isValidObjectId } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { UnauthenticatedError } from '../../lib/errors';
import { UserModel, type UserRole } from '../../models/user.model';
import type { AccountLimits } from './account-limits';
import { createAccount, normaliseEmail, passwordMatches, signUp, type NewAccount } from './accounts';
import type { JwtService } from './jwt.service';
import type { LoginThrottle } from './login-throttle.service';
import { toUserDto, type UserDto } from './user.service';

export type { NewAccount } from './accounts';

/** Where a sign-in comes from: shown in the list of signed-in devices. */
export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

export interface Principal {
  userId: string;
  role: UserRole;
  /** The account as authenticate read it, so a request does not read it again. */
  user?: UserDto;
  /** The signed-in device the token belongs to (absent for tokens made before sessions existed). */
  sessionId?: string;
  /** When the token was issued: a "fresh sign-in" check reads it. */
  issuedAt?: Date;
  /**
   * The address this account has proven (its email once verified, else null): guest bookings made with it are the
   * account's (customerBookingsFilter).
   */
  provenEmail?: string | null;
}

interface StoredSession {
  createdAt: Date;
  userAgent: string | null;
  ip: string | null;
  endedAt?: Date | null;
}
type Sessions = Record<string, StoredSession>;

/** A signed-in session: the bearer token (also the cookie's value) and the CSRF token cookie clients send back. */
export interface NewSession {
  token: string;
  csrfToken: string;
}

export interface SessionDto {
  id: string;
  createdAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

// A fixed hash to verify against when the email is unknown, so response time does not reveal which emails exist.
const DUMMY_HASH_INPUT = 'timing-equaliser';

/**
 * Accounts and their sessions. A token names its session and the account's session version; both live on the user
 * document, which authentication reads anyway, so logout (one session) and logout-everywhere, password change, reset
 * and deletion (a raised version) end tokens at once without a read of their own.
 */
export function createAuthService(deps: {
  jwt: JwtService;
  throttle: LoginThrottle;
  limits: AccountLimits;
  clock: Clock;
  ttlSeconds: number;
  /** After an account is stored (its verification mail; a guest record taken over: its old links revoked). */
  onSignedUp?: (user: UserDto, how: { tookOver: boolean }) => Promise<void>;
}) {
  const dummyHash = argon2.hash(DUMMY_HASH_INPUT);
  const now = () => deps.clock.now();

  /** Stores a new session on the account (pruning ended and expired ones) and signs its token. */
  async function startSession(
    userId: string,
    role: UserRole,
    client: ClientInfo,
    /** The account as the caller just read it (a sign-in), to spare a read. */
    known?: { sessionVersion?: number | null; sessions?: unknown; deletingAt?: Date | null },
  ): Promise<NewSession> {
    const user = known ?? (await UserModel.findById(userId).lean());
    if (!user || user.deletingAt) throw new UnauthenticatedError('Account no longer exists', 'INVALID_TOKEN');
    const sessionId = randomBytes(16).toString('hex');
    const expiredBefore = now().getTime() - deps.ttlSeconds * 1000;
    const stale = Object.entries((user.sessions ?? {}) as Sessions)
      .filter(([, s]) => s.endedAt || new Date(s.createdAt).getTime() < expiredBefore)
      .map(([id]) => [`sessions.${id}`, 1]);
    const session: StoredSession = {
      createdAt: now(),
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      ip: client.ip,
      endedAt: null,
    };
    await UserModel.updateOne(
      { _id: userId },
      { $set: { [`sessions.${sessionId}`]: session }, ...(stale.length ? { $unset: Object.fromEntries(stale) } : {}) },
    );
    const token = await deps.jwt.signAccessToken({ userId, role, sessionId, sessionVersion: user.sessionVersion ?? 0 });
    return { token, csrfToken: deps.jwt.csrfTokenFor(sessionId) };
  }

  /** The signed-in user's account; a token of a deleted account is refused. */
  async function account(userId: string): Promise<UserDto> {
    const user = await UserModel.findById(userId).lean();
    if (!user || user.deletingAt) throw new UnauthenticatedError('Account no longer exists', 'INVALID_TOKEN');
    return toUserDto(user);
  }

  async function authenticate(token: string): Promise<Principal> {
    const claims = await deps.jwt.verifyAccessToken(token);
    if (!isValidObjectId(claims.userId)) throw new UnauthenticatedError('Invalid token', 'INVALID_TOKEN');
    const user = await UserModel.findById(claims.userId).lean();
    if (!user || user.deletingAt) throw new UnauthenticatedError('Account no longer exists', 'INVALID_TOKEN');
    if ((user.sessionVersion ?? 0) !== claims.sessionVersion) throw sessionEnded();
    if (claims.sessionId) {
      const session = ((user.sessions ?? {}) as Sessions)[claims.sessionId];
      if (!session || session.endedAt) throw sessionEnded();
    }
    return {
      userId: claims.userId,
      role: user.role,
      user: toUserDto(user),
      sessionId: claims.sessionId,
      issuedAt: claims.issuedAt,
      provenEmail: user.emailVerified ? user.email : null,
    };
  }

  return {
    createAccount,
    startSession,
    account,
    authenticate,
    /**
     * Routes whose service would read the account anyway used to check only the token here; sessions live on the
     * account, so this reads it too (the service then takes it from the principal instead of reading it again).
     */
    verify: authenticate,

    async register(input: NewAccount & { role: 'specialist' | 'customer' } & ClientInfo) {
      await deps.limits.signup(input.ip);
      const { ip, userAgent, ...fields } = input;
      const { user, tookOver } = await signUp(fields);
      await deps.onSignedUp?.(user, { tookOver });
      // A guest record taken over has a raised session version (a deleted account's old tokens must stay dead).
      const known = tookOver ? undefined : { sessionVersion: 0, sessions: {} };
      const session = await startSession(user.id, user.role, { ip, userAgent }, known);
      return { ...session, user };
    },

    async login(input: { email: string; password: string } & ClientInfo) {
      const email = normaliseEmail(input.email);
      await deps.throttle.beforeAttempt(input.ip, email);
      const user = await UserModel.findOne({ email }).lean();
      // A guest record is no account: refused exactly like an unknown address (no enumeration, same time).
      const ok = user?.passwordHash
        ? await passwordMatches(user.passwordHash, input.password)
        : (await argon2.verify(await dummyHash, input.password), false);
      if (!user || !ok || user.deletingAt || user.guest) {
        throw new UnauthenticatedError('Wrong email or password', 'INVALID_CREDENTIALS');
      }
      await deps.throttle.recordSuccess(email);
      const session = await startSession(user._id.toString(), user.role, input, user);
      return { ...session, user: toUserDto(user) };
    },

    /** Ends the caller's session (its token, and its cookie, stop working at once). */
    async logout(principal: Principal): Promise<void> {
      if (!principal.sessionId) {
        // A token from before sessions existed names none: only ending every session ends it.
        await endAllSessions(principal.userId);
        return;
      }
      await UserModel.updateOne(
        { _id: principal.userId, [`sessions.${principal.sessionId}`]: { $exists: true } },
        { $set: { [`sessions.${principal.sessionId}.endedAt`]: now() } },
      );
    },

    endAllSessions,

    csrfMatches: (sessionId: string, sent: string) => deps.jwt.csrfMatches(sessionId, sent),

    async listSessions(principal: Principal): Promise<SessionDto[]> {
      const user = await UserModel.findById(principal.userId).lean();
      const cutoff = now().getTime() - deps.ttlSeconds * 1000;
      return Object.entries((user?.sessions ?? {}) as Sessions)
        .filter(([, s]) => !s.endedAt && new Date(s.createdAt).getTime() >= cutoff)
        .map(([id, s]) => ({
          id,
          createdAt: new Date(s.createdAt).toISOString(),
          userAgent: s.userAgent ?? null,
          ip: s.ip ?? null,
          current: id === principal.sessionId,
        }))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
  };

  /**
   * Raises the session version: every token issued before fails at once (and the session list empties), and so does
   * an email-change link (its pending address goes too). `extra` is written in the same step; `accessChanged` (a
   * reset: the address is proven anew) also raises the access version, which voids the calendar-feed address.
   */
  async function endAllSessions(
    userId: string,
    extra: Record<string, unknown> = {},
    options: { accessChanged?: boolean } = {},
  ): Promise<void> {
    const $inc = { sessionVersion: 1, ...(options.accessChanged ? { accessVersion: 1 } : {}) };
    await UserModel.updateOne({ _id: userId }, { $inc, $set: { sessions: {}, pendingEmail: null, ...extra } });
  }
}

function sessionEnded() {
  return new UnauthenticatedError('This session has ended; sign in again', 'SESSION_ENDED');
}

export type AuthService = ReturnType<typeof createAuthService>;
