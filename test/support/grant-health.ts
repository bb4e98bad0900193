import { createHmac } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { ManualClock } from '../../src/lib/clock';
import { UserOAuthTokenModel } from '../../src/models/user-oauth-token.model';
import type { ZoomSandbox } from '../../src/zoom-sandbox/zoom-sandbox';
import { book } from './booking';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The admin grant-health API as a signed-in admin (or anyone) calls it. */
export function adminGet(app: Express, token: string | undefined, path: string) {
  const req = request(app).get(path);
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
}

export const grantOf = (specialistId: string) => UserOAuthTokenModel.findOne({ userId: specialistId }).lean();

/**
 * A booking whose meeting is still pending: Zoom answers 429 with a Retry-After far ahead, so the meeting job stays
 * out of the way of what the test is about.
 */
export async function bookWithPendingMeeting(
  app: Express,
  sandbox: ZoomSandbox,
  customerToken: string,
  specialistId: string,
  start: string,
) {
  sandbox.inject({ route: 'POST /v2/users/:userId/meetings', status: 429, retryAfter: String(30 * 24 * 3600) });
  const res = await book(app, customerToken, { specialistId, start, topic: 'CV review' });
  if (res.status !== 201 || res.body.meeting.status !== 'pending')
    throw new Error(`expected a pending booking: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; start: string; end: string };
}

/** Zoom's app_deauthorized event, signed with the test app's webhook secret. */
export function sendDeauthorized(app: Express, clock: ManualClock, zoomUserId: string) {
  const body = JSON.stringify({
    event: 'app_deauthorized',
    event_ts: clock.now().getTime(),
    payload: { account_id: 'acc', user_id: zoomUserId, client_id: 'sandbox-client-id', signature: 'x' },
  });
  const ts = String(Math.floor(clock.now().getTime() / 1000));
  const signature = `v0=${createHmac('sha256', 'test-webhook-secret').update(`v0:${ts}:${body}`).digest('hex')}`;
  return request(app)
    .post('/api/zoom/webhook')
    .set('Content-Type', 'application/json')
    .set({ 'x-zm-signature': signature, 'x-zm-request-timestamp': ts })
    .send(body);
}
