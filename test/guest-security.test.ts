import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { GuestEmailCodeModel } from '../src/models/guest-email-code.model';
import { lastAccountMail, linkToken, verifyFromMail } from './support/account-mail';
import { registerUser } from './support/app';
import { readySpecialist } from './support/booking';
import { emailedCode, guestBook } from './support/guest';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';
const CREATE = 'POST /v2/users/:userId/meetings';

describe('guest codes under concurrency: at most 5 wrong guesses are ever compared', () => {
  // The bursts here come from one IP: its limit on codes that do not work is tested below.
  const s = useStack({ now: NOW, env: { GUEST_CODE_FAILURES_MAX_PER_IP: '10000' } });
  let n = 0;
  const fresh = () => `race.${(n += 1)}.${Date.now()}@example.com`;
  const body = (specialistId: string, email: string, code: string, start = '2026-11-24T08:00:00Z') => ({
    specialistId,
    start,
    name: 'Gina Guest',
    email,
    timezone: 'Europe/Berlin',
    code,
  });
  const wrongs = (code: string, count: number) =>
    Array.from({ length: count }, (_, i) => String((Number(code) + i + 1) % 1e6).padStart(6, '0'));

  // Which request takes a try first is up to the race: the right guess may be among the first five (then it books,
  // and the guesses after its claim meet a used code), or come later and meet a dead code. Never more than five
  // wrong guesses are compared, however many arrive at once.
  it('when 40 wrong guesses and the right one arrive at once, then at most 5 are counted and the right one books only inside them', async () => {
    const sp = await readySpecialist(s.app);
    const email = fresh();
    const code = await emailedCode(s.app, s.smtp, s.container, email);
    const answers = await Promise.all(
      [...wrongs(code, 40), code].map((c) => guestBook(s.app, body(sp.user.id, email, c))),
    );
    const booked = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status === 422).map((r) => r.body.error.details);
    expect(booked.length + refused.length).toBe(41);
    expect(booked.length).toBeLessThanOrEqual(1);
    expect(refused.every((d) => ['wrong', 'dead', 'invalid'].includes(d.reason))).toBe(true);
    // A compared wrong guess is told its own count: 4 to 1 left, at most once each (the fifth is told "dead").
    const left = refused.filter((d) => d.reason === 'wrong').map((d) => d.triesLeft as number);
    expect(left.every((t) => t >= 1 && t <= 4)).toBe(true);
    expect(left.length).toBeLessThanOrEqual(4 + booked.length); // a right guess gives its try back before it claims
    const stored = await GuestEmailCodeModel.findOne({ email }).lean();
    if (booked.length === 1) expect(stored!.tries).toBeLessThan(5);
    else expect(stored!.tries).toBe(5);
    expect(await BookingModel.countDocuments({ 'guest.email': email })).toBe(booked.length);
  });

  it('when 5 wrong guesses were counted in a burst, then the right code is refused as dead', async () => {
    const sp = await readySpecialist(s.app);
    const email = fresh();
    const code = await emailedCode(s.app, s.smtp, s.container, email);
    await Promise.all(wrongs(code, 40).map((c) => guestBook(s.app, body(sp.user.id, email, c))));
    const right = await guestBook(s.app, body(sp.user.id, email, code));
    expect(right.status).toBe(422);
    expect(right.body.error.details.reason).toBe('dead');
    expect(await BookingModel.countDocuments({ 'guest.email': email })).toBe(0);
  });

  it('when the same request is sent again while the inline Zoom create is slow, then both answer the one booking', async () => {
    const sp = await readySpecialist(s.app);
    const email = fresh();
    const code = await emailedCode(s.app, s.smtp, s.container, email);
    const req = body(sp.user.id, email, code, '2026-11-24T10:00:00Z');
    s.sandbox.inject({ route: CREATE, delayMs: 3000 });
    const first = guestBook(s.app, req, 'double-click').then((res) => res); // sent now, answered later
    await new Promise((resolve) => setTimeout(resolve, 1200)); // the booking is stored, the meeting not yet
    const second = await guestBook(s.app, req, 'double-click');
    const a = await first;
    expect(a.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(a.body.id);
    expect(await BookingModel.countDocuments({ 'guest.email': email })).toBe(1);
  });
  it('when the request that made the booking died before recording it on the code, then a retry with the key and the code answers the booking, as often as asked', async () => {
    const sp = await readySpecialist(s.app);
    const email = fresh();
    const code = await emailedCode(s.app, s.smtp, s.container, email);
    const req = body(sp.user.id, email, code, '2026-11-24T12:00:00Z');
    const first = await guestBook(s.app, req, 'died');
    expect(first.status).toBe(201);
    // What a request that died after its booking insert leaves: the code claimed under the key, naming no booking.
    await GuestEmailCodeModel.updateOne({ email }, { $set: { bookingId: null } });
    for (let i = 0; i < 7; i += 1) {
      const again = await guestBook(s.app, req, 'died');
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
    }
    // The right code's tries were given back; a wrong one is still counted.
    expect((await GuestEmailCodeModel.findOne({ email }).lean())!.tries).toBe(0);
    const wrong = await guestBook(s.app, { ...req, code: wrongs(code, 1)[0] }, 'died');
    expect(wrong.body.error).toMatchObject({ code: 'EMAIL_CODE_INVALID', details: { reason: 'invalid' } });
    expect((await GuestEmailCodeModel.findOne({ email }).lean())!.tries).toBe(1);
  });
});

describe('an impostor keeps nothing across the owner’s recovery', () => {
  const s = useStack({ now: NOW });
  let n = 0;
  const fresh = (p = 'victim') => `${p}.${(n += 1)}.${Date.now()}@example.com`;
  const as = (t: string) => ({ Authorization: `Bearer ${t}` });

  async function guestBooking(specialistId: string, email: string, start: string) {
    const code = await emailedCode(s.app, s.smtp, s.container, email);
    const res = await guestBook(s.app, { specialistId, start, name: 'Gina', email, timezone: 'Europe/Berlin', code });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  async function ownerResets(email: string) {
    await request(s.app).post('/api/auth/forgot-password').send({ email });
    const mail = await lastAccountMail(s.smtp, s.container, email, /Reset your password/);
    const r = await request(s.app)
      .post('/api/auth/reset-password')
      .send({ token: linkToken(mail, 'reset-password'), password: 'owner password 1' });
    expect(r.status).toBe(204);
  }
  const feedPath = async (token: string) =>
    new URL((await request(s.app).get('/api/me/calendar-feed').set(as(token))).body.url).pathname;

  it('when the owner resets the password, then the feed address the impostor fetched answers 404', async () => {
    const sp = await readySpecialist(s.app);
    const email = fresh();
    const id = await guestBooking(sp.user.id, email, '2026-11-26T08:00:00Z');
    const impostor = await registerUser(s.app, 'customer', { email });
    const path = await feedPath(impostor.token);
    expect((await request(s.app).get(path)).text).not.toContain(`booking-${id}@`);
    await ownerResets(email);
    const after = await request(s.app).get(path);
    expect(after.status).toBe(404);
    expect(after.text).not.toContain(`booking-${id}@`);
  });

  it('when the owner resets the password, then the impostor’s email-change link is dead and the bookings stay', async () => {
    const sp = await readySpecialist(s.app);
    const email = fresh();
    const id = await guestBooking(sp.user.id, email, '2026-11-26T10:00:00Z');
    const impostor = await registerUser(s.app, 'customer', { email, password: 'impostor password' });
    const mine = fresh('impostor');
    const patch = await request(s.app)
      .patch('/api/me')
      .set(as(impostor.token))
      .send({ email: mine, currentPassword: 'impostor password' });
    expect(patch.status).toBe(200);
    const changeMail = await lastAccountMail(s.smtp, s.container, mine, /Confirm your email address/);
    await ownerResets(email);
    const v = await request(s.app)
      .post('/api/auth/verify-email')
      .send({ token: linkToken(changeMail, 'verify-email') });
    expect(v.status).toBe(400);
    expect(v.body.error.code).toBe('LINK_INVALID');
    expect((await BookingModel.findById(id).lean())!.guest!.email).toBe(email);
  });

  it('when the impostor deletes the account and the owner signs up and verifies, then the impostor’s feed address answers 404', async () => {
    const sp = await readySpecialist(s.app);
    const email = fresh();
    const id = await guestBooking(sp.user.id, email, '2026-11-26T12:00:00Z');
    const impostor = await registerUser(s.app, 'customer', { email, password: 'impostor password' });
    const path = await feedPath(impostor.token);
    const deleted = await request(s.app)
      .delete('/api/me')
      .set(as(impostor.token))
      .send({ password: 'impostor password' });
    expect(deleted.status).toBe(204);
    expect((await request(s.app).get(path)).status).toBe(404);
    const owner = await registerUser(s.app, 'customer', { email });
    await verifyFromMail(s.app, s.smtp, s.container, email);
    const after = await request(s.app).get(path);
    expect(after.status).toBe(404);
    // The owner's own address shows the booking.
    expect((await request(s.app).get(await feedPath(owner.token))).text).toContain(`booking-${id}@`);
  });
});

describe('codes that do not work, per IP: GUEST_CODE_FAILURES_MAX_PER_IP per hour over all addresses', () => {
  const s = useStack({ now: NOW, env: { TRUST_PROXY: '1', GUEST_CODE_FAILURES_MAX_PER_IP: '4' } });

  it('when one IP has entered its share of codes that do not work, then its next guesses are refused unseen (429), even in a burst, and other IPs are not', async () => {
    const sp = await readySpecialist(s.app);
    const addresses = [`ip.1.${Date.now()}@example.com`, `ip.2.${Date.now()}@example.com`];
    const codes = await Promise.all(addresses.map((a) => emailedCode(s.app, s.smtp, s.container, a)));
    const attempt = (email: string, code: string, ip: string, start = '2026-11-24T08:00:00Z') =>
      request(s.app)
        .post('/api/guest/bookings')
        .set('X-Forwarded-For', ip)
        .send({ specialistId: sp.user.id, start, name: 'Gina', email, timezone: 'Europe/Berlin', code });
    const wrong = (code: string, i: number) => String((Number(code) + i + 1) % 1e6).padStart(6, '0');
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attempt(addresses[i % 2]!, wrong(codes[i % 2]!, i), '198.51.100.7')),
    );
    expect(burst.filter((r) => r.status === 422)).toHaveLength(4);
    const limited = burst.filter((r) => r.status === 429);
    expect(limited).toHaveLength(8);
    expect(limited[0]!.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThan(0);
    // Only the four that were looked at were counted on the codes.
    const tries = await GuestEmailCodeModel.find({ email: { $in: addresses } }).lean();
    expect(tries.reduce((sum, c) => sum + c.tries, 0)).toBe(4);
    // The right code from that IP waits for the next hour; from another IP it books.
    expect((await attempt(addresses[0]!, codes[0]!, '198.51.100.7')).status).toBe(429);
    expect((await attempt(addresses[0]!, codes[0]!, '198.51.100.8')).status).toBe(201);
    s.clock.advance(3600_000);
    expect((await attempt(addresses[1]!, codes[1]!, '198.51.100.7', '2026-11-24T10:00:00Z')).status).toBe(422);
  });

  it('when codes work, then they do not count against the IP', async () => {
    const sp = await readySpecialist(s.app);
    for (let i = 0; i < 6; i += 1) {
      const email = `ok.${i}.${Date.now()}@example.com`;
      const code = await emailedCode(s.app, s.smtp, s.container, email);
      const res = await request(s.app)
        .post('/api/guest/bookings')
        .set('X-Forwarded-For', '198.51.100.9')
        .send({
          specialistId: sp.user.id,
          start: `2026-11-2${4 + (i % 3)}T${i < 3 ? '08' : '10'}:00:00Z`,
          name: 'Gina',
          email,
          timezone: 'Europe/Berlin',
          code,
        });
      expect(res.status).toBe(201);
    }
  });
});
