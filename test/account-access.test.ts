import request from 'supertest';
import { CalendarSubscriptionModel } from '../src/models/calendar-subscription.model';
import { UserModel } from '../src/models/user.model';
import { lastAccountMail, linkToken, verifyFromMail } from './support/account-mail';
import { registerUser, uniqueEmail } from './support/app';
import { readySpecialist } from './support/booking';
import { emailedCode, guestBook } from './support/guest';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';

describe('when who can see an account’s bookings changes, then what was issued before stops working', () => {
  const s = useStack({ now: NOW });
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const feedPath = async (token: string) =>
    new URL((await request(s.app).get('/api/me/calendar-feed').set(as(token))).body.url).pathname;
  const uidOf = (id: string) => `booking-${id}@`;

  async function guestBooking(email: string, start: string) {
    const sp = await readySpecialist(s.app);
    const code = await emailedCode(s.app, s.smtp, s.container, email);
    const res = await guestBook(s.app, {
      specialistId: sp.user.id,
      start,
      name: 'Gina',
      email,
      timezone: 'Europe/Berlin',
      code,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  async function askEmailChange(user: { token: string; password: string }) {
    const email = uniqueEmail('moving');
    const res = await request(s.app)
      .patch('/api/me')
      .set(as(user.token))
      .send({ email, currentPassword: user.password });
    expect(res.status).toBe(200);
    const mail = await lastAccountMail(s.smtp, s.container, email, /Confirm your email address/);
    return { email, token: linkToken(mail, 'verify-email') };
  }
  const openLink = (token: string) => request(s.app).post('/api/auth/verify-email').send({ token });

  it('when the address is verified, then the feed address fetched before answers 404 and the account gets a new one with the guest bookings', async () => {
    const email = uniqueEmail('verifies');
    const id = await guestBooking(email, '2026-11-25T08:00:00Z');
    const user = await registerUser(s.app, 'customer', { email });
    const before = await feedPath(user.token);
    expect((await request(s.app).get(before)).text).not.toContain(uidOf(id));
    await verifyFromMail(s.app, s.smtp, s.container, email);
    expect((await request(s.app).get(before)).status).toBe(404);
    const after = await feedPath(user.token);
    expect(after).not.toBe(before);
    expect((await request(s.app).get(after)).text).toContain(uidOf(id));
    expect(await feedPath(user.token)).toBe(after); // the same again until the next change
  });

  it('when an email change takes effect, then the old feed address answers 404 and the new one shows the bookings taken along', async () => {
    const email = uniqueEmail('owner');
    const id = await guestBooking(email, '2026-11-25T10:00:00Z');
    const user = await registerUser(s.app, 'customer', { email });
    await verifyFromMail(s.app, s.smtp, s.container, email);
    const before = await feedPath(user.token);
    expect((await request(s.app).get(before)).text).toContain(uidOf(id));
    const change = await askEmailChange(user);
    expect((await openLink(change.token)).status).toBe(200);
    expect((await request(s.app).get(before)).status).toBe(404);
    expect((await request(s.app).get(await feedPath(user.token))).text).toContain(uidOf(id));
  });

  it('when the password is changed, then an email-change link asked for before is dead and nothing is pending', async () => {
    const user = await registerUser(s.app, 'customer');
    const change = await askEmailChange(user);
    const changed = await request(s.app)
      .post('/api/me/password')
      .set(as(user.token))
      .send({ currentPassword: user.password, newPassword: 'a new password 2' });
    expect(changed.status).toBe(200);
    expect(changed.body.user.pendingEmail).toBeNull();
    expect((await openLink(change.token)).body.error.code).toBe('LINK_INVALID');
    const me = await request(s.app).get('/api/me').set(as(changed.body.token));
    expect(me.body).toMatchObject({ email: user.user.email, pendingEmail: null });
  });

  it('when every session is ended, then an email-change link asked for in one of them is dead', async () => {
    const user = await registerUser(s.app, 'customer');
    const change = await askEmailChange(user);
    expect((await request(s.app).post('/api/auth/logout-everywhere').set(as(user.token))).status).toBe(204);
    expect((await openLink(change.token)).status).toBe(400);
    expect((await UserModel.findById(user.user.id).lean())!).toMatchObject({
      email: user.user.email,
      pendingEmail: null,
    });
  });

  it('when an account is deleted, then its feed address answers 404 at once and its record is gone', async () => {
    const user = await registerUser(s.app, 'customer');
    const path = await feedPath(user.token);
    expect((await request(s.app).get(path)).status).toBe(200);
    const deleted = await request(s.app).delete('/api/me').set(as(user.token)).send({ password: user.password });
    expect(deleted.status).toBe(204);
    expect((await request(s.app).get(path)).status).toBe(404);
    expect(await CalendarSubscriptionModel.countDocuments({ userId: user.user.id })).toBe(0);
  });
});
