import type { Express } from 'express';
import request from 'supertest';
import type { ManualClock } from '../../src/lib/clock';
import { startZoomSandbox, type ZoomSandbox } from '../../src/zoom-sandbox/zoom-sandbox';
import type { ZoomSandboxOptions } from '../../src/zoom-sandbox/types';

/** The Zoom sandbox on loopback, sharing the test's clock so token expiry is exact on both sides. */
export function startTestSandbox(clock: ManualClock, options: ZoomSandboxOptions = {}): Promise<ZoomSandbox> {
  return startZoomSandbox({ autoApprove: true, clock: { now: () => clock.nowMs() }, ...options });
}

export function sandboxEnv(sandbox: ZoomSandbox): Record<string, string> {
  return { ZOOM_OAUTH_BASE_URL: sandbox.oauthBaseUrl, ZOOM_API_BASE_URL: sandbox.apiBaseUrl };
}

/**
 * The `name=value` of the "Connect Zoom" browser cookie an answer sets (`zoom_connect`, `__Host-zoom_connect` on
 * https), as a browser would send it back; undefined when the answer sets none, '' when it clears it.
 */
export function connectCookieOf(res: { headers: Record<string, unknown> }): string | undefined {
  const set = ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? []);
  const line = set.find((c) => /^(__Host-)?zoom_connect=/.test(c));
  if (line === undefined) return undefined;
  const pair = line.split(';')[0]!;
  return /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line) ? '' : pair;
}

/**
 * Follows the real browser path: connect → Zoom's authorize page (auto-approved) → back with code and state. The
 * connect answer's cookie is returned (`cookie`), for the callback to carry as the browser does; `cookie` in
 * options is what this browser already holds (a second tab).
 */
export async function authorizeAtZoom(
  app: Express,
  specialistToken: string,
  zoomEmail: string,
  options: { cookie?: string } = {},
) {
  const ask = request(app).get('/api/zoom/connect').set('Authorization', `Bearer ${specialistToken}`);
  if (options.cookie) ask.set('Cookie', options.cookie);
  const connect = await ask;
  if (connect.status !== 200) throw new Error(`connect failed: ${connect.status} ${JSON.stringify(connect.body)}`);
  const cookie = connectCookieOf(connect);
  if (!cookie) throw new Error(`connect set no zoom_connect cookie: ${JSON.stringify(connect.headers['set-cookie'])}`);
  const authorizeUrl = new URL(connect.body.authorizeUrl as string);
  authorizeUrl.searchParams.set('login_hint', zoomEmail);
  const zoom = await request(authorizeUrl.origin)
    .get(authorizeUrl.pathname + authorizeUrl.search)
    .redirects(0);
  if (zoom.status !== 302) throw new Error(`authorize failed: ${zoom.status} ${zoom.text}`);
  const redirect = new URL(zoom.headers.location as string);
  return {
    authorizeUrl,
    redirect,
    cookie,
    code: redirect.searchParams.get('code')!,
    state: redirect.searchParams.get('state')!,
  };
}

/** Zoom's redirect back to our GET callback, from a browser holding `cookie` (none: another browser). */
export function zoomCallback(app: Express, search: string, cookie?: string) {
  const req = request(app).get(`/api/zoom/callback${search}`).redirects(0);
  if (cookie) req.set('Cookie', cookie);
  return req;
}

export async function connectZoom(app: Express, specialistToken: string, zoomEmail: string) {
  const { redirect, cookie } = await authorizeAtZoom(app, specialistToken, zoomEmail);
  const callback = await zoomCallback(app, redirect.search, cookie);
  // A reconnect to another Zoom account adds `moved=<n>`.
  const landed = callback.status === 302 ? new URL(String(callback.headers.location)) : undefined;
  if (landed?.searchParams.get('zoom') !== 'connected') {
    throw new Error(`callback failed: ${callback.status} ${callback.headers.location}`);
  }
}
