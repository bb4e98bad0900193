import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { GuestEmailCodeModel } from '../src/models/guest-email-code.model';
import { UserModel } from '../src/models/user.model';
import { registerUser } from './support/app';
import { readySpecialist } from './support/booking';
import { askCode, codeFromMail, emailedCode, guestBook } from './support/guest';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';

describe('guest email codes: 6 digits, 10 minutes, 5 tries, the newest only, limited per address and IP', () => {
  const s = useStack({
    now: NOW,
    env: { TRUST_PROXY: '1', GUEST_CODES_MAX_PER_EMAIL: '3', GUEST_CODES_MAX_PER_IP: '6' },
  });
  let n = 0;
  const fresh = () => `codes.${(n += 1)}.${Date.now()}@example.com`;
  // Each test asks from its own IP, so only the per-IP test reaches that limit.
  const ip = () => `203.0.113.${n}`;
  const wrong = (code: string) => (code === '123456' ? '654321' : '123456');

  async function attempt(specialistId: string, email: string, code: string, start = '2026-11-24T08:00:00Z') {
    return guestBook(s.app, { specialistId, start, name: 'Gina Guest', email, timezone: 'Europe/Berlin', code });
  }

  it('when a code is asked for, then the answer is the same 202 for an unknown address and an account’s, and both get a mail', async () => {
    const customer = await registerUser(s.app, 'customer');
    const unknown = fresh();
    const a = await askCode(s.app, unknown, ip());
    const b = await askCode(s.app, customer.user.email, ip());
    for (const res of [a, b]) expect(res.status).toBe(202);
    expect(a.body).toEqual(b.body);
    expect(a.body).toEqual({ message: 'A code is on its way to this address; it works for 10 minutes' });
    const headers = (h: Record<string, string>) =>
      Object.keys(h)
        .filter((k) => !['date', 'x-request-id', 'etag', 'content-length'].includes(k))
        .sort();
    expect(headers(a.headers)).toEqual(headers(b.headers));
    const [codeA, codeB] = [
      await codeFromMail(s.smtp, s.container, unknown),
      await codeFromMail(s.smtp, s.container, customer.user.email),
    ];
    expect(codeA).toMatch(/^\d{6}$/);
    expect(codeB).toMatch(/^\d{6}$/);
    // Stored as an HMAC only, and asking creates no account.
    const stored = await GuestEmailCodeModel.findOne({ email: unknown }).lean();
    expect(JSON.stringify(stored)).not.toContain(codeA);
    expect(await UserModel.exists({ email: unknown })).toBeNull();
  });

  it('when a wrong code is tried 5 times, then it is dead: the right one is refused too, saying so', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    await askCode(s.app, email, ip());
    const code = await codeFromMail(s.smtp, s.container, email);
    for (let i = 1; i <= 4; i += 1) {
      const res = await attempt(specialist.user.id, email, wrong(code));
      expect(res.status).toBe(422);
      expect(res.body.error).toEqual({
        code: 'EMAIL_CODE_INVALID',
        message: `This code is wrong: ${5 - i} tries left`,
        details: { reason: 'wrong', triesLeft: 5 - i },
      });
    }
    const fifth = await attempt(specialist.user.id, email, wrong(code));
    expect(fifth.status).toBe(422);
    expect(fifth.body.error).toMatchObject({ details: { reason: 'dead' } });
    expect(fifth.body.error.message).toBe(
      'This code was entered wrongly 5 times and no longer works: ask for a new one',
    );
    const right = await attempt(specialist.user.id, email, code);
    expect(right.status).toBe(422);
    expect(right.body.error.details.reason).toBe('dead');
    expect(await BookingModel.countDocuments({ 'guest.email': email })).toBe(0);
    expect(await UserModel.exists({ email })).toBeNull();
  });

  it('when wrong codes are tried concurrently, then every one is counted (no more than 5 tries in all)', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    await askCode(s.app, email, ip());
    const code = await codeFromMail(s.smtp, s.container, email);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        attempt(specialist.user.id, email, String((Number(code) + i + 1) % 1e6).padStart(6, '0')),
      ),
    );
    expect(answers.every((r) => r.status === 422)).toBe(true);
    const stored = await GuestEmailCodeModel.findOne({ email }).lean();
    expect(stored!.tries).toBe(5);
    expect((await attempt(specialist.user.id, email, code)).body.error.details.reason).toBe('dead');
  });

  it('when 10 minutes have passed on the clock, then the code no longer works', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    await askCode(s.app, email, ip());
    const code = await codeFromMail(s.smtp, s.container, email);
    s.clock.advance(10 * 60_000);
    const res = await attempt(specialist.user.id, email, code, '2026-11-24T10:00:00Z');
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'EMAIL_CODE_INVALID', details: { reason: 'invalid' } });
    // 9 minutes 59 seconds still work.
    await askCode(s.app, email, ip());
    const next = await codeFromMail(s.smtp, s.container, email);
    s.clock.advance(10 * 60_000 - 1000);
    expect((await attempt(specialist.user.id, email, next, '2026-11-24T10:00:00Z')).status).toBe(201);
  });

  it('when a newer code was sent, then only the newest works, and a used one no longer does', async () => {
    const specialist = await readySpecialist(s.app);
    const email = fresh();
    await askCode(s.app, email, ip());
    const older = await codeFromMail(s.smtp, s.container, email);
    await askCode(s.app, email, ip());
    const newer = await codeFromMail(s.smtp, s.container, email);
    if (older !== newer) {
      expect((await attempt(specialist.user.id, email, older, '2026-11-24T12:00:00Z')).status).toBe(422);
    }
    expect((await attempt(specialist.user.id, email, newer, '2026-11-24T12:00:00Z')).status).toBe(201);
    const reused = await attempt(specialist.user.id, email, newer, '2026-11-24T14:00:00Z');
    expect(reused.body.error).toMatchObject({ code: 'EMAIL_CODE_INVALID', details: { reason: 'invalid' } });
  });

  it('when a code is refused for any reason but a live code’s wrong digits, then the answer is the same: nothing tells whether the address asked for or used a code', async () => {
    const specialist = await readySpecialist(s.app);
    const [never, expired, used] = [fresh(), fresh(), fresh()];
    await askCode(s.app, expired, ip());
    const old = await codeFromMail(s.smtp, s.container, expired);
    await askCode(s.app, used, ip());
    const spent = await codeFromMail(s.smtp, s.container, used);
    expect((await attempt(specialist.user.id, used, spent, '2026-11-25T08:00:00Z')).status).toBe(201);
    s.clock.advance(10 * 60_000);
    const answers = [
      await attempt(specialist.user.id, never, '123456'),
      await attempt(specialist.user.id, expired, old),
      await attempt(specialist.user.id, expired, wrong(old)),
      await attempt(specialist.user.id, used, spent),
      await attempt(specialist.user.id, used, wrong(spent)),
    ];
    for (const res of answers) {
      expect(res.status).toBe(422);
      expect(res.body.error).toEqual({
        code: 'EMAIL_CODE_INVALID',
        message: 'This code does not work: it may be wrong, expired or already used. Ask for a new one',
        details: { reason: 'invalid', triesLeft: 0 },
      });
    }
    // Nothing was counted on the codes that are no longer live.
    expect((await GuestEmailCodeModel.findOne({ email: expired }).lean())!.tries).toBe(0);
    expect((await GuestEmailCodeModel.findOne({ email: used }).lean())!.tries).toBe(0);
  });

  it('when more than GUEST_CODES_MAX_PER_EMAIL codes are asked for one address in an hour, then 429 with Retry-After, also from other IPs', async () => {
    const email = fresh();
    for (let i = 0; i < 3; i += 1) expect((await askCode(s.app, email, `198.51.100.${i}`)).status).toBe(202);
    const refused = await askCode(s.app, email, '198.51.100.99');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600);
    expect(await GuestEmailCodeModel.countDocuments({ email })).toBe(3);
    // Another address is not affected; the next hour the address may ask again.
    expect((await askCode(s.app, fresh(), '198.51.100.98')).status).toBe(202);
    s.clock.advance(3600_000);
    expect((await askCode(s.app, email, '198.51.100.97')).status).toBe(202);
  });

  it('when more than GUEST_CODES_MAX_PER_IP codes are asked from one IP in an hour, then 429 with Retry-After for any address', async () => {
    const from = '192.0.2.77';
    for (let i = 0; i < 6; i += 1) expect((await askCode(s.app, fresh(), from)).status).toBe(202);
    const refused = await askCode(s.app, fresh(), from);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await askCode(s.app, fresh(), '192.0.2.78')).status).toBe(202);
  });

  it('when the address of a verified account books as a guest, then the booking is that account’s at once', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    await UserModel.updateOne({ _id: customer.user.id }, { $set: { emailVerified: true } });
    const code = await emailedCode(s.app, s.smtp, s.container, customer.user.email);
    const res = await attempt(specialist.user.id, customer.user.email, code, '2026-11-25T08:00:00Z');
    expect(res.status).toBe(201);
    expect(res.body.customerId).toBe(customer.user.id);
    const mine = await request(s.app).get('/api/bookings').set('Authorization', `Bearer ${customer.token}`);
    expect(mine.body.items.map((b: { id: string }) => b.id)).toEqual([res.body.id]);
  });
});
