import { createHmac } from 'node:crypto';
import request from 'supertest';
import { UserOAuthTokenModel } from '../src/models/user-oauth-token.model';
import { registerUser, uniqueEmail } from './support/app';
import { drainJobs } from './support/booking';
import { connectZoom } from './support/zoom';
import { useStack } from './support/stack';

const SECRET = 'test-webhook-secret';

function sign(body: string, timestamp: string, secret = SECRET) {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

describe('Zoom webhook', () => {
  const stack = useStack();
  const { clock } = stack;

  const post = (body: string, headers: Record<string, string>) =>
    request(stack.app).post('/api/zoom/webhook').set('Content-Type', 'application/json').set(headers).send(body);
  const nowTs = () => String(Math.floor(clock.now().getTime() / 1000));

  it('when Zoom validates the endpoint, then we answer plainToken and its HMAC', async () => {
    const body = JSON.stringify({
      event: 'endpoint.url_validation',
      payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
      event_ts: 1,
    });
    const ts = nowTs();
    const res = await post(body, { 'x-zm-signature': sign(body, ts), 'x-zm-request-timestamp': ts });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', SECRET).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
  });

  it('when the signature is missing, wrong or stale, then 401 and nothing changes', async () => {
    const { token, user } = await registerUser(stack.app, 'specialist');
    await connectZoom(stack.app, token, uniqueEmail('zoom'));
    const zoomUserId = (await UserOAuthTokenModel.findOne({ userId: user.id }).lean())!.zoomUserId!;
    const body = JSON.stringify({ event: 'app_deauthorized', payload: { user_id: zoomUserId, account_id: 'x' } });
    const ts = nowTs();
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { 'x-zm-signature': sign(body, ts, 'wrong'), 'x-zm-request-timestamp': ts })).status).toBe(
      401,
    );
    const tampered = body.replace('x', 'y');
    expect((await post(tampered, { 'x-zm-signature': sign(body, ts), 'x-zm-request-timestamp': ts })).status).toBe(401);
    const garbage = '{"event": ';
    expect((await post(garbage, { 'x-zm-signature': 'v0=nope', 'x-zm-request-timestamp': ts })).status).toBe(401);
    const signedGarbage = await post(garbage, { 'x-zm-signature': sign(garbage, ts), 'x-zm-request-timestamp': ts });
    expect([signedGarbage.status, signedGarbage.body.error.code]).toEqual([400, 'MALFORMED_JSON']);
    const old = String(Number(ts) - 6 * 60);
    const stale = await post(body, { 'x-zm-signature': sign(body, old), 'x-zm-request-timestamp': old });
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('INVALID_SIGNATURE');
    expect((await UserOAuthTokenModel.findOne({ userId: user.id }).lean())!.isRevoked).toBe(false);
  });

  it('when the user removes our app in Zoom, then app_deauthorized wipes their tokens', async () => {
    const { token, user } = await registerUser(stack.app, 'specialist');
    await connectZoom(stack.app, token, uniqueEmail('zoom'));
    const zoomUserId = (await UserOAuthTokenModel.findOne({ userId: user.id }).lean())!.zoomUserId!;
    const body = JSON.stringify({
      event: 'app_deauthorized',
      event_ts: clock.now().getTime(),
      payload: {
        account_id: 'acc',
        user_id: zoomUserId,
        signature: 'x',
        deauthorization_time: clock.now().toISOString(),
        client_id: 'sandbox-client-id',
      },
    });
    const ts = nowTs();
    const res = await post(body, { 'x-zm-signature': sign(body, ts), 'x-zm-request-timestamp': ts });
    expect(res.status).toBe(200);
    const after = await UserOAuthTokenModel.findOne({ userId: user.id }).lean();
    expect(after).toMatchObject({
      isRevoked: true,
      isActive: false,
      zoomAccessToken: null,
      zoomRefreshToken: null,
      revokedReason: 'deauthorized_in_zoom',
    });
    const status = await request(stack.app).get('/api/zoom/status').set('Authorization', `Bearer ${token}`);
    expect(status.body.connected).toBe(false);
  });

  it('when the grant dies, then the specialist receives exactly one reconnect email over SMTP', async () => {
    const { token, user } = await registerUser(stack.app, 'specialist');
    await connectZoom(stack.app, token, uniqueEmail('zoom'));
    const zoomUserId = (await UserOAuthTokenModel.findOne({ userId: user.id }).lean())!.zoomUserId!;
    stack.sandbox.revokeUserGrants(zoomUserId);
    clock.advance(3600_000 + 1000);
    for (let i = 0; i < 3; i += 1) {
      await stack.container.services.zoom.tokens.getAccessToken(user.id).catch(() => undefined);
    }
    await drainJobs(stack.container);
    const mails = stack.smtp.to(user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Please reconnect your Zoom account');
    expect(mails[0]!.html).toContain('href="http://frontend.test/specialist/profile?zoom=reconnect"');
    expect(mails[0]!.text).toContain('Reconnect Zoom: http://frontend.test/specialist/profile?zoom=reconnect');
  });
});
