import request from 'supertest';
import { UserOAuthTokenModel } from '../src/models/user-oauth-token.model';
import { OutboxMailModel } from '../src/models/outbox-mail.model';
import { ZoomTokenRejectedError } from '../src/services/zoom/zoom.errors';
import { createTestApp, registerUser, uniqueEmail } from './support/app';
import { connectZoom, sandboxEnv } from './support/zoom';
import { useStack } from './support/stack';

const HOUR = 3600_000;

describe('getAccessToken: refresh, rotation and concurrency', () => {
  const stack = useStack();
  const { clock } = stack;

  async function connectedSpecialist() {
    const s = await registerUser(stack.app, 'specialist');
    await connectZoom(stack.app, s.token, uniqueEmail('zoom'));
    stack.sandbox.resetCalls();
    return s;
  }
  const stored = (userId: string) => UserOAuthTokenModel.findOne({ userId }).lean();

  it('when the token is fresh, then it is returned without calling Zoom and lastUsedAt is recorded', async () => {
    const { user, token } = await connectedSpecialist();
    clock.advance(30 * 60 * 1000);
    const access = await stack.container.services.zoom.tokens.getAccessToken(user.id);
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(0);
    const me = await request(stack.sandbox.url).get('/v2/users/me').set('Authorization', `Bearer ${access}`);
    expect(me.status).toBe(200);
    const status = await request(stack.app).get('/api/zoom/status').set('Authorization', `Bearer ${token}`);
    expect(status.body.lastUsedAt).toBe(clock.now().toISOString());
  });

  it('when the token expires within the 5-minute margin, then it is refreshed and the rotated refresh token stored', async () => {
    const { user } = await connectedSpecialist();
    const before = await stored(user.id);
    const oldRefresh = stack.container.cipher.decrypt(before!.zoomRefreshToken!);
    clock.advance(HOUR - 4 * 60 * 1000); // 4 minutes before Zoom's expiry
    const access = await stack.container.services.zoom.tokens.getAccessToken(user.id);
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(1);
    expect(stack.sandbox.requests('POST /oauth/token')[0]!.body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: oldRefresh,
    });
    const after = await stored(user.id);
    expect(after!.version).toBe(before!.version + 1);
    expect(stack.container.cipher.decrypt(after!.zoomRefreshToken!)).not.toBe(oldRefresh);
    expect(stack.container.cipher.decrypt(after!.zoomAccessToken!)).toBe(access);
    expect(after!.zoomAccessTokenExpiry!.getTime()).toBeGreaterThan(clock.now().getTime() + 50 * 60 * 1000);
    // The stored rotated refresh token is the one Zoom now honours.
    const again = await request(stack.sandbox.url)
      .post('/oauth/token')
      .auth('sandbox-client-id', 'sandbox-client-secret')
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: oldRefresh });
    expect(again.body).toEqual({ reason: 'Invalid Token!', error: 'invalid_grant' });
  });

  it('when 50 callers in one process ask at expiry, then exactly one token call is made and all get the same token', async () => {
    const { user } = await connectedSpecialist();
    clock.advance(HOUR + 1000);
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => stack.container.services.zoom.tokens.getAccessToken(user.id)),
    );
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('when four app instances share the database at expiry, then exactly one token call is made and both succeed', async () => {
    const { user } = await connectedSpecialist();
    const others = [1, 2, 3].map(() => createTestApp({ clock, env: sandboxEnv(stack.sandbox) }));
    clock.advance(HOUR + 1000);
    const calls = [stack, ...others].flatMap((instance) =>
      Array.from({ length: 15 }, () => instance.container.services.zoom.tokens.getAccessToken(user.id)),
    );
    const tokens = await Promise.all(calls);
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('when Zoom answers 401 to an API call, then one refresh and one retry happen', async () => {
    const { user } = await connectedSpecialist();
    stack.sandbox.inject({
      route: 'GET /v2/users/me',
      status: 401,
      body: { code: 124, message: 'Invalid access token.' },
    });
    const me = await stack.container.services.zoom.tokens.withToken(user.id, (token) =>
      stack.container.services.zoom.api.getMe(token),
    );
    expect(me.email).toMatch(/@example.com$/);
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(1);
    expect(stack.sandbox.calls('GET /v2/users/me')).toBe(2);
  });

  it('when Zoom rejects the token and the refresh fails, then the rejected token is not tried again: a retryable error instead', async () => {
    const { user } = await connectedSpecialist();
    const tokens = stack.container.services.zoom.tokens;
    stack.sandbox.inject({ route: 'POST /oauth/token', status: 503, times: 5 });
    let calls = 0;
    const rejecting = async () => {
      calls += 1;
      throw new ZoomTokenRejectedError();
    };
    // The refresh itself fails (503), then within the cool-down (no refresh at all): each time one call, no retry.
    for (const round of [1, 2]) {
      await expect(tokens.withToken(user.id, rejecting)).rejects.toMatchObject({
        code: 'ZOOM_API_ERROR',
        retryable: true,
      });
      await tokens.idle();
      expect(calls).toBe(round);
    }
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(1);
  });

  it('when another instance rotated the token under a slow one, then its invalid_grant is not taken for a revocation', async () => {
    const { user } = await connectedSpecialist();
    const other = createTestApp({ clock, env: sandboxEnv(stack.sandbox) });
    clock.advance(HOUR + 1000);
    // Instance A takes the lease, but its request is slow to reach Zoom; its lease lapses and B takes over.
    stack.sandbox.inject({ route: 'POST /oauth/token', delayMs: 400 });
    const slow = stack.container.services.zoom.tokens.getAccessToken(user.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    clock.advance(31_000);
    const fromB = await other.container.services.zoom.tokens.getAccessToken(user.id);
    const fromA = await slow;
    expect(fromA).toBe(fromB);
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(2);
    const after = await stored(user.id);
    expect(after).toMatchObject({ needsReauth: false, isActive: true });
    expect(stack.container.cipher.decrypt(after!.zoomAccessToken!)).toBe(fromB);
  });

  it('when the grant is dead (invalid_grant), then needsReauth is set, the failure counted, and one email sent however often it is asked', async () => {
    const { user, token } = await connectedSpecialist();
    const zoomUserId = (await stored(user.id))!.zoomUserId!;
    stack.sandbox.revokeUserGrants(zoomUserId);
    clock.advance(HOUR + 1000);
    for (let i = 0; i < 3; i += 1) {
      await expect(stack.container.services.zoom.tokens.getAccessToken(user.id)).rejects.toMatchObject({
        code: 'ZOOM_NOT_CONNECTED',
      });
    }
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(1);
    const after = await stored(user.id);
    expect(after).toMatchObject({ needsReauth: true, refreshErrorCount: 1 });
    expect(after!.lastRefreshError).toContain('Invalid Token!');
    const mails = (await OutboxMailModel.find({ to: user.email }).lean()).filter(
      (m) => !m.dedupeKey.startsWith('account:'), // the sign-up's verification mail
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Please reconnect your Zoom account');
    expect(mails[0]!.text).toContain('http://frontend.test/specialist/profile?zoom=reconnect');
    const status = await request(stack.app).get('/api/zoom/status').set('Authorization', `Bearer ${token}`);
    expect(status.body).toMatchObject({ connected: false, needsReauth: true });

    // Reconnecting clears it.
    await connectZoom(stack.app, token, uniqueEmail('zoom'));
    expect((await stored(user.id))!.needsReauth).toBe(false);
  });

  it('when Zoom is briefly down inside the margin, then the still-valid token keeps working', async () => {
    const { user } = await connectedSpecialist();
    const current = stack.container.cipher.decrypt((await stored(user.id))!.zoomAccessToken!);
    clock.advance(HOUR - 2 * 60 * 1000);
    stack.sandbox.inject({ route: 'POST /oauth/token', status: 503 });
    expect(await stack.container.services.zoom.tokens.getAccessToken(user.id)).toBe(current);
    const after = await stored(user.id);
    expect(after).toMatchObject({ refreshErrorCount: 1, needsReauth: false, refreshLeaseOwner: null });
  });
});
