import type { RequestHandler, Response } from 'express';
import { CsrfTokenError, ForbiddenError, UnauthenticatedError } from '../lib/errors';
import type { UserRole } from '../models/user.model';
import type { AuthService, Principal } from '../services/auth/auth.service';
import {
  clearSessionCookies,
  CSRF_HEADER,
  readCookie,
  sessionCookieNames,
  type SessionCookieSettings,
} from './session-cookies';

export type Access = 'public' | 'authenticated' | readonly UserRole[];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * A bearer token (API clients) or the session cookie (browsers). A request the cookie authenticates that changes
 * state must also carry its session's CSRF token in X-CSRF-Token: a cross-site form or fetch can make the browser send
 * the cookie, but cannot read the csrf cookie to copy it.
 */
export function authenticate(
  auth: AuthService,
  access: Exclude<Access, 'public'>,
  cookies: SessionCookieSettings,
): RequestHandler {
  const names = sessionCookieNames(cookies);
  return async (req, res, next) => {
    const bearer = bearerToken(req.headers.authorization);
    const cookie = bearer ? undefined : readCookie(req, names.session);
    const token = bearer ?? cookie;
    if (!token) throw new UnauthenticatedError('Missing bearer token or session cookie');
    const principal = cookie ? await cookiePrincipal(auth, res, cookies, cookie) : await auth.authenticate(token);
    if (cookie && !SAFE_METHODS.has(req.method)) {
      const sent = req.get(CSRF_HEADER);
      if (!principal.sessionId || !sent || !auth.csrfMatches(principal.sessionId, sent)) throw new CsrfTokenError();
    }
    if (access !== 'authenticated' && !access.includes(principal.role)) {
      throw new ForbiddenError(`This requires the role ${access.join(' or ')}`);
    }
    res.locals.principal = principal;
    next();
  };
}

/** The session cookie's principal; an ended session's cookie is cleared with the 401 (HttpOnly: script cannot). */
export function cookiePrincipal(
  auth: AuthService,
  res: Response,
  cookies: SessionCookieSettings,
  cookie: string,
): Promise<Principal> {
  return auth.authenticate(cookie).catch((error: unknown) => {
    if (error instanceof UnauthenticatedError) clearSessionCookies(res, cookies);
    throw error;
  });
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new UnauthenticatedError();
  return principal;
}
