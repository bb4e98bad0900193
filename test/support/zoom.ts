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

/** Follows the real browser path: connect → Zoom's authorize page (auto-approved) → our callback. */
export async function authorizeAtZoom(app: Express, specialistToken: string, zoomEmail: string) {
  const connect = await request(app).get('/api/zoom/connect').set('Authorization', `Bearer ${specialistToken}`);
  if (connect.status !== 200) throw new Error(`connect failed: ${connect.status} ${JSON.stringify(connect.body)}`);
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
    code: redirect.searchParams.get('code')!,
    state: redirect.searchParams.get('state')!,
  };
}

export async function connectZoom(app: Express, specialistToken: string, zoomEmail: string) {
  const { redirect } = await authorizeAtZoom(app, specialistToken, zoomEmail);
  const callback = await request(app).get(`/api/zoom/callback${redirect.search}`).redirects(0);
  // A reconnect to another Zoom account adds `moved=<n>`.
  const landed = callback.status === 302 ? new URL(String(callback.headers.location)) : undefined;
  if (landed?.searchParams.get('zoom') !== 'connected') {
    throw new Error(`callback failed: ${callback.status} ${callback.headers.location}`);
  }
}
