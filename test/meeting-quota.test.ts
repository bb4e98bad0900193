import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { createTestApp, registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { sandboxEnv } from './support/zoom';

const NOW = '2026-11-23T08:00:00.000Z';
const CREATE = 'POST /v2/users/:userId/meetings';
const UPDATE = 'PATCH /v2/meetings/:meetingId';

/** Zoom allows 100 meeting creates/updates per host per UTC day; one customer must not be able to use them up. */
describe('the Zoom quota and the limits on customers', () => {
  const s = useStack({ now: NOW });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('when a customer moves one booking 12 times, then the sixth and later moves get 422 RESCHEDULE_LIMIT_REACHED', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const { body } = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T08:00:00Z',
    });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const start = `2026-11-${24 + (i % 4)}T${String(9 + Math.floor(i / 4) * 2).padStart(2, '0')}:00:00Z`;
      const res = await request(s.app)
        .post(`/api/bookings/${body.id}/reschedule`)
        .set(bearer(customer.token))
        .send({ start });
      statuses.push(res.status);
      if (res.status === 422) expect(res.body.error.code).toBe('RESCHEDULE_LIMIT_REACHED');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 422, 422, 422, 422, 422, 422, 422]);
    const stored = (await BookingModel.findById(body.id).lean())!;
    expect(stored).toMatchObject({ sequence: 5, customerMoves: 5 });
    // The specialist may still move it (their own quota, their decision).
    const bySpecialist = await request(s.app)
      .post(`/api/bookings/${body.id}/reschedule`)
      .set(bearer(specialist.token))
      .send({ start: '2026-11-27T14:00:00Z' });
    expect(bySpecialist.status).toBe(200);
  });

  it('when RESCHEDULE_LIMIT_PER_BOOKING is 0, then customers cannot move bookings at all, and the specialist still can', async () => {
    const { app } = createTestApp({
      clock: s.clock,
      env: { ...sandboxEnv(s.sandbox), RESCHEDULE_LIMIT_PER_BOOKING: '0' },
    });
    const specialist = await readySpecialist(app);
    const customer = await registerUser(app, 'customer');
    const { body } = await book(app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-26T08:00:00Z',
    });
    const move = (token: string, start: string) =>
      request(app).post(`/api/bookings/${body.id}/reschedule`).set(bearer(token)).send({ start });
    const refused = await move(customer.token, '2026-11-26T10:00:00Z');
    expect([refused.status, refused.body.error]).toEqual([
      422,
      {
        code: 'RESCHEDULE_LIMIT_REACHED',
        message: 'Bookings cannot be moved by customers here; cancel it and book anew',
        details: { limit: 0 },
      },
    ]);
    expect((await move(specialist.token, '2026-11-26T12:00:00Z')).status).toBe(200);
  });

  it('when a customer makes more bookings and moves than BOOKING_RATE_PER_HOUR, then 429 RATE_LIMITED with Retry-After until the hour ends', async () => {
    const { app } = createTestApp({ clock: s.clock, env: { ...sandboxEnv(s.sandbox), BOOKING_RATE_PER_HOUR: '3' } });
    const specialist = await readySpecialist(app);
    const customer = await registerUser(app, 'customer');
    const other = await registerUser(app, 'customer');
    s.clock.set('2026-11-23T08:20:00Z');
    const first = await book(app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' });
    // A booking refused afterwards (the slot is taken) gives its use back.
    const taken = await book(app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' });
    expect(taken.status).toBe(409);
    await book(app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T10:00:00Z' });
    const move = await request(app)
      .post(`/api/bookings/${first.body.id}/reschedule`)
      .set(bearer(customer.token))
      .send({ start: '2026-11-24T12:00:00Z' });
    expect(move.status).toBe(200);
    const fourth = await book(app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T14:00:00Z' });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.code).toBe('RATE_LIMITED');
    expect(fourth.headers['retry-after']).toBe(String(40 * 60));
    // Other customers are not affected; the next hour is open again.
    expect(
      (await book(app, other.token, { specialistId: specialist.user.id, start: '2026-11-24T14:00:00Z' })).status,
    ).toBe(201);
    s.clock.set('2026-11-23T09:00:00Z');
    expect(
      (await book(app, customer.token, { specialistId: specialist.user.id, start: '2026-11-25T08:00:00Z' })).status,
    ).toBe(201);
  });

  it('when the host reaches ZOOM_DAILY_MEETING_LIMIT, then further meetings wait (waiting_for_quota) without calling Zoom and are made after 00:00 UTC', async () => {
    const t = createTestApp({ clock: s.clock, env: { ...sandboxEnv(s.sandbox), ZOOM_DAILY_MEETING_LIMIT: '2' } });
    s.clock.set('2026-11-23T20:00:00Z');
    const specialist = await readySpecialist(t.app);
    const customer = await registerUser(t.app, 'customer');
    const booked: Array<{ id: string; meeting: { status: string; zoomMeetingId: string } }> = [];
    for (const start of ['2026-11-24T08:00:00Z', '2026-11-24T10:00:00Z', '2026-11-24T12:00:00Z'])
      booked.push((await book(t.app, customer.token, { specialistId: specialist.user.id, start })).body);
    s.sandbox.resetCalls();
    expect(booked.map((b) => b.meeting.status)).toEqual(['created', 'created', 'waiting_for_quota']);
    // A move is an update: it waits too, and the specialist (and admins) see why.
    await request(t.app)
      .post(`/api/bookings/${booked[0]!.id}/reschedule`)
      .set(bearer(customer.token))
      .send({ start: '2026-11-24T14:00:00Z' });
    const seen = await request(t.app).get('/api/bookings').set(bearer(specialist.token));
    const statusOf = (id: string) => seen.body.items.find((b: { id: string }) => b.id === id).meeting.status;
    expect([statusOf(booked[0]!.id), statusOf(booked[2]!.id)]).toEqual(['waiting_for_quota', 'waiting_for_quota']);
    s.clock.set('2026-11-23T23:59:00Z');
    await drainJobs(t.container);
    expect(s.sandbox.calls(CREATE) + s.sandbox.calls(UPDATE)).toBe(0);
    s.clock.set('2026-11-24T00:00:30Z');
    await drainJobs(t.container);
    expect(s.sandbox.calls(CREATE)).toBe(1);
    expect(s.sandbox.calls(UPDATE)).toBe(1);
    const third = (await BookingModel.findById(booked[2]!.id).lean())!;
    expect(third.meeting.status).toBe('created');
    const movedMeeting = s.sandbox.meetings().find((m) => String(m.id) === booked[0]!.meeting.zoomMeetingId)!;
    expect(movedMeeting.start_time).toBe('2026-11-24T14:00:00Z');
    const after = await request(t.app).get(`/api/bookings/${booked[0]!.id}`).set(bearer(specialist.token));
    expect(after.body.meeting.status).toBe('created');
  });
});
