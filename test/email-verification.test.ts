import request from 'supertest';
import { loadConfig } from '../src/config';
import { BookingModel } from '../src/models/booking.model';
import { UserModel } from '../src/models/user.model';
import { registerUser, uniqueEmail } from './support/app';
import { lastAccountMail, linkToken, verifyFromMail } from './support/account-mail';
import { book, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';
const me = (app: Parameters<typeof request>[0], token: string) =>
  request(app).get('/api/me').set('Authorization', `Bearer ${token}`);

describe('email verification', () => {
  const s = useStack({ now: NOW, env: { ACCOUNT_MAILS_MAX_PER_EMAIL: '3' } });

  it('when someone signs up, then a single-use link to the web app verifies the address', async () => {
    const user = await registerUser(s.app, 'customer', { name: 'Cleo' });
    expect((await me(s.app, user.token)).body).toMatchObject({ emailVerified: false, pendingEmail: null });
    const mail = await lastAccountMail(s.smtp, s.container, user.user.email, /Confirm your email address/);
    expect(mail.text).toContain('Hi Cleo,');
    expect(mail.text).toMatch(/http:\/\/frontend\.test\/verify-email\?token=/);
    const token = linkToken(mail, 'verify-email');

    const opened = await request(s.app).post('/api/auth/verify-email').send({ token });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ id: user.user.id, email: user.user.email, emailVerified: true });
    expect((await me(s.app, user.token)).body.emailVerified).toBe(true);

    const again = await request(s.app).post('/api/auth/verify-email').send({ token });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('LINK_INVALID');
  });

  it('when the link is older than 24 hours, or forged, then 400 LINK_INVALID and the address stays unverified', async () => {
    const user = await registerUser(s.app, 'customer');
    const token = linkToken(await lastAccountMail(s.smtp, s.container, user.user.email, /Confirm/), 'verify-email');
    s.clock.advance(24 * 3600_000 + 1000);
    const late = await request(s.app).post('/api/auth/verify-email').send({ token });
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('LINK_INVALID');
    const forged = await request(s.app)
      .post('/api/auth/verify-email')
      .send({ token: `${token.slice(0, -4)}AAAA` });
    expect(forged.body.error.code).toBe('LINK_INVALID');
    // A session link (another purpose) is not a verification link.
    expect((await request(s.app).post('/api/auth/verify-email').send({ token: user.token })).status).toBe(400);
    expect((await UserModel.findById(user.user.id).lean())!.emailVerified).toBe(false);
  });

  it('when a new link is asked for, then 202 whoever asks, only the newest link works, and the address’s limit gives 429', async () => {
    const user = await registerUser(s.app, 'customer');
    const first = linkToken(await lastAccountMail(s.smtp, s.container, user.user.email, /Confirm/), 'verify-email');
    const resend = (email: string) => request(s.app).post('/api/auth/resend-verification').send({ email });

    const unknown = await resend(uniqueEmail('nobody'));
    expect(unknown.status).toBe(202);
    const asked = await resend(user.user.email.toUpperCase());
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual(unknown.body); // nothing tells the two apart
    await lastAccountMail(s.smtp, s.container, user.user.email, /Confirm/);
    const second = linkToken(s.smtp.accountMailsTo(user.user.email).at(-1)!, 'verify-email');
    expect(second).not.toBe(first);

    expect((await request(s.app).post('/api/auth/verify-email').send({ token: first })).status).toBe(400);
    expect((await resend(user.user.email)).status).toBe(202); // the third mail of the window (sign-up + 2)
    const limited = await resend(user.user.email);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const third = linkToken(await lastAccountMail(s.smtp, s.container, user.user.email, /Confirm/), 'verify-email');
    expect((await request(s.app).post('/api/auth/verify-email').send({ token: third })).status).toBe(200);
    expect((await resend(uniqueEmail('nobody'))).status).toBe(202); // other addresses are not held up
  });

  it('when a verified address is asked for again, then 202 and no mail', async () => {
    const user = await registerUser(s.app, 'customer');
    await verifyFromMail(s.app, s.smtp, s.container, user.user.email);
    const before = s.smtp.accountMailsTo(user.user.email).length;
    expect((await request(s.app).post('/api/auth/resend-verification').send({ email: user.user.email })).status).toBe(
      202,
    );
    await lastAccountMail(s.smtp, s.container, user.user.email, /Confirm/);
    expect(s.smtp.accountMailsTo(user.user.email)).toHaveLength(before);
  });
});

describe('resend limit per IP', () => {
  const s = useStack({ now: NOW, env: { ACCOUNT_MAILS_MAX_PER_IP: '2' } });

  it('when one IP asks for more mails than ACCOUNT_MAILS_MAX_PER_IP, then 429 until the window has passed', async () => {
    const resend = () => request(s.app).post('/api/auth/resend-verification').send({ email: uniqueEmail() });
    expect((await resend()).status).toBe(202);
    expect((await resend()).status).toBe(202);
    expect((await resend()).status).toBe(429);
    s.clock.advance(3600_000);
    expect((await resend()).status).toBe(202);
  });
});

describe('changing the email address', () => {
  const s = useStack({ now: NOW });

  it('when the email is changed, then the old address is told, the new one works only after its link, and sign-in follows', async () => {
    const user = await registerUser(s.app, 'customer', { name: 'Cleo' });
    await verifyFromMail(s.app, s.smtp, s.container, user.user.email);
    const newEmail = uniqueEmail('new');
    const asked = await request(s.app)
      .patch('/api/me')
      .set('Authorization', `Bearer ${user.token}`)
      .send({ email: newEmail.toUpperCase(), currentPassword: user.password });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ email: user.user.email, pendingEmail: newEmail, emailVerified: true });

    const notice = await lastAccountMail(s.smtp, s.container, user.user.email, /being changed/);
    expect(notice.text).toContain(newEmail);
    const login = (email: string) => request(s.app).post('/api/auth/login').send({ email, password: user.password });
    expect((await login(user.user.email)).status).toBe(200);
    expect((await login(newEmail)).status).toBe(401);

    const verified = await verifyFromMail(s.app, s.smtp, s.container, newEmail);
    expect(verified).toMatchObject({ email: newEmail, pendingEmail: null, emailVerified: true });
    expect((await login(newEmail)).status).toBe(200);
    expect((await login(user.user.email)).status).toBe(401);
  });

  it('when the current password is wrong, or the address is taken, then nothing is pending and no mail goes out', async () => {
    const user = await registerUser(s.app, 'customer');
    const other = await registerUser(s.app, 'customer');
    const change = (body: object) =>
      request(s.app).patch('/api/me').set('Authorization', `Bearer ${user.token}`).send(body);
    const wrong = await change({ email: uniqueEmail(), currentPassword: 'not my password' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('WRONG_PASSWORD');
    expect((await change({ email: uniqueEmail() })).body.error.details).toEqual([
      expect.objectContaining({ path: ['currentPassword'] }),
    ]);
    const taken = await change({ email: other.user.email, currentPassword: user.password });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('EMAIL_TAKEN');
    expect((await UserModel.findById(user.user.id).lean())!.pendingEmail).toBeNull();
  });

  it('when a second change is asked for, then the first change’s link no longer works', async () => {
    const user = await registerUser(s.app, 'customer');
    const [first, second] = [uniqueEmail('first'), uniqueEmail('second')];
    for (const email of [first, second]) {
      await request(s.app)
        .patch('/api/me')
        .set('Authorization', `Bearer ${user.token}`)
        .send({ email, currentPassword: user.password })
        .expect(200);
    }
    const token = linkToken(await lastAccountMail(s.smtp, s.container, first, /Confirm/), 'verify-email');
    expect((await request(s.app).post('/api/auth/verify-email').send({ token })).status).toBe(400);
    expect((await verifyFromMail(s.app, s.smtp, s.container, second)).email).toBe(second);
  });
});

describe('REQUIRE_VERIFIED_EMAIL=specialists', () => {
  const s = useStack({ now: NOW, env: { REQUIRE_VERIFIED_EMAIL: 'specialists' } });

  it('when a specialist has not verified their email, then booking them is 403 EMAIL_NOT_VERIFIED and nothing is stored; once verified, 201', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer'); // unverified customers may book under this setting
    const body = { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' };
    const refused = await book(s.app, customer.token, body);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({ code: 'EMAIL_NOT_VERIFIED', message: expect.stringContaining('specialist') });
    expect(await BookingModel.countDocuments({ specialistId: specialist.user.id })).toBe(0);
    expect(s.sandbox.meetings()).toHaveLength(0);

    await verifyFromMail(s.app, s.smtp, s.container, specialist.user.email);
    expect((await book(s.app, customer.token, body)).status).toBe(201);
  });
});

describe('REQUIRE_VERIFIED_EMAIL=all', () => {
  const s = useStack({ now: NOW, env: { REQUIRE_VERIFIED_EMAIL: 'all' } });

  it('when the customer has not verified their email, then booking is 403 EMAIL_NOT_VERIFIED; once verified, 201', async () => {
    const specialist = await readySpecialist(s.app);
    await verifyFromMail(s.app, s.smtp, s.container, specialist.user.email);
    const customer = await registerUser(s.app, 'customer');
    const body = { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' };
    const refused = await book(s.app, customer.token, body);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({ code: 'EMAIL_NOT_VERIFIED', message: expect.stringContaining('Verify') });
    expect(await BookingModel.countDocuments({ customerId: customer.user.id })).toBe(0);
    await verifyFromMail(s.app, s.smtp, s.container, customer.user.email);
    expect((await book(s.app, customer.token, body)).status).toBe(201);
  });
});

describe('REQUIRE_VERIFIED_EMAIL defaults', () => {
  it('when NODE_ENV is production, then specialists must be verified; otherwise nobody must', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).auth.requireVerifiedEmail).toBe('none');
    expect(loadConfig({ NODE_ENV: 'test' }).auth.requireVerifiedEmail).toBe('none');
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
      MONGODB_URI: 'mongodb://db/x',
      ZOOM_WEBHOOK_SECRET_TOKEN: 'w',
      ZOOM_USER_MANAGED_CLIENT_ID: 'id',
      ZOOM_USER_MANAGED_CLIENT_SECRET: 'secret',
      PUBLIC_BASE_URL: 'https://api.example.com',
      ZOOM_REDIRECT_URI: 'https://api.example.com/api/zoom/callback',
    };
    expect(loadConfig(production).auth.requireVerifiedEmail).toBe('specialists');
    expect(loadConfig({ ...production, REQUIRE_VERIFIED_EMAIL: 'none' }).auth.requireVerifiedEmail).toBe('none');
    expect(() => loadConfig({ REQUIRE_VERIFIED_EMAIL: 'some' })).toThrow(/REQUIRE_VERIFIED_EMAIL/);
  });
});
