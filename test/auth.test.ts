import request from 'supertest';
import { SignJWT } from 'jose';
import { UserModel } from '../src/models/user.model';
import { createAdmin, createTestApp, registerUser, TEST_JWT_SECRET, uniqueEmail } from './support/app';
import { useTestDatabase } from './support/database';

describe('accounts and authentication', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const { app, container, clock } = createTestApp();
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  it('when a customer registers, then they get a token that works on /api/me and no password hash anywhere', async () => {
    const email = uniqueEmail('Mixed.Case');
    const res = await request(app)
      .post('/api/auth/register')
      .send({ role: 'customer', name: 'Cara', email, password: 'long enough pw', timezone: 'america/new_york' });
    expect(res.status).toBe(201);
    expect(res.body.user).toEqual({
      id: expect.any(String),
      role: 'customer',
      name: 'Cara',
      email: email.toLowerCase(),
      timezone: 'America/New_York',
      emailVerified: false,
      pendingEmail: null,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|argon/);

    const me = await request(app).get('/api/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body).toEqual(res.body.user);
    const stored = await UserModel.findById(res.body.user.id).lean();
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('when the same email registers again in another letter case, then 409 and the first account is intact', async () => {
    const email = uniqueEmail('dup');
    const first = await registerUser(app, 'specialist', { email });
    const res = await request(app).post('/api/auth/register').send({
      role: 'customer',
      name: 'Other',
      email: email.toUpperCase(),
      password: 'another password',
      timezone: 'UTC',
    });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'EMAIL_TAKEN', message: expect.any(String) } });
    const login = await request(app).post('/api/auth/login').send({ email, password: first.password });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('specialist');
  });

  it('when someone tries to register as admin or with a bad time zone, then 400 with details', async () => {
    const admin = await request(app)
      .post('/api/auth/register')
      .send({ role: 'admin', name: 'X', email: uniqueEmail(), password: 'password123', timezone: 'UTC' });
    expect(admin.status).toBe(400);
    expect(admin.body.error.code).toBe('VALIDATION_FAILED');
    expect(admin.body.error.details[0]).toMatchObject({ in: 'body', path: ['role'] });

    const tz = await request(app)
      .post('/api/auth/register')
      .send({ role: 'customer', name: 'X', email: uniqueEmail(), password: 'password123', timezone: 'Mars/Olympus' });
    expect(tz.status).toBe(400);
    expect(tz.body.error.details).toEqual([expect.objectContaining({ path: ['timezone'] })]);
  });

  it('when the login email is any case, then it logs in; a wrong password gives 401', async () => {
    const { user, password } = await registerUser(app, 'customer');
    const ok = await request(app).post('/api/auth/login').send({ email: user.email.toUpperCase(), password });
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(user.id);
    const bad = await request(app).post('/api/auth/login').send({ email: user.email, password: 'wrong password' });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'Wrong email or password' } });
    const unknown = await request(app).post('/api/auth/login').send({ email: uniqueEmail(), password: 'whatever' });
    expect(unknown.status).toBe(401);
  });

  it('when the token is missing, malformed, forged or expired, then 401', async () => {
    const { token } = await registerUser(app, 'customer');
    expect((await request(app).get('/api/me')).status).toBe(401);
    expect((await request(app).get('/api/me').set('Authorization', 'Bearer not-a-jwt')).body.error.code).toBe(
      'INVALID_TOKEN',
    );
    const forged = await new SignJWT({ role: 'admin', typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('665f1b2c9d3e4a0012345678')
      .setIssuer('specialist-booking')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('some-other-secret-which-is-long-enough!!'));
    expect((await request(app).get('/api/me').set('Authorization', `Bearer ${forged}`)).status).toBe(401);

    clock.advance(container.config.auth.jwtTtlSeconds * 1000 + 1000);
    const expired = await request(app).get('/api/me').set('Authorization', `Bearer ${token}`);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('TOKEN_EXPIRED');
    clock.set(Date.now());
  });

  it('when a token was signed with our secret but for a deleted user, then 401', async () => {
    const { token, user } = await registerUser(app, 'customer');
    await UserModel.updateOne({ _id: user.id }, { $set: { email: uniqueEmail('gone') } });
    expect((await request(app).get('/api/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    await UserModel.deleteOne({ _id: user.id });
    expect((await request(app).get('/api/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    expect(TEST_JWT_SECRET.length).toBeGreaterThan(31);
  });

  it('when an admin is created the create-admin way, then /api/me shows the admin role', async () => {
    const { token } = await createAdmin(container);
    const me = await request(app).get('/api/me').set('Authorization', `Bearer ${token}`);
    expect(me.body.role).toBe('admin');
  });
});

describe('login rate limiting', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const { app } = createTestApp({ env: { LOGIN_MAX_ATTEMPTS_PER_EMAIL: '3', LOGIN_MAX_ATTEMPTS_PER_IP: '8' } });
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  it('when one email fails too often, then 429 with Retry-After even for the right password, other emails still work', async () => {
    const victim = await registerUser(app, 'customer');
    const other = await registerUser(app, 'customer');
    for (let i = 0; i < 3; i += 1) {
      expect(
        (await request(app).post('/api/auth/login').send({ email: victim.user.email, password: 'nope' })).status,
      ).toBe(401);
    }
    const blocked = await request(app)
      .post('/api/auth/login')
      .send({ email: victim.user.email, password: victim.password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      (await request(app).post('/api/auth/login').send({ email: other.user.email, password: other.password })).status,
    ).toBe(200);
  });

  it('when one IP makes too many attempts, then 429 for any email', async () => {
    let last = 0;
    for (let i = 0; i < 10; i += 1) {
      last = (await request(app).post('/api/auth/login').send({ email: uniqueEmail(), password: 'x' })).status;
    }
    expect(last).toBe(429);
  });
});
