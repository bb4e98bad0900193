import { OutboxMailModel } from '../src/models/outbox-mail.model';
import { registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

/**
 * SMTP has no idempotency: a process that dies after SMTP accepted a message and before it marked the message sent
 * leaves it pending under its claim, and once the claim lapses the message goes out again. Delivery is therefore at
 * least once, and every delivery of one message carries the same Message-ID so mail clients recognise the repeat.
 */
describe('a mail whose sender died between SMTP and the sent mark', () => {
  const s = useStack({
    now: '2026-11-23T08:00:00.000Z',
    env: { MAIL_FROM: 'Bookings <no-reply@booking.example.com>' },
  });

  it('when its claim lapses, then it is delivered again with the same Message-ID, on MAIL_FROM’s domain', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T09:00:00Z' });
    expect(res.status).toBe(201);
    await drainJobs(s.container);
    const first = s.smtp.to(customer.user.email);
    expect(first).toHaveLength(1);
    const messageId = first[0]!.messageId!;
    expect(messageId).toMatch(/^<[0-9a-f]{32}\.outbox@booking\.example\.com>$/);

    // What the dead sender left: SMTP has the message, the outbox still says pending under the sender's claim.
    const dedupeKey = new RegExp(`^booking:${res.body.id}:.*customer`);
    const claimUntil = new Date(s.clock.now().getTime() + 60_000);
    const left = await OutboxMailModel.updateOne(
      { dedupeKey },
      { $set: { status: 'pending', sentAt: null, lockedUntil: claimUntil, nextAttemptAt: s.clock.now() } },
    );
    expect(left.modifiedCount).toBe(1);
    await drainJobs(s.container);
    expect(s.smtp.to(customer.user.email)).toHaveLength(1); // the claim still holds it

    s.clock.advance(61_000);
    await drainJobs(s.container);
    const all = s.smtp.to(customer.user.email);
    expect(all.map((m) => m.messageId)).toEqual([messageId, messageId]);
    expect(await OutboxMailModel.findOne({ dedupeKey }).lean()).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
