/**
 * The double-submit CSRF token: the API sets it in a cookie script may read (`csrf`, or `__Host-csrf` on https) next
 * to the HttpOnly session cookie, and wants it back in X-CSRF-Token on every state-changing request. A web app hosted
 * on another host of the same site cannot read the API's cookie, so the token from the sign-in answer is kept in
 * memory as the fallback.
 */
let fromSignIn: string | undefined;

export function rememberCsrfToken(token: string | undefined): void {
  fromSignIn = token;
}

export function readCookie(cookieHeader: string, name: string): string | undefined {
  for (const part of cookieHeader.split(';')) {
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

export function csrfToken(): string | undefined {
  const cookies = typeof document === 'undefined' ? '' : document.cookie;
  return readCookie(cookies, '__Host-csrf') ?? readCookie(cookies, 'csrf') ?? fromSignIn;
}
