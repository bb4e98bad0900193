import request from 'supertest';
import { registerUser } from './support/app';
import { book, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

const EVERY_DAY_NINE = {
  timezone: 'Europe/Berlin',
  weekly: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({
    day,
    start: '09:00',
    end: '11:00',
  })),
  slotMinutes: 60,
  bufferMinutes: 0,
  minNoticeMinutes: 120,
  maxDaysAhead: 10,
  headline: 'Tax advice',
};

describe('availability and free slots', () => {
  const stack = useStack({ now: '2026-10-20T08:00:00Z' });

  const slots = (id: string, from: string, to: string) =>
    request(stack.app).get(`/api/specialists/${id}/slots?from=${from}&to=${to}`);

  it('when summer time ends, then the 09:00 Berlin slot stays 09:00 local (07:00Z, then 08:00Z)', async () => {
    const s = await readySpecialist(stack.app, { availability: EVERY_DAY_NINE });
    const res = await slots(s.user.id, '2026-10-24', '2026-10-26');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      timezone: 'Europe/Berlin',
      slots: [
        { start: '2026-10-24T07:00:00.000Z', end: '2026-10-24T08:00:00.000Z' },
        { start: '2026-10-24T08:00:00.000Z', end: '2026-10-24T09:00:00.000Z' },
        { start: '2026-10-25T08:00:00.000Z', end: '2026-10-25T09:00:00.000Z' },
        { start: '2026-10-25T09:00:00.000Z', end: '2026-10-25T10:00:00.000Z' },
        { start: '2026-10-26T08:00:00.000Z', end: '2026-10-26T09:00:00.000Z' },
        { start: '2026-10-26T09:00:00.000Z', end: '2026-10-26T10:00:00.000Z' },
      ],
    });
  });

  it('when a slot is booked, too soon or beyond the horizon, then it is not offered', async () => {
    const s = await readySpecialist(stack.app, { availability: EVERY_DAY_NINE });
    const customer = await registerUser(stack.app, 'customer');
    expect(
      (await book(stack.app, customer.token, { specialistId: s.user.id, start: '2026-10-21T07:00:00Z' })).status,
    ).toBe(201);
    // Today: 09:00 and 10:00 Berlin (07:00Z, 08:00Z) are within the 2-hour notice from 08:00Z.
    const today = await slots(s.user.id, '2026-10-20', '2026-10-21');
    expect(today.body.slots.map((x: { start: string }) => x.start)).toEqual(['2026-10-21T08:00:00.000Z']);
    // Horizon: slots must start before 2026-10-30T08:00Z (10 days on), so 30 Oct 09:00 Berlin is out.
    const late = await slots(s.user.id, '2026-10-29', '2026-10-31');
    expect(late.body.slots.map((x: { start: string }) => x.start)).toEqual([
      '2026-10-29T08:00:00.000Z',
      '2026-10-29T09:00:00.000Z',
    ]);
  });

  it('when the range is too long or malformed, then 400', async () => {
    const s = await readySpecialist(stack.app, { availability: EVERY_DAY_NINE, zoom: false });
    expect((await slots(s.user.id, '2026-10-01', '2026-12-31')).status).toBe(400);
    expect((await slots(s.user.id, '2026-10-01', 'soon')).status).toBe(400);
    expect((await slots(s.user.id, '2026-10-10', '2026-10-01')).status).toBe(400);
    expect((await slots('665f1b2c9d3e4a0012345678', '2026-10-01', '2026-10-02')).status).toBe(404);
  });

  it('when availability is invalid, then 400 and the previous availability is kept', async () => {
    const s = await readySpecialist(stack.app, { availability: EVERY_DAY_NINE, zoom: false });
    const bad = await request(stack.app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${s.token}`)
      .send({ ...EVERY_DAY_NINE, weekly: [{ day: 'mon', start: '10:00', end: '09:00' }], timezone: 'Mars/Base' });
    expect(bad.status).toBe(400);
    const overlapping = await request(stack.app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${s.token}`)
      .send({
        ...EVERY_DAY_NINE,
        weekly: [
          { day: 'mon', start: '09:00', end: '12:00' },
          { day: 'mon', start: '11:00', end: '13:00' },
        ],
      });
    expect(overlapping.status).toBe(400);
    expect(JSON.stringify(overlapping.body.error.details)).toContain('overlap');
    const list = await request(stack.app).get(`/api/specialists/${s.user.id}`);
    expect(list.body).toEqual({
      id: s.user.id,
      name: 'Sam Specialist',
      headline: 'Tax advice',
      timezone: 'Europe/Berlin',
      zoomConnected: false,
      allowGuests: true, // the default: visitors may book without an account
    });
    const customer = await registerUser(stack.app, 'customer');
    const asCustomer = await request(stack.app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${customer.token}`)
      .send(EVERY_DAY_NINE);
    expect(asCustomer.status).toBe(403);
  });

  it('when anyone lists specialists, then each shows whether Zoom is connected', async () => {
    const connected = await readySpecialist(stack.app, { availability: EVERY_DAY_NINE });
    const res = await request(stack.app).get('/api/specialists');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        {
          id: connected.user.id,
          name: 'Sam Specialist',
          headline: 'Tax advice',
          timezone: 'Europe/Berlin',
          zoomConnected: true,
          allowGuests: true,
        },
      ]),
    );
  });
});
