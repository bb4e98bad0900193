import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { BookingClaimModel } from '../src/models/booking-claim.model';
import { BookingModel } from '../src/models/booking.model';
import { IdempotencyKeyModel } from '../src/models/idempotency-key.model';
import { registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

const NOW = '2026-11-23T08:00:00.000Z';

/**
 * A request that died after storing its Idempotency-Key but before its booking existed leaves the key (and perhaps
 * the booking's calendar cells) behind. The next request with the same key and body takes the key over once its
 * lease has lapsed and completes the booking, under the bookingId the key names.
 */
describe('an Idempotency-Key whose first request died before its booking existed', () => {
  const s = useStack({ now: NOW });

  /** What POST /api/bookings has written when the process dies between storing the key and inserting the booking. */
  async function keyLeftByACrash(options: { key: string; start: string; legacy?: boolean }) {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const body = { specialistId: specialist.user.id, start: options.start, topic: 'After the crash' };
    const bookingId = new Types.ObjectId();
    const t = s.clock.now().getTime();
    await IdempotencyKeyModel.create({
      scope: `booking:${customer.user.id}:${options.key}`,
      requestHash: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
      bookingId,
      createdAt: new Date(t - 5_000),
      // keys stored before leases existed carry neither field (their lease is createdAt + 10 s)
      ...(options.legacy ? {} : { owner: 'the-dead-request', leaseUntil: new Date(t + 5_000) }),
    });
    const start = new Date(options.start);
    await BookingClaimModel.insertMany(
      [0, 5, 10].map((m) => ({
        specialistId: specialist.user.id,
        cell: new Date(start.getTime() + m * 60_000),
        bookingId,
        createdAt: new Date(t - 5_000),
      })),
    );
    return { specialist, customer, body, bookingId: bookingId.toString() };
  }

  const meetingsOf = (id: string) => s.sandbox.meetings().filter((m) => (m.agenda ?? '').includes(`[ref:${id}]`));

  it('when the retry comes after the lease, then it completes the booking once, and later retries replay it', async () => {
    const { customer, body, bookingId } = await keyLeftByACrash({ key: 'dead-1', start: '2026-11-24T09:00:00Z' });
    s.clock.advance(6_000);

    const retry = await book(s.app, customer.token, body, 'dead-1');
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: bookingId, topic: 'After the crash', status: 'confirmed' });
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    const again = await book(s.app, customer.token, body, 'dead-1');
    expect([again.status, again.body.id, again.headers['idempotent-replayed']]).toEqual([201, bookingId, 'true']);

    await drainJobs(s.container);
    expect(await BookingModel.countDocuments({ customerId: customer.user.id })).toBe(1);
    expect(meetingsOf(bookingId)).toHaveLength(1);
    expect(s.smtp.to(customer.user.email).map((m) => m.subject)).toEqual([expect.stringContaining('is confirmed')]);
  });

  it('when two retries arrive at once after the lease, then both get the one booking', async () => {
    const { customer, body, bookingId } = await keyLeftByACrash({ key: 'dead-2', start: '2026-11-24T11:00:00Z' });
    s.clock.advance(6_000);

    const retries = await Promise.all([1, 2].map(() => book(s.app, customer.token, body, 'dead-2')));
    expect(retries.map((r) => [r.status, r.body.id])).toEqual([
      [201, bookingId],
      [201, bookingId],
    ]);
    expect(retries.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(1);
    await drainJobs(s.container);
    expect(await BookingModel.countDocuments({ customerId: customer.user.id })).toBe(1);
    expect(meetingsOf(bookingId)).toHaveLength(1);
    expect(s.smtp.to(customer.user.email)).toHaveLength(1);
  });

  it('when the retry comes while the lease still runs, then it waits for the lease and then completes the booking', async () => {
    const { customer, body, bookingId } = await keyLeftByACrash({ key: 'dead-3', start: '2026-11-24T13:00:00Z' });
    const retry = book(s.app, customer.token, body, 'dead-3').then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the retry is waiting on the lease
    expect(await BookingModel.exists({ _id: bookingId })).toBeNull();
    s.clock.advance(6_000);
    const res = await retry;
    expect([res.status, res.body.id]).toEqual([201, bookingId]);
  });

  it('when the retry has a different body, then 422 IDEMPOTENCY_KEY_REUSED and nothing is booked', async () => {
    const { customer, body } = await keyLeftByACrash({ key: 'dead-4', start: '2026-11-24T15:00:00Z' });
    s.clock.advance(6_000);
    const other = await book(s.app, customer.token, { ...body, topic: 'Something else' }, 'dead-4');
    expect([other.status, other.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await BookingModel.countDocuments({ customerId: customer.user.id })).toBe(0);
  });

  it('when the key was stored before leases existed, then a retry takes it over too', async () => {
    const { customer, body, bookingId } = await keyLeftByACrash({
      key: 'dead-5',
      start: '2026-11-25T09:00:00Z',
      legacy: true,
    });
    s.clock.advance(6_000);
    const retry = await book(s.app, customer.token, body, 'dead-5');
    expect([retry.status, retry.body.id]).toEqual([201, bookingId]);
  });
});
