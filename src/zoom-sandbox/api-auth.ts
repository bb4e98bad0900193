import type { RequestHandler, Response } from 'express';
import type { Grant } from './auth-store';
import type { SandboxState } from './state';
import type { SandboxUser } from './types';

/** Who is calling: a user-managed grant acts for one user; an S2S (account) grant for any user of the account. */
export interface Principal {
  grant: Grant;
  user?: SandboxUser;
}

export type ApiFailure = { status: number; body: { code: number; message: string } };

export const INVALID_TOKEN = { code: 124, message: 'Invalid access token.' };

/** Bearer tokens in the Authorization header only; a token in the query string is refused outright. */
export function requireBearer(state: SandboxState): RequestHandler {
  return (req, res, next) => {
    if (req.query.access_token !== undefined) return void res.status(401).json(INVALID_TOKEN);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) return void res.status(401).json(INVALID_TOKEN);
    const check = state.auth.checkAccess(match[1]);
    if (!check.ok) {
      // Zoom words an expired token differently, with the same code 124.
      return void res
        .status(401)
        .json(check.expired ? { code: 124, message: 'Access token is expired.' } : INVALID_TOKEN);
    }
    const user = check.grant.userId ? state.users.find(check.grant.userId) : undefined;
    if (check.grant.kind === 'user' && !user) return void res.status(401).json(INVALID_TOKEN);
    const principal: Principal = { grant: check.grant, ...(user ? { user } : {}) };
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

export function userNotFound(userId: string): ApiFailure {
  return { status: 404, body: { code: 1001, message: `User does not exist: ${userId}.` } };
}

/**
 * The user a `:userId` path segment names, as this principal may see it. A user-managed token sees only its
 * own user (others look nonexistent); an S2S token has no "me".
 */
export function resolveUser(state: SandboxState, principal: Principal, userId: string): SandboxUser | ApiFailure {
  if (principal.user) {
    const own = principal.user;
    if (userId === 'me' || userId === own.id || userId.toLowerCase() === own.email) return own;
    return userNotFound(userId);
  }
  if (userId === 'me') return userNotFound(userId);
  return state.users.find(userId) ?? userNotFound(userId);
}

export function isApiFailure(value: SandboxUser | ApiFailure): value is ApiFailure {
  return 'status' in value && 'body' in value;
}
