import request from 'supertest';
import { createAdmin, registerUser } from './support/app';
import { book, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';

describe('a booking names the people in it, for its parties only', () => {
  const s = useStack({ now: NOW });

  it('when each party reads the booking, then they see the counterpart by name (the specialist also the customer’s email), admins both, others nothing', async () => {
    const specialist = await readySpecialist(s.app, { name: 'Sam Specialist' });
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo Customer' });
    const stranger = await registerUser(s.app, 'customer', { name: 'Olga Other' });
    const admin = await createAdmin(s.container);
    const created = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T08:00:00Z',
    });
    expect(created.status).toBe(201);
    expect(created.body.specialistName).toBe('Sam Specialist');
    expect(created.body).not.toHaveProperty('customerName');
    expect(created.body).not.toHaveProperty('customerEmail');
    const id = created.body.id as string;
    const get = (token: string, path = `/api/bookings/${id}`) =>
      request(s.app).get(path).set('Authorization', `Bearer ${token}`);

    const asCustomer = (await get(customer.token)).body;
    expect(asCustomer.specialistName).toBe('Sam Specialist');
    expect(asCustomer).not.toHaveProperty('customerEmail');

    const asSpecialist = (await get(specialist.token)).body;
    expect(asSpecialist).toMatchObject({ customerName: 'Cleo Customer', customerEmail: customer.user.email });
    expect(asSpecialist).not.toHaveProperty('specialistName');
    const specialistList = (await get(specialist.token, '/api/bookings')).body;
    expect(specialistList.items).toEqual([
      expect.objectContaining({ id, customerName: 'Cleo Customer', customerEmail: customer.user.email }),
    ]);
    const customerList = (await get(customer.token, '/api/bookings')).body;
    expect(customerList.items).toEqual([expect.objectContaining({ id, specialistName: 'Sam Specialist' })]);
    expect(customerList.items[0]).not.toHaveProperty('customerEmail');

    const asAdmin = (await get(admin.token)).body;
    expect(asAdmin).toMatchObject({
      specialistName: 'Sam Specialist',
      customerName: 'Cleo Customer',
      customerEmail: customer.user.email,
    });

    const asStranger = await get(stranger.token);
    expect(asStranger.status).toBe(404);
    expect(JSON.stringify(asStranger.body)).not.toContain('Cleo');
    expect((await get(stranger.token, '/api/bookings')).body.items).toEqual([]);

    const moved = await request(s.app)
      .post(`/api/bookings/${id}/reschedule`)
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ start: '2026-11-24T10:00:00Z' });
    expect(moved.body).toMatchObject({ start: '2026-11-24T10:00:00.000Z', customerName: 'Cleo Customer' });
    const cancelled = await request(s.app)
      .post(`/api/bookings/${id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', specialistName: 'Sam Specialist' });
    expect(cancelled.body).not.toHaveProperty('customerEmail');
  });
});
