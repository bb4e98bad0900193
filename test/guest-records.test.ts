import request from 'supertest';
import { UserModel } from '../src/models/user.model';
import { registerUser, uniqueEmail } from './support/app';
import { readySpecialist } from './support/booking';
import { emailedCode, guestBook } from './support/guest';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';

describe('guest records: taken over by a sign-up', () => {
  const s = useStack({ now: NOW });
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function guestAttempt(email: string, start: string) {
    const sp = await readySpecialist(s.app);
    const code = await emailedCode(s.app, s.smtp, s.container, email);
    return guestBook(s.app, { specialistId: sp.user.id, start, name: 'Gina', email, timezone: 'Europe/Berlin', code });
  }

  it('when a customer signs up with a guest record’s address, then the account starts at the sign-up, not when the record was made', async () => {
    const email = uniqueEmail('later');
    expect((await guestAttempt(email, '2026-11-25T08:00:00Z')).status).toBe(201);
    const made = new Date('2026-01-02T03:04:05Z');
    await UserModel.updateOne({ email }, { $set: { createdAt: made } }, { overwriteImmutable: true });
    const before = Date.now();
    const signedUp = await registerUser(s.app, 'customer', { email });
    const me = await request(s.app).get('/api/me').set(as(signedUp.token));
    expect(me.body.createdAt).toBe((signedUp.user as { createdAt?: string }).createdAt);
    expect(new Date(me.body.createdAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('when a specialist signs up with a guest record’s address, then 409 EMAIL_TAKEN (one role per address)', async () => {
    const email = uniqueEmail('guest');
    expect((await guestAttempt(email, '2026-11-25T10:00:00Z')).status).toBe(201);
    const res = await request(s.app)
      .post('/api/auth/register')
      .send({ role: 'specialist', name: 'Sam', email, password: 'a long password 1', timezone: 'Europe/Berlin' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('EMAIL_TAKEN');
  });
});
