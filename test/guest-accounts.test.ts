import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { GuestEmailCodeModel } from '../src/models/guest-email-code.model';
import { UserModel } from '../src/models/user.model';
import { lastAccountMail, linkToken, verifyFromMail } from './support/account-mail';
import { registerUser } from './support/app';
import { drainJobs, readySpecialist } from './support/booking';
import { emailedCode, guestBook } from './support/guest';
import { manageTokenIn } from './support/manage';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';

describe('guest bookings and accounts: owned by the address, seen by an account only once it has verified it', () => {
  const s = useStack({ now: NOW });
  let n = 0;
  const fresh = () => `owner.${(n += 1)}.${Date.now()}@example.com`;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const ids = (res: request.Response) => (res.body.items as Array<{ id: string }>).map((b) => b.id);

  async function bookAsGuest(specialistId: string, email: string, start: string) {
    const code = await emailedCode(s.app, s.smtp, s.container, email);
    const res = await guestBook(s.app, {
      specialistId,
      start,
      name: 'Gina Guest',
      email,
      timezone: 'Europe/Berlin',
      code,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; customerId: string };
  }

  /** Everything a session of the account can reach of a booking. */
  async function reach(token: string, bookingId: string) {
    const [list, one, cancel, exported] = await Promise.all([
      request(s.app).get('/api/bookings').set(as(token)),
      request(s.app).get(`/api/bookings/${bookingId}`).set(as(token)),
      request(s.app)
        .post(`/api/bookings/${bookingId}/reschedule`)
        .set(as(token))
        .send({ start: '2026-11-27T14:00:00Z' }),
      request(s.app).get('/api/me/export').set(as(token)),
    ]);
    const feed = await request(s.app).get('/api/me/calendar-feed').set(as(token));
    const ics = await request(s.app).get(new URL(feed.body.url).pathname);
    return {
      listed: ids(list).includes(bookingId),
      read: one.status,
      moved: cancel.status,
      exported: (exported.body.bookings as Array<{ id: string }>).some((b) => b.id === bookingId),
      inFeed: ics.text.includes(`booking-${bookingId}@`),
    };
  }
  const hidden = { listed: false, read: 404, moved: 404, exported: false, inFeed: false };

  it('when the guest signs up later with the address, then the account sees nothing of the guest bookings until it verifies it, then sees them under My bookings', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    const booking = await bookAsGuest(specialist.user.id, email, '2026-11-24T08:00:00Z');
    const signedUp = await registerUser(s.app, 'customer', { email, name: 'Gina Account' });
    expect(signedUp.user.id).toBe(booking.customerId); // the guest record became the account
    expect(await UserModel.findById(booking.customerId).lean()).toMatchObject({ guest: false, emailVerified: false });

    expect(await reach(signedUp.token, booking.id)).toEqual(hidden);

    await verifyFromMail(s.app, s.smtp, s.container, email);
    const mine = await request(s.app).get('/api/bookings').set(as(signedUp.token));
    expect(mine.body.items).toEqual([
      expect.objectContaining({ id: booking.id, bookedAsGuest: true, specialistName: 'Sam Specialist' }),
    ]);
    const one = await request(s.app).get(`/api/bookings/${booking.id}`).set(as(signedUp.token));
    expect(one.status).toBe(200);
    const exported = await request(s.app).get('/api/me/export').set(as(signedUp.token));
    expect(exported.body.bookings).toEqual([expect.objectContaining({ id: booking.id, as: 'customer' })]);
    // The account may now change it like any booking of its own.
    const cancelled = await request(s.app).post(`/api/bookings/${booking.id}/cancel`).set(as(signedUp.token));
    expect(cancelled.status).toBe(200);
  });

  it('when an impostor signs up with the guest’s address and never verifies it, then they see nothing, cannot lock the guest out and do not get the guest’s mail, even after moving to an address of their own', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    const first = await bookAsGuest(specialist.user.id, email, '2026-11-24T10:00:00Z');
    const impostor = await registerUser(s.app, 'customer', {
      email,
      name: 'Ivan Impostor',
      password: 'impostor password',
    });
    expect(await reach(impostor.token, first.id)).toEqual(hidden);

    // The real person still books as a guest with a code; that booking is hidden from the impostor too.
    const second = await bookAsGuest(specialist.user.id, email, '2026-11-25T10:00:00Z');
    expect(await reach(impostor.token, second.id)).toEqual(hidden);
    // The specialist sees them under the name they gave (not the impostor's).
    await drainJobs(s.container);
    const specialistView = await request(s.app).get(`/api/bookings/${second.id}`).set(as(specialist.token));
    expect(specialistView.body).toMatchObject({ customerName: 'Gina Guest', customerEmail: email });

    // Moving the account to an address the impostor owns and verifying it still shows nothing.
    const other = fresh();
    const change = await request(s.app)
      .patch('/api/me')
      .set(as(impostor.token))
      .send({ email: other, currentPassword: 'impostor password' });
    expect(change.status).toBe(200);
    await verifyFromMail(s.app, s.smtp, s.container, other);
    expect(await reach(impostor.token, first.id)).toEqual(hidden);
    expect(await reach(impostor.token, second.id)).toEqual(hidden);
    expect((await BookingModel.findById(second.id).lean())!.guest!.email).toBe(email);
    // The guest's mails still go to the guest's address, under the guest's name.
    const token = manageTokenIn(s.smtp.to(email).find((m) => /confirmed/.test(m.subject ?? '')));
    const moved = await request(s.app).post(`/api/manage/${token}/reschedule`).send({ start: '2026-11-25T12:00:00Z' });
    expect(moved.status).toBe(200);
    await drainJobs(s.container);
    expect(s.smtp.to(email).map((m) => m.subject)).toContain('Your booking with Sam Specialist was moved');
    expect(s.smtp.to(other).map((m) => m.subject)).toEqual([]);
    expect(s.smtp.to(specialist.user.email).map((m) => m.subject)).toContain('Booking with Gina Guest was moved');
  });

  it('when the owner of a taken-over address uses Forgot password, then the reset proves the address, signs the impostor out and shows the guest bookings', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    const booking = await bookAsGuest(specialist.user.id, email, '2026-11-26T08:00:00Z');
    const impostor = await registerUser(s.app, 'customer', { email });
    expect((await request(s.app).post('/api/auth/forgot-password').send({ email })).status).toBe(202);
    const mail = await lastAccountMail(s.smtp, s.container, email, /Reset your password/);
    const reset = await request(s.app)
      .post('/api/auth/reset-password')
      .send({ token: linkToken(mail, 'reset-password'), password: 'the owner’s password' });
    expect(reset.status).toBe(204);
    expect((await request(s.app).get('/api/me').set(as(impostor.token))).status).toBe(401);
    const login = await request(s.app).post('/api/auth/login').send({ email, password: 'the owner’s password' });
    const mine = await request(s.app).get('/api/bookings').set(as(login.body.token));
    expect(ids(mine)).toEqual([booking.id]);
  });

  it('when an impostor deletes the account, then the guest bookings stay as they are and the record is a guest record again', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    const booking = await bookAsGuest(specialist.user.id, email, '2026-11-26T10:00:00Z');
    const impostor = await registerUser(s.app, 'customer', { email, password: 'impostor password' });
    const own = await request(s.app)
      .post('/api/bookings')
      .set(as(impostor.token))
      .send({ specialistId: specialist.user.id, start: '2026-11-26T12:00:00Z', topic: 'Impostor topic' });
    expect(own.status).toBe(201);
    const deleted = await request(s.app)
      .delete('/api/me')
      .set(as(impostor.token))
      .send({ password: 'impostor password' });
    expect(deleted.status).toBe(204);
    await drainJobs(s.container);

    const kept = await BookingModel.findById(booking.id).lean();
    expect(kept).toMatchObject({ status: 'confirmed', guest: { email, name: 'Gina Guest' } });
    expect(kept!.zoomJoinUrl).toEqual(expect.any(String));
    const theirs = await BookingModel.findById(own.body.id).lean();
    expect(theirs).toMatchObject({ status: 'cancelled', topic: null, guest: null });
    expect(theirs!.customerId.toString()).not.toBe(booking.customerId); // nothing of the impostor on the record
    expect(await UserModel.findById(booking.customerId).lean()).toMatchObject({
      email,
      guest: true,
      passwordHash: null,
      name: 'Gina Guest',
      deletingAt: null,
    });
    const login = await request(s.app).post('/api/auth/login').send({ email, password: 'impostor password' });
    expect(login.status).toBe(401);
    // The owner signs up and verifies: the guest booking is theirs.
    const owner = await registerUser(s.app, 'customer', { email });
    await verifyFromMail(s.app, s.smtp, s.container, email);
    expect(ids(await request(s.app).get('/api/bookings').set(as(owner.token)))).toEqual([booking.id]);
  });

  it('when a verified account with guest bookings is deleted, then those are cancelled like its others', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    const booking = await bookAsGuest(specialist.user.id, email, '2026-11-27T08:00:00Z');
    const account = await registerUser(s.app, 'customer', { email });
    await verifyFromMail(s.app, s.smtp, s.container, email);
    const deleted = await request(s.app).delete('/api/me').set(as(account.token)).send({ password: account.password });
    expect(deleted.status).toBe(204);
    expect(await BookingModel.findById(booking.id).lean()).toMatchObject({ status: 'cancelled', guest: null });
    await drainJobs(s.container);
    s.clock.advance(3 * 60_000);
    await s.container.services.accountDeletion.resumeDeletions();
    expect(await UserModel.exists({ email })).toBeNull();
    expect(await GuestEmailCodeModel.countDocuments({ email })).toBe(0);
  });

  it('when a verified account moves to a new address, then its guest bookings move along (seen, and mailed there)', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    const booking = await bookAsGuest(specialist.user.id, email, '2026-11-27T12:00:00Z');
    const account = await registerUser(s.app, 'customer', { email });
    await verifyFromMail(s.app, s.smtp, s.container, email);
    const next = fresh();
    await request(s.app)
      .patch('/api/me')
      .set(as(account.token))
      .send({ email: next, currentPassword: account.password });
    await verifyFromMail(s.app, s.smtp, s.container, next);
    expect(ids(await request(s.app).get('/api/bookings').set(as(account.token)))).toEqual([booking.id]);
    expect((await BookingModel.findById(booking.id).lean())!.guest!.email).toBe(next);
  });

  it('when someone tries to sign in to a guest record or reset its password, then it is refused like an unknown address', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    await bookAsGuest(specialist.user.id, email, '2026-11-27T10:00:00Z');
    const login = await request(s.app).post('/api/auth/login').send({ email, password: 'anything at all' });
    expect(login.status).toBe(401);
    expect(login.body.error.code).toBe('INVALID_CREDENTIALS');
    const forgot = await request(s.app).post('/api/auth/forgot-password').send({ email });
    expect(forgot.status).toBe(202);
    await drainJobs(s.container);
    expect(s.smtp.accountMailsTo(email).map((m) => m.subject)).toEqual(['Your booking code']);
    // A specialist sign-up cannot take the guest record (one role per address).
    const specialistSignUp = await request(s.app)
      .post('/api/auth/register')
      .send({ role: 'specialist', name: 'Spec', email, password: 'correct horse battery', timezone: 'UTC' });
    expect(specialistSignUp.status).toBe(409);
  });
});
