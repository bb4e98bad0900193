import type { CookieOptions, Request, Response } from 'express';

export interface SessionCookieSettings {
  /** Secure cookies (and the `__Host-` prefix that pins them to this host) in production and on https. */
  secure: boolean;
  maxAgeSeconds: number;
}

export const CSRF_HEADER = 'X-CSRF-Token';

export function sessionCookieNames(settings: SessionCookieSettings) {
  return settings.secure ? { session: '__Host-session', csrf: '__Host-csrf' } : { session: 'session', csrf: 'csrf' };
}

/** The "Connect Zoom" browser binding (HttpOnly, the nonces of this browser's pending connects). */
export function zoomConnectCookieName(settings: Pick<SessionCookieSettings, 'secure'>) {
  return settings.secure ? '__Host-zoom_connect' : 'zoom_connect';
}

/** One cookie's value from the Cookie header (no dependency needed for this much). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The session token in an HttpOnly, SameSite=Lax cookie (script cannot read it); the session's CSRF token in a cookie
 * script can read, to send back as the X-CSRF-Token header on every state-changing request (double submit).
 */
export function setSessionCookies(res: Response, settings: SessionCookieSettings, token: string, csrfToken: string) {
  const names = sessionCookieNames(settings);
  const common: CookieOptions = {
    secure: settings.secure,
    sameSite: 'lax',
    path: '/',
    maxAge: settings.maxAgeSeconds * 1000,
  };
  res.cookie(names.session, token, { ...common, httpOnly: true });
  res.cookie(names.csrf, csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(res: Response, settings: SessionCookieSettings) {
  const names = sessionCookieNames(settings);
  const common: CookieOptions = { secure: settings.secure, sameSite: 'lax', path: '/' };
  res.clearCookie(names.session, { ...common, httpOnly: true });
  res.clearCookie(names.csrf, common);
}
