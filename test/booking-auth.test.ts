import { BookingModel } from '../src/models/booking.model';
import { UserModel } from '../src/models/user.model';
import { registerUser } from './support/app';
import { book, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

const NOW = '2026-11-23T08:00:00.000Z';

/** POST /api/bookings checks the token in the middleware and reads the account in the service, with its other reads. */
describe('who may book', () => {
  const s = useStack({ now: NOW });

  it('when the customer’s account was deleted, then their still-valid token cannot book (401), with or without a key', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    await UserModel.deleteOne({ _id: customer.user.id });
    for (const key of [undefined, 'key-1']) {
      const res = await book(
        s.app,
        customer.token,
        { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' },
        key,
      );
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_TOKEN');
    }
    expect(await BookingModel.countDocuments({ customerId: customer.user.id })).toBe(0);
    expect(s.sandbox.meetings().filter((m) => m.topic.includes('Session with'))).toHaveLength(0);
  });

  it('when a specialist’s token is used to book, then 403 and nothing is stored', async () => {
    const specialist = await readySpecialist(s.app);
    const res = await book(s.app, specialist.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T10:00:00Z',
    });
    expect(res.status).toBe(403);
    expect(await BookingModel.countDocuments({ specialistId: specialist.user.id })).toBe(0);
  });
});
