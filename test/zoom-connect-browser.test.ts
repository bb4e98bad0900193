import { createHash } from 'node:crypto';
import request from 'supertest';
import { OAuthStateModel } from '../src/models/oauth-state.model';
import { UserOAuthTokenModel } from '../src/models/user-oauth-token.model';
import { createTestApp, registerUser, uniqueEmail } from './support/app';
import { useTestDatabase } from './support/database';
import { useStack } from './support/stack';
import { authorizeAtZoom, connectCookieOf, zoomCallback } from './support/zoom';

const WRONG_BROWSER = 'http://frontend.test/specialist/profile?zoom=error&reason=wrong_browser';
const stateRecord = (state: string) =>
  OAuthStateModel.findOne({ stateHash: createHash('sha256').update(state).digest('hex') }).lean();

describe('Connect Zoom is bound to the browser that pressed Connect (login CSRF)', () => {
  const stack = useStack();

  it('when connect answers, then it sets a short-lived HttpOnly SameSite=Lax cookie that no script reads', async () => {
    const { token } = await registerUser(stack.app, 'specialist');
    const res = await request(stack.app).get('/api/zoom/connect').set('Authorization', `Bearer ${token}`);
    const line = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('zoom_connect='))!;
    expect(line).toMatch(/^zoom_connect=[\w-]{43}; Max-Age=600; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    // The cookie holds a nonce; only its SHA-256 is stored with the state.
    const nonce = line.split(';')[0]!.split('=')[1]!;
    const state = new URL(res.body.authorizeUrl).searchParams.get('state')!;
    const stored = await stateRecord(state);
    expect(stored!.browserHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(nonce);
  });

  it('when someone else approves the link in their browser, then wrong_browser, nothing is stored, and the right browser can still finish', async () => {
    const attacker = await registerUser(stack.app, 'specialist');
    const { redirect, cookie, state } = await authorizeAtZoom(stack.app, attacker.token, uniqueEmail('victim.zoom'));
    stack.sandbox.resetCalls();

    // The victim's browser has no zoom_connect cookie of this connect.
    const victim = await zoomCallback(stack.app, redirect.search);
    expect(victim.status).toBe(302);
    expect(victim.headers.location).toBe(WRONG_BROWSER);
    expect(await UserOAuthTokenModel.countDocuments({ userId: attacker.user.id })).toBe(0);
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(0);
    expect((await stateRecord(state))!.consumedAt).toBeNull();

    // A victim who has pressed Connect Zoom themselves holds a cookie, but of their own connect.
    const other = await registerUser(stack.app, 'specialist');
    const own = await authorizeAtZoom(stack.app, other.token, uniqueEmail('other.zoom'));
    expect((await zoomCallback(stack.app, redirect.search, own.cookie)).headers.location).toBe(WRONG_BROWSER);
    expect(await UserOAuthTokenModel.countDocuments({ userId: attacker.user.id })).toBe(0);
    // … and their own connect is untouched by it.
    expect((await zoomCallback(stack.app, own.redirect.search, own.cookie)).headers.location).toContain(
      'zoom=connected',
    );

    // The browser that pressed Connect completes, and the cookie is cleared.
    const right = await zoomCallback(stack.app, redirect.search, cookie);
    expect(right.headers.location).toBe('http://frontend.test/specialist/profile?zoom=connected');
    expect(connectCookieOf(right)).toBe('');
    expect(await UserOAuthTokenModel.countDocuments({ userId: attacker.user.id })).toBe(1);
    expect((await stateRecord(state))!.consumedAt).not.toBeNull();
  });

  it('when the cookie is missing, empty, tampered with, oversized or under another name, then wrong_browser and the state stays usable', async () => {
    const { token, user } = await registerUser(stack.app, 'specialist');
    const { redirect, cookie, state } = await authorizeAtZoom(stack.app, token, uniqueEmail('zoom'));
    const [name, value] = cookie.split('=') as [string, string];
    const flipped = `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    for (const sent of [
      undefined,
      `${name}=`,
      `${name}=${flipped}`,
      `${name}=${'x'.repeat(5000)}`,
      `session=${value}`,
    ]) {
      const res = await zoomCallback(stack.app, redirect.search, sent);
      expect({ sent: sent?.slice(0, 80), location: res.headers.location }).toEqual({
        sent: sent?.slice(0, 80),
        location: WRONG_BROWSER,
      });
    }
    expect(await UserOAuthTokenModel.countDocuments({ userId: user.id })).toBe(0);
    expect((await stateRecord(state))!.consumedAt).toBeNull();
    expect((await zoomCallback(stack.app, redirect.search, cookie)).headers.location).toContain('zoom=connected');
  });

  it('when one browser starts two connects (two tabs), then both can finish', async () => {
    const { token, user } = await registerUser(stack.app, 'specialist');
    const first = await authorizeAtZoom(stack.app, token, uniqueEmail('tab1'));
    // The second tab's connect is sent with the cookie the first one set; its answer replaces it.
    const second = await authorizeAtZoom(stack.app, token, uniqueEmail('tab2'), { cookie: first.cookie });
    const jar = second.cookie;
    const done = await zoomCallback(stack.app, first.redirect.search, jar);
    expect(done.headers.location).toContain('zoom=connected');
    // What is left in the cookie still finishes the other tab.
    const left = connectCookieOf(done)!;
    expect(left).toMatch(/^zoom_connect=[\w-]+$/);
    const last = await zoomCallback(stack.app, second.redirect.search, left);
    expect(last.headers.location).toContain('zoom=connected');
    expect(connectCookieOf(last)).toBe('');
    const grant = await UserOAuthTokenModel.findOne({ userId: user.id }).lean();
    expect(grant!.zoomEmail).toMatch(/^tab2\./);
  });

  it('when the state expired, then invalid_state, whatever the cookie', async () => {
    const { token } = await registerUser(stack.app, 'specialist');
    const { redirect, cookie } = await authorizeAtZoom(stack.app, token, uniqueEmail('zoom'));
    stack.clock.advance(10 * 60_000 + 1);
    expect((await zoomCallback(stack.app, redirect.search, cookie)).headers.location).toContain('reason=invalid_state');
    expect((await zoomCallback(stack.app, redirect.search)).headers.location).toContain('reason=invalid_state');
  });

  it('when another specialist posts the state to POST /api/zoom/callback, then 403 and the owner can still use it', async () => {
    const owner = await registerUser(stack.app, 'specialist');
    const other = await registerUser(stack.app, 'specialist');
    const { code, state } = await authorizeAtZoom(stack.app, owner.token, uniqueEmail('spa'));
    stack.sandbox.resetCalls();
    const stolen = await request(stack.app)
      .post('/api/zoom/callback')
      .set('Authorization', `Bearer ${other.token}`)
      .send({ code, state });
    expect(stolen.status).toBe(403);
    expect(stolen.body.error.code).toBe('ZOOM_STATE_NOT_YOURS');
    expect((await stateRecord(state))!.consumedAt).toBeNull();
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(0);
    expect(await UserOAuthTokenModel.countDocuments({ userId: other.user.id })).toBe(0);

    const mine = await request(stack.app)
      .post('/api/zoom/callback')
      .set('Authorization', `Bearer ${owner.token}`)
      .send({ code, state });
    expect(mine.status).toBe(200);
    expect(mine.body.connected).toBe(true);
    // Used now: another specialist gets the same answer as for any used state, and it stays used.
    const late = await request(stack.app)
      .post('/api/zoom/callback')
      .set('Authorization', `Bearer ${other.token}`)
      .send({ code, state });
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('ZOOM_CONNECT_FAILED');
  });
});

describe('Connect Zoom cookie on https', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const { app } = createTestApp({
    env: {
      PUBLIC_BASE_URL: 'https://api.example.com',
      FRONTEND_URL: 'https://app.example.com',
      ZOOM_REDIRECT_URI: 'https://api.example.com/api/zoom/callback',
    },
  });
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  it('when the API is on https, then the cookie is __Host-zoom_connect and Secure', async () => {
    const { token } = await registerUser(app, 'specialist');
    const res = await request(app).get('/api/zoom/connect').set('Authorization', `Bearer ${token}`);
    const line = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('__Host-zoom_connect='));
    expect(line).toMatch(/; Path=\/;/);
    expect(line).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    expect(line).not.toMatch(/Domain=/);
  });
});
