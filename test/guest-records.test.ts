import request from 'supertest';
import { UserModel } from '../src/models/user.model';
import { registerUser, uniqueEmail } from './support/app';
import { readySpecialist } from './support/booking';
import { emailedCode, guestBook } from './support/guest';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';

describe('guest records: taken over by a sign-up, and kept while a guest booking may still land on them', () => {
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

  it('when a guest booking took an unverified account as its owner a moment before the account is deleted, then the record waits for the sweep, refusing new guest bookings meanwhile', async () => {
    const email = uniqueEmail('unverified');
    const account = await registerUser(s.app, 'customer', { email });
    // Refused after its owner was looked up (outside the availability): it may as well have been still on its way.
    const refused = await guestAttempt(email, '2026-11-24T03:00:00Z');
    expect(refused.body.error.code).toBe('OUTSIDE_AVAILABILITY');
    expect((await UserModel.findById(account.user.id).lean())!.guestBookingAt).not.toBeNull();
    const deleted = await request(s.app).delete('/api/me').set(as(account.token)).send({ password: account.password });
    expect(deleted.status).toBe(204);
    expect((await request(s.app).get('/api/me').set(as(account.token))).status).toBe(401);
    expect((await UserModel.findById(account.user.id).lean())!.deletingAt).not.toBeNull();
    const meanwhile = await guestAttempt(email, '2026-11-25T12:00:00Z');
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body.error.code).toBe('ACCOUNT_BEING_DELETED');
    s.clock.advance(3 * 60_000);
    await s.container.services.accountDeletion.resumeDeletions();
    expect(await UserModel.exists({ _id: account.user.id })).toBeNull();
  });
});
