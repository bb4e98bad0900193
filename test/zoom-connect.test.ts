import request from 'supertest';
import mongoose from 'mongoose';
import { UserOAuthTokenModel } from '../src/models/user-oauth-token.model';
import { registerUser, uniqueEmail } from './support/app';
import { authorizeAtZoom, connectZoom, zoomCallback } from './support/zoom';
import { useStack } from './support/stack';

describe('Connect Zoom (authorization code + PKCE)', () => {
  const stack = useStack();
  const { clock } = stack;

  it('when a specialist connects, then status shows the Zoom account and never a token', async () => {
    const { token } = await registerUser(stack.app, 'specialist');
    const zoomEmail = uniqueEmail('zoom');
    const before = await request(stack.app).get('/api/zoom/status').set('Authorization', `Bearer ${token}`);
    expect(before.body).toEqual({
      connected: false,
      zoomEmail: null,
      zoomUserId: null,
      authorizedAt: null,
      lastUsedAt: null,
      needsReauth: false,
      state: 'never',
      lastRefreshedAt: null,
      accessTokenExpiresAt: null,
      accountChange: null,
    });

    const { authorizeUrl, redirect, cookie } = await authorizeAtZoom(stack.app, token, zoomEmail);
    expect(authorizeUrl.searchParams.get('response_type')).toBe('code');
    expect(authorizeUrl.searchParams.get('client_id')).toBe('sandbox-client-id');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe('http://api.test/api/zoom/callback');
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(Buffer.from(authorizeUrl.searchParams.get('state')!, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(authorizeUrl.searchParams.get('scope')).toContain('meeting:write');

    const callback = await zoomCallback(stack.app, redirect.search, cookie);
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('http://frontend.test/specialist/profile?zoom=connected');

    // The PKCE verifier reached Zoom's token endpoint with the code, under HTTP Basic client auth.
    const [exchange] = stack.sandbox.requests('POST /oauth/token').slice(-1);
    expect(exchange!.body).toMatchObject({ grant_type: 'authorization_code', code: redirect.searchParams.get('code') });
    expect(String((exchange!.body as Record<string, string>).code_verifier)).toMatch(/^[\w-]{43,128}$/);
    expect(exchange!.headers.authorization).toMatch(/^Basic /);

    const status = await request(stack.app).get('/api/zoom/status').set('Authorization', `Bearer ${token}`);
    const zoomUser = stack.sandbox.users().find((u) => u.email === zoomEmail)!;
    expect(status.body).toEqual({
      connected: true,
      zoomEmail,
      zoomUserId: zoomUser.id,
      authorizedAt: clock.now().toISOString(),
      lastUsedAt: null,
      needsReauth: false,
      state: 'connected',
      lastRefreshedAt: null,
      // Zoom's one-hour token (expires_in 3599), never the token itself.
      accessTokenExpiresAt: new Date(clock.now().getTime() + 3599_000).toISOString(),
      accountChange: null,
    });
    // Only the expiry field is named after the token; nothing else mentions one, and no token value appears.
    expect(JSON.stringify(status.body).replace('"accessTokenExpiresAt"', '')).not.toMatch(/token/i);
    const grant = await UserOAuthTokenModel.findOne({ zoomEmail }).lean();
    for (const sealed of [grant!.zoomAccessToken!, grant!.zoomRefreshToken!])
      expect(JSON.stringify(status.body)).not.toContain(stack.container.cipher.decrypt(sealed));
  });

  it('when the database is dumped, then no Zoom token appears in plaintext', async () => {
    const { token } = await registerUser(stack.app, 'specialist');
    stack.sandbox.resetCalls();
    await connectZoom(stack.app, token, uniqueEmail('zoom'));
    const issued = stack.sandbox.requests('POST /oauth/token').length;
    expect(issued).toBe(1);
    const docs = await mongoose.connection.db!.collection('useroauthtokens').find({}).toArray();
    const dump = JSON.stringify(docs);
    for (const doc of docs) {
      expect(doc.zoomAccessToken).toMatch(/^v2\./);
      expect(doc.zoomRefreshToken).toMatch(/^v2\./);
    }
    const plain = await stack.container.services.zoom.tokens.getAccessToken(String(docs.at(-1)!.userId));
    expect(plain.length).toBeGreaterThan(10);
    expect(dump).not.toContain(plain);
  });

  it('when the state is forged, replayed or expired, then the browser is sent back with an error and nothing is stored', async () => {
    const { token, user } = await registerUser(stack.app, 'specialist');
    const forged = await request(stack.app).get('/api/zoom/callback?code=abc&state=forged-state').redirects(0);
    expect(forged.status).toBe(302);
    expect(forged.headers.location).toBe('http://frontend.test/specialist/profile?zoom=error&reason=invalid_state');

    const first = await authorizeAtZoom(stack.app, token, uniqueEmail('zoom'));
    const ok = await zoomCallback(stack.app, first.redirect.search, first.cookie);
    expect(ok.headers.location).toContain('zoom=connected');
    const replay = await zoomCallback(stack.app, first.redirect.search, first.cookie);
    expect(replay.headers.location).toContain('zoom=error&reason=invalid_state');

    const { token: token2, user: user2 } = await registerUser(stack.app, 'specialist');
    const late = await authorizeAtZoom(stack.app, token2, uniqueEmail('zoom'));
    clock.advance(10 * 60 * 1000 + 1);
    const expired = await zoomCallback(stack.app, late.redirect.search, late.cookie);
    expect(expired.headers.location).toContain('zoom=error&reason=invalid_state');
    expect(await UserOAuthTokenModel.countDocuments({ userId: user2.id })).toBe(0);
    expect(await UserOAuthTokenModel.countDocuments({ userId: user.id })).toBe(1);
  });

  it('when the specialist denies access at Zoom or the code is bad, then error redirect and nothing stored', async () => {
    const { token, user } = await registerUser(stack.app, 'specialist');
    const repeated = await request(stack.app).get('/api/zoom/callback?code=a&code=b&state=x&state=y').redirects(0);
    expect(repeated.status).toBe(302);
    expect(repeated.headers.location).toContain('zoom=error&reason=invalid_state');
    const denied = await request(stack.app).get('/api/zoom/callback?error=access_denied&state=x').redirects(0);
    expect(denied.headers.location).toBe('http://frontend.test/specialist/profile?zoom=error&reason=access_denied');

    const { state, cookie } = await authorizeAtZoom(stack.app, token, uniqueEmail('zoom'));
    const bad = await zoomCallback(stack.app, `?code=not-a-real-code&state=${state}`, cookie);
    expect(bad.headers.location).toBe('http://frontend.test/specialist/profile?zoom=error&reason=exchange_failed');
    expect(await UserOAuthTokenModel.countDocuments({ userId: user.id })).toBe(0);
  });

  it('when a single-page app posts code and state, then JSON answers; another specialist cannot use the state', async () => {
    const owner = await registerUser(stack.app, 'specialist');
    const other = await registerUser(stack.app, 'specialist');
    const { code, state } = await authorizeAtZoom(stack.app, owner.token, uniqueEmail('zoom'));
    const stolen = await request(stack.app)
      .post('/api/zoom/callback')
      .set('Authorization', `Bearer ${other.token}`)
      .send({ code, state });
    expect(stolen.status).toBe(403);

    const { code: code2, state: state2 } = await authorizeAtZoom(stack.app, owner.token, 'spa.owner@example.com');
    const res = await request(stack.app)
      .post('/api/zoom/callback')
      .set('Authorization', `Bearer ${owner.token}`)
      .send({ code: code2, state: state2 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ connected: true, zoomEmail: 'spa.owner@example.com', zoomUserId: expect.any(String) });
    const replay = await request(stack.app)
      .post('/api/zoom/callback')
      .set('Authorization', `Bearer ${owner.token}`)
      .send({ code: code2, state: state2 });
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('ZOOM_CONNECT_FAILED');
  });

  it('when a customer or nobody calls the specialist endpoints, then 403 / 401', async () => {
    const customer = await registerUser(stack.app, 'customer');
    for (const [method, path] of [
      ['get', '/api/zoom/connect'],
      ['get', '/api/zoom/status'],
      ['delete', '/api/zoom/connection'],
    ] as const) {
      expect((await request(stack.app)[method](path).set('Authorization', `Bearer ${customer.token}`)).status).toBe(
        403,
      );
      expect((await request(stack.app)[method](path)).status).toBe(401);
    }
  });

  it('when a specialist disconnects, then Zoom revokes the grant, tokens are wiped and status says disconnected', async () => {
    const { token, user } = await registerUser(stack.app, 'specialist');
    await connectZoom(stack.app, token, uniqueEmail('zoom'));
    const stored = await UserOAuthTokenModel.findOne({ userId: user.id }).lean();
    const refreshToken = stack.container.cipher.decrypt(stored!.zoomRefreshToken!);
    stack.sandbox.resetCalls();

    const res = await request(stack.app).delete('/api/zoom/connection').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(204);
    expect(stack.sandbox.calls('POST /oauth/revoke')).toBe(1);
    const after = await UserOAuthTokenModel.findOne({ userId: user.id }).lean();
    expect(after).toMatchObject({ isRevoked: true, isActive: false, zoomAccessToken: null, zoomRefreshToken: null });
    expect(after!.revokedAt).toEqual(clock.now());
    const status = await request(stack.app).get('/api/zoom/status').set('Authorization', `Bearer ${token}`);
    expect(status.body.connected).toBe(false);
    // The grant is dead at Zoom too.
    const refresh = await request(stack.sandbox.url)
      .post('/oauth/token')
      .auth('sandbox-client-id', 'sandbox-client-secret')
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(refresh.status).toBe(400);
    expect(refresh.body).toEqual({ reason: 'Invalid Token!', error: 'invalid_grant' });
  });

  it('when the specialist reconnects, then the new grant replaces the old one', async () => {
    const { token, user } = await registerUser(stack.app, 'specialist');
    await connectZoom(stack.app, token, 'first.account@example.com');
    await connectZoom(stack.app, token, 'second.account@example.com');
    const docs = await UserOAuthTokenModel.find({ userId: user.id }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.zoomEmail).toBe('second.account@example.com');
  });
});

describe('Connect Zoom with a slow token endpoint', () => {
  const stack = useStack({ env: { ZOOM_HTTP_TIMEOUT_MS: '300' } });

  it('when Zoom answers the code exchange after ZOOM_HTTP_TIMEOUT_MS, then the connect still completes: the single-use code is not wasted', async () => {
    const specialist = await registerUser(stack.app, 'specialist');
    const zoomEmail = uniqueEmail('slow-exchange');
    const { redirect, cookie } = await authorizeAtZoom(stack.app, specialist.token, zoomEmail);
    stack.sandbox.inject({ route: 'POST /oauth/token', delayMs: 900, times: 1 });
    const callback = await zoomCallback(stack.app, redirect.search, cookie);
    expect(new URL(String(callback.headers.location)).searchParams.get('zoom')).toBe('connected');
    expect(await UserOAuthTokenModel.countDocuments({ userId: specialist.user.id, isRevoked: false })).toBe(1);
  });
});
