import request from 'supertest';
import { UserModel } from '../src/models/user.model';
import { registerUser, uniqueEmail } from './support/app';
import { lastAccountMail, linkToken } from './support/account-mail';
import { useStack } from './support/stack';

const NOW = '2026-11-23T08:00:00.000Z';

describe('passwords', () => {
  const s = useStack({ now: NOW, env: { ACCOUNT_MAILS_MAX_PER_EMAIL: '3' } });
  const me = (token: string) => request(s.app).get('/api/me').set('Authorization', `Bearer ${token}`);
  const login = (email: string, password: string) => request(s.app).post('/api/auth/login').send({ email, password });
  const forgot = (email: string) => request(s.app).post('/api/auth/forgot-password').send({ email });
  const resetMail = (email: string) => lastAccountMail(s.smtp, s.container, email, /Reset your password/);

  it('when a password is forgotten, then 202 for any address, a single-use link resets it and every session ends', async () => {
    const user = await registerUser(s.app, 'customer', { name: 'Cleo' });
    const phone = (await login(user.user.email, user.password)).body.token as string;
    const unknown = await forgot(uniqueEmail('nobody'));
    const known = await forgot(user.user.email.toUpperCase());
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);

    const mail = await resetMail(user.user.email);
    expect(mail.text).toContain('30 minutes');
    const token = linkToken(mail, 'reset-password');
    const reset = await request(s.app)
      .post('/api/auth/reset-password')
      .send({ token, password: 'a brand new password' });
    expect(reset.status).toBe(204);

    for (const old of [user.token, phone]) {
      const res = await me(old);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('SESSION_ENDED');
    }
    expect((await login(user.user.email, user.password)).status).toBe(401);
    expect((await login(user.user.email, 'a brand new password')).status).toBe(200);
    const again = await request(s.app).post('/api/auth/reset-password').send({ token, password: 'yet another one' });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('LINK_INVALID');
    await lastAccountMail(s.smtp, s.container, user.user.email, /Your password was changed/);
    expect((await UserModel.findById(user.user.id).lean())!.emailVerified).toBe(true);
  });

  it('when the link is older than 30 minutes or a newer one was mailed, then 400 LINK_INVALID and the password stays', async () => {
    const user = await registerUser(s.app, 'customer');
    await forgot(user.user.email);
    const first = linkToken(await resetMail(user.user.email), 'reset-password');
    await forgot(user.user.email);
    await s.container.services.jobs.runDue();
    const second = linkToken(s.smtp.accountMailsTo(user.user.email).at(-1)!, 'reset-password');
    expect(second).not.toBe(first);
    const use = (token: string) =>
      request(s.app).post('/api/auth/reset-password').send({ token, password: 'changed password' });
    expect((await use(first)).body.error.code).toBe('LINK_INVALID');
    s.clock.advance(30 * 60_000 + 1000);
    expect((await use(second)).body.error.code).toBe('LINK_INVALID');
    expect((await login(user.user.email, user.password)).status).toBe(200);
  });

  it('when one address asks for more reset mails than ACCOUNT_MAILS_MAX_PER_EMAIL, then 429 with Retry-After', async () => {
    const email = uniqueEmail('nobody');
    for (let i = 0; i < 3; i += 1) expect((await forgot(email)).status).toBe(202);
    const limited = await forgot(email);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('when the password is changed with the current one, then this device gets a new token and every other session ends', async () => {
    const user = await registerUser(s.app, 'customer');
    const laptop = (await login(user.user.email, user.password)).body.token as string;
    await forgot(user.user.email);
    const pendingReset = linkToken(await resetMail(user.user.email), 'reset-password');
    const change = (token: string, body: object) =>
      request(s.app).post('/api/me/password').set('Authorization', `Bearer ${token}`).send(body);

    const wrong = await change(user.token, { currentPassword: 'not it at all', newPassword: 'another password' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('WRONG_PASSWORD');
    expect((await me(laptop)).status).toBe(200);

    const changed = await change(user.token, { currentPassword: user.password, newPassword: 'another password' });
    expect(changed.status).toBe(200);
    expect(changed.body.user.id).toBe(user.user.id);
    expect((await me(changed.body.token)).status).toBe(200);
    expect((await me(user.token)).body.error.code).toBe('SESSION_ENDED');
    expect((await me(laptop)).body.error.code).toBe('SESSION_ENDED');
    expect((await login(user.user.email, 'another password')).status).toBe(200);
    // A reset link mailed before the change no longer works.
    const late = await request(s.app)
      .post('/api/auth/reset-password')
      .send({ token: pendingReset, password: 'an attacker’s password' });
    expect(late.body.error.code).toBe('LINK_INVALID');
  });
});
