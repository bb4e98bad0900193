import request from 'supertest';
import { UserModel } from '../src/models/user.model';
import { createTestApp, registerUser } from './support/app';
import { useTestDatabase } from './support/database';

type Res = { headers: Record<string, unknown> };
const setCookies = (res: Res) => (res.headers['set-cookie'] as string[] | undefined) ?? [];
const cookieValue = (res: Res, name: string) =>
  decodeURIComponent(/^[^=]+=([^;]*)/.exec(setCookies(res).find((c) => c.startsWith(`${name}=`)) ?? '')?.[1] ?? '');

describe('sessions, cookies and CSRF', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const { app, container } = createTestApp();
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  const signIn = async (email: string, password: string, userAgent = 'jest') => {
    const res = await request(app).post('/api/auth/login').set('User-Agent', userAgent).send({ email, password });
    expect(res.status).toBe(200);
    return { res, token: res.body.token as string, csrf: res.body.csrfToken as string };
  };

  it('when signing in, then an HttpOnly SameSite=Lax session cookie and a readable csrf cookie are set (not Secure outside production)', async () => {
    const user = await registerUser(app, 'customer');
    const { res, token, csrf } = await signIn(user.user.email, user.password);
    const [session, csrfCookie] = ['session', 'csrf'].map((n) => setCookies(res).find((c) => c.startsWith(`${n}=`))!);
    expect(session).toMatch(/; Path=\//);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).toMatch(/; Max-Age=43200/);
    expect(session).not.toMatch(/; Secure/);
    expect(csrfCookie).not.toMatch(/HttpOnly/);
    expect(cookieValue(res, 'session')).toBe(token);
    expect(cookieValue(res, 'csrf')).toBe(csrf);
  });

  it('when the cookie signs a request in, then reads work, writes need the session’s X-CSRF-Token, and bearer clients need none', async () => {
    const user = await registerUser(app, 'customer', { name: 'Cleo' });
    const laptop = await signIn(user.user.email, user.password);
    const phone = await signIn(user.user.email, user.password);
    const cookie = `session=${encodeURIComponent(laptop.token)}; csrf=${encodeURIComponent(laptop.csrf)}`;

    expect((await request(app).get('/api/me').set('Cookie', cookie)).status).toBe(200);
    const rename = (name: string) => request(app).patch('/api/me').set('Cookie', cookie).send({ name });
    const missing = await rename('Mallory');
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('CSRF_TOKEN_INVALID');
    const otherSessions = await rename('Mallory').set('X-CSRF-Token', phone.csrf);
    expect(otherSessions.body.error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await UserModel.findById(user.user.id).lean())!.name).toBe('Cleo');

    const ok = await rename('Cleo B').set('X-CSRF-Token', laptop.csrf);
    expect(ok.status).toBe(200);
    const bearer = await request(app)
      .patch('/api/me')
      .set('Authorization', `Bearer ${phone.token}`)
      .send({ name: 'Cleo C' });
    expect(bearer.status).toBe(200);
  });

  it('when one device signs out, then its token and cookie fail at once and the other device stays signed in', async () => {
    const user = await registerUser(app, 'customer');
    const laptop = await signIn(user.user.email, user.password, 'Laptop browser');
    const phone = await signIn(user.user.email, user.password, 'Phone app');
    const cookie = `session=${encodeURIComponent(laptop.token)}`;

    const sessions = await request(app).get('/api/auth/sessions').set('Authorization', `Bearer ${phone.token}`);
    expect(sessions.status).toBe(200);
    expect(sessions.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userAgent: 'Phone app', current: true, ip: expect.any(String) }),
        expect.objectContaining({ userAgent: 'Laptop browser', current: false }),
      ]),
    );
    expect(sessions.body.items).toHaveLength(3); // the sign-up's session too

    expect((await request(app).post('/api/auth/logout').set('Cookie', cookie)).status).toBe(403); // no CSRF header
    const out = await request(app).post('/api/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', laptop.csrf);
    expect(out.status).toBe(204);
    expect(setCookies(out).some((c) => /^session=;/.test(c) && /Expires=Thu, 01 Jan 1970/.test(c))).toBe(true);
    for (const res of [
      await request(app).get('/api/me').set('Cookie', cookie),
      await request(app).get('/api/me').set('Authorization', `Bearer ${laptop.token}`),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('SESSION_ENDED');
    }
    expect((await request(app).get('/api/me').set('Authorization', `Bearer ${phone.token}`)).status).toBe(200);
    const after = await request(app).get('/api/auth/sessions').set('Authorization', `Bearer ${phone.token}`);
    expect(after.body.items.map((s: { userAgent: string }) => s.userAgent)).not.toContain('Laptop browser');
  });

  it('when signing out everywhere, then every token of the account fails at once, tokens from before sessions too', async () => {
    const user = await registerUser(app, 'customer');
    const phone = await signIn(user.user.email, user.password);
    // Tokens issued before sessions existed name no session; they keep working until the version is raised.
    const legacy = await container.services.jwt.signAccessToken({ userId: user.user.id, role: 'customer' });
    expect((await request(app).get('/api/me').set('Authorization', `Bearer ${legacy}`)).status).toBe(200);

    const out = await request(app).post('/api/auth/logout-everywhere').set('Authorization', `Bearer ${phone.token}`);
    expect(out.status).toBe(204);
    for (const token of [user.token, phone.token, legacy]) {
      const res = await request(app).get('/api/me').set('Authorization', `Bearer ${token}`);
      expect([res.status, res.body.error.code]).toEqual([401, 'SESSION_ENDED']);
    }
    const again = await signIn(user.user.email, user.password);
    expect((await request(app).get('/api/me').set('Authorization', `Bearer ${again.token}`)).status).toBe(200);
  });

  it('when the web app on FRONTEND_URL asks, then CORS allows the cookie and the X-CSRF-Token header', async () => {
    const res = await request(app)
      .options('/api/me')
      .set('Origin', 'http://frontend.test')
      .set('Access-Control-Request-Method', 'PATCH')
      .set('Access-Control-Request-Headers', 'content-type,x-csrf-token');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(String(res.headers['access-control-allow-headers'])).toMatch(/X-CSRF-Token/i);
  });
});

describe('session cookies in production', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const { app } = createTestApp({
    env: {
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
      PUBLIC_BASE_URL: 'https://api.example.com',
      FRONTEND_URL: 'https://app.example.com',
      ZOOM_REDIRECT_URI: 'https://api.example.com/api/zoom/callback',
    },
  });
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  it('when signing in, then the cookies are Secure and pinned to this host (__Host- prefix)', async () => {
    const res = await request(app).post('/api/auth/register').send({
      role: 'customer',
      name: 'Cleo',
      email: 'cleo.prod@example.com',
      password: 'long enough',
      timezone: 'UTC',
    });
    expect(res.status).toBe(201);
    const session = setCookies(res).find((c) => c.startsWith('__Host-session='))!;
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).not.toMatch(/Domain=/);
    expect(setCookies(res).find((c) => c.startsWith('__Host-csrf='))).toMatch(/; Secure/);
    const cookie = `__Host-session=${encodeURIComponent(res.body.token)}`;
    expect((await request(app).get('/api/me').set('Cookie', cookie)).status).toBe(200);
  });
});
