import ICAL from 'ical.js';
import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { GuestEmailCodeModel } from '../src/models/guest-email-code.model';
import { UserModel } from '../src/models/user.model';
import { registerUser } from './support/app';
import { drainJobs, readySpecialist } from './support/booking';
import { emailedCode, guestBook } from './support/guest';
import { manageTokenIn } from './support/manage';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';

describe('guest booking: no account, the address proven by an emailed code', () => {
  const s = useStack({ now: NOW });
  let n = 0;
  const guestEmail = () => `guest.${(n += 1)}.${Date.now()}@example.com`;

  async function guestBody(specialistId: string, start: string, email = guestEmail()) {
    const code = await emailedCode(s.app, s.smtp, s.container, email);
    return { specialistId, start, name: 'Gina Guest', email, timezone: 'America/New_York', topic: 'CV review', code };
  }

  it('when a guest books with the emailed code, then it is a normal booking: meeting, both mails with .ics, the manage link in theirs and in the answer', async () => {
    const specialist = await readySpecialist(s.app);
    const body = await guestBody(specialist.user.id, '2026-11-24T08:00:00Z');
    const res = await guestBook(s.app, { ...body, email: body.email.toUpperCase() });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    // The booking as POST /api/bookings answers it, with the manage link the guest needs next.
    expect(res.body).toMatchObject({
      specialistId: specialist.user.id,
      start: '2026-11-24T08:00:00.000Z',
      status: 'confirmed',
      topic: 'CV review',
      bookedAsGuest: true,
      specialistName: 'Sam Specialist',
      meeting: expect.objectContaining({ status: 'created', joinUrl: expect.stringContaining('http') }),
      manageToken: expect.any(String),
      manageUrl: `http://frontend.test/manage/${res.body.manageToken}`,
    });
    expect(res.body.meeting).not.toHaveProperty('startUrl');
    // The meeting at Zoom (the sandbox), named after the guest.
    const meeting = s.sandbox.meetings().find((m) => String(m.id) === res.body.meeting.zoomMeetingId);
    expect(meeting).toBeDefined();
    // Stored: owned by a guest record of the lower-cased address, with the guest's details.
    const stored = await BookingModel.findById(res.body.id).lean();
    expect(stored!.guest).toEqual({ email: body.email, name: 'Gina Guest', timezone: 'America/New_York' });
    const owner = await UserModel.findById(stored!.customerId).lean();
    expect(owner).toMatchObject({ email: body.email, guest: true, passwordHash: null, role: 'customer' });

    await drainJobs(s.container);
    const theirs = s.smtp.to(body.email);
    expect(theirs.map((m) => m.subject)).toEqual(['Your booking with Sam Specialist is confirmed']);
    expect(theirs[0]!.text).toContain('(America/New_York)');
    expect(manageTokenIn(theirs[0])).toBe(res.body.manageToken);
    const ics = theirs[0]!.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    const event = new ICAL.Component(ICAL.parse(ics!.content.toString())).getFirstSubcomponent('vevent')!;
    expect(String(event.getFirstPropertyValue('dtstart'))).toBe('2026-11-24T08:00:00Z');
    expect(JSON.stringify(event.toJSON())).toContain(body.email);
    const specialistMail = s.smtp.to(specialist.user.email);
    expect(specialistMail.map((m) => m.subject)).toEqual(['New booking!']);
    expect(specialistMail[0]!.text).toContain('Gina Guest');

    // The specialist sees who booked, by the name and address the guest gave.
    const seen = await request(s.app)
      .get(`/api/bookings/${res.body.id}`)
      .set('Authorization', `Bearer ${specialist.token}`);
    expect(seen.body).toMatchObject({ customerName: 'Gina Guest', customerEmail: body.email, bookedAsGuest: true });
  });

  it('when the guest uses the link from the mail, then they reschedule and cancel the booking without signing in', async () => {
    const specialist = await readySpecialist(s.app);
    const body = await guestBody(specialist.user.id, '2026-11-24T10:00:00Z');
    const res = await guestBook(s.app, body);
    expect(res.status).toBe(201);
    await drainJobs(s.container);
    const token = manageTokenIn(s.smtp.to(body.email)[0]);

    const seen = await request(s.app).get(`/api/manage/${token}`);
    expect(seen.status).toBe(200);
    expect(seen.body.booking).toMatchObject({ id: res.body.id, bookedAsGuest: true });
    const moved = await request(s.app).post(`/api/manage/${token}/reschedule`).send({ start: '2026-11-25T10:00:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body.booking).toMatchObject({ start: '2026-11-25T10:00:00.000Z', sequence: 1 });
    await drainJobs(s.container);
    expect(s.smtp.to(body.email).map((m) => m.subject)).toContain('Your booking with Sam Specialist was moved');
    expect(s.smtp.to(specialist.user.email).map((m) => m.subject)).toContain('Booking with Gina Guest was moved');

    const cancelled = await request(s.app).post(`/api/manage/${token}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ token: null, booking: { status: 'cancelled' } });
    await drainJobs(s.container);
    expect(s.smtp.to(body.email).map((m) => m.subject)).toContain('Your booking with Sam Specialist was cancelled');
    expect(s.sandbox.meetings().find((m) => String(m.id) === res.body.meeting.zoomMeetingId)).toBeUndefined();
  });

  it('when the request is sent again with the same Idempotency-Key and body, then the same booking answers (the used code too), and a wrong code does not', async () => {
    const specialist = await readySpecialist(s.app);
    const body = await guestBody(specialist.user.id, '2026-11-24T12:00:00Z');
    const first = await guestBook(s.app, body, 'guest-key-1');
    expect(first.status).toBe(201);
    const again = await guestBook(s.app, body, 'guest-key-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const wrongCode = await guestBook(
      s.app,
      { ...body, code: body.code === '000000' ? '111111' : '000000' },
      'guest-key-1',
    );
    expect(wrongCode.status).toBe(422);
    // A used code says nothing more than `invalid`, but the wrong try is counted on it.
    expect(wrongCode.body.error).toMatchObject({ code: 'EMAIL_CODE_INVALID', details: { reason: 'invalid' } });
    expect((await GuestEmailCodeModel.findOne({ email: body.email }).lean())!.tries).toBe(1);
    const otherBody = await guestBook(s.app, { ...body, topic: 'Something else' }, 'guest-key-1');
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Without the key the used code is refused.
    const reused = await guestBook(s.app, { ...body, start: '2026-11-24T14:00:00Z' });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: 'EMAIL_CODE_INVALID', details: { reason: 'invalid' } });
    expect(await BookingModel.countDocuments({ 'guest.email': body.email })).toBe(1);
    expect(s.sandbox.meetings().filter((m) => String(m.id) === first.body.meeting.zoomMeetingId)).toHaveLength(1);
  });

  it('when the slot is taken, then 409, the code stays usable and books another time', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const taken = await request(s.app)
      .post('/api/bookings')
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ specialistId: specialist.user.id, start: '2026-11-26T08:00:00Z' });
    expect(taken.status).toBe(201);
    const body = await guestBody(specialist.user.id, '2026-11-26T08:00:00Z');
    const refused = await guestBook(s.app, body);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('BOOKING_CONFLICT');
    const other = await guestBook(s.app, { ...body, start: '2026-11-26T10:00:00Z' });
    expect(other.status).toBe(201);
  });

  it('when two guests book the same slot at once, then one gets 201 and the other 409', async () => {
    const specialist = await readySpecialist(s.app);
    const [a, b] = await Promise.all([
      guestBody(specialist.user.id, '2026-11-27T08:00:00Z'),
      guestBody(specialist.user.id, '2026-11-27T08:00:00Z'),
    ]);
    const answers = await Promise.all([guestBook(s.app, a), guestBook(s.app, b)]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(
      await BookingModel.countDocuments({ specialistId: specialist.user.id, start: new Date('2026-11-27T08:00:00Z') }),
    ).toBe(1);
  });

  it('when the same request is sent twice at once (a double click), then one booking answers both', async () => {
    const specialist = await readySpecialist(s.app);
    const body = await guestBody(specialist.user.id, '2026-11-27T12:00:00Z');
    const answers = await Promise.all([guestBook(s.app, body, 'twin-key'), guestBook(s.app, body, 'twin-key')]);
    expect(answers.map((r) => r.status)).toEqual([201, 201]);
    expect(answers[0]!.body.id).toBe(answers[1]!.body.id);
    expect(await BookingModel.countDocuments({ 'guest.email': body.email })).toBe(1);
  });

  it('when the specialist turned guest booking off, then 403 GUESTS_NOT_ALLOWED, nothing is booked, and the public view says so', async () => {
    const specialist = await readySpecialist(s.app);
    const off = await request(s.app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ ...(await availabilityOf(specialist.token)), allowGuests: false });
    expect(off.body.allowGuests).toBe(false);
    const view = await request(s.app).get(`/api/specialists/${specialist.user.id}`);
    expect(view.body).toMatchObject({ allowGuests: false });
    const body = await guestBody(specialist.user.id, '2026-11-24T08:00:00Z');
    const refused = await guestBook(s.app, body);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('GUESTS_NOT_ALLOWED');
    expect(await BookingModel.countDocuments({ specialistId: specialist.user.id })).toBe(0);
    // A save without the field keeps it off.
    const { allowGuests: _omitted, ...rest } = await availabilityOf(specialist.token);
    const kept = await request(s.app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${specialist.token}`)
      .send(rest);
    expect(kept.body.allowGuests).toBe(false);
  });

  async function availabilityOf(token: string) {
    const res = await request(s.app).get('/api/specialists/me/availability').set('Authorization', `Bearer ${token}`);
    const { meetingSettings: _settings, ...body } = res.body;
    return body;
  }

  it('when the code belongs to a specialist’s address, then the guest booking is refused and nothing is stored', async () => {
    const specialist = await readySpecialist(s.app);
    const other = await readySpecialist(s.app, { name: 'Other' });
    const body = await guestBody(specialist.user.id, '2026-11-24T08:00:00Z', other.user.email);
    const refused = await guestBook(s.app, body);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('GUEST_EMAIL_NOT_CUSTOMER');
    expect(await BookingModel.countDocuments({ specialistId: specialist.user.id })).toBe(0);
  });
});

describe('guest booking with REQUIRE_VERIFIED_EMAIL=all', () => {
  const s = useStack({ now: NOW, env: { REQUIRE_VERIFIED_EMAIL: 'all' } });

  it('when a guest books with the code, then the code counts as the verified address (an unverified account still may not book)', async () => {
    const specialist = await readySpecialist(s.app);
    await UserModel.updateOne({ _id: specialist.user.id }, { $set: { emailVerified: true } });
    const customer = await registerUser(s.app, 'customer');
    const signedIn = await request(s.app)
      .post('/api/bookings')
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' });
    expect(signedIn.status).toBe(403);
    expect(signedIn.body.error.code).toBe('EMAIL_NOT_VERIFIED');
    const email = `verified.guest.${Date.now()}@example.com`;
    const code = await emailedCode(s.app, s.smtp, s.container, email);
    const res = await guestBook(s.app, {
      specialistId: specialist.user.id,
      start: '2026-11-24T08:00:00Z',
      name: 'Gina Guest',
      email,
      timezone: 'Europe/Berlin',
      code,
    });
    expect(res.status).toBe(201);
    // The record itself is not made verified by the code: an account is verified by its own link only.
    expect(await UserModel.findOne({ email }).lean()).toMatchObject({ guest: true, emailVerified: false });
  });
});
