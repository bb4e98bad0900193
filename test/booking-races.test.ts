import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../src/lib/logger';
import { BookingModel } from '../src/models/booking.model';
import { createTestApp, registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { sandboxEnv } from './support/zoom';

const NOW = '2026-11-23T08:00:00.000Z';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bookings changed while other work is in flight', () => {
  const s = useStack({ now: NOW });

  async function bookingInFlight(start: string) {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({ route: 'POST /v2/users/:userId/meetings', delayMs: 1000 });
    // supertest sends on then(): start the request now and keep its promise.
    const pending = book(s.app, customer.token, { specialistId: specialist.user.id, start }).then((r) => r);
    let id: string | undefined;
    for (let i = 0; i < 40 && !id; i += 1) {
      await sleep(25);
      id = (await request(s.app).get('/api/bookings').set('Authorization', `Bearer ${customer.token}`)).body.items?.[0]
        ?.id;
    }
    return { specialist, customer, pending, id: id! };
  }

  it('when two reschedules race, then the loser gives back only its own cells and nobody can double-book', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const { body } = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T08:00:00Z',
    });
    const move = (start: string) =>
      request(s.app)
        .post(`/api/bookings/${body.id}/reschedule`)
        .set('Authorization', `Bearer ${customer.token}`)
        .send({ start });
    const [a, b] = await Promise.all([move('2026-11-24T11:00:00Z'), move('2026-11-24T14:00:00Z')]);
    const won = [a, b].filter((r) => r.status === 200);
    expect(won.length).toBeGreaterThanOrEqual(1);
    const final = (await BookingModel.findById(body.id).lean())!;
    const other = await registerUser(s.app, 'customer');
    const onWinner = await book(s.app, other.token, {
      specialistId: specialist.user.id,
      start: final.start.toISOString(),
    });
    expect(onWinner.status).toBe(409);
    const free = ['2026-11-24T08:00:00Z', '2026-11-24T11:00:00Z', '2026-11-24T14:00:00Z'].filter(
      (t) => new Date(t).getTime() !== final.start.getTime(),
    );
    for (const start of free)
      expect((await book(s.app, other.token, { specialistId: specialist.user.id, start })).status).toBe(201);
  });

  it('when a booking is cancelled while Zoom is still creating its meeting, then the meeting is removed and no confirmation goes out', async () => {
    const { customer, pending, id } = await bookingInFlight('2026-11-25T08:00:00Z');
    const cancel = await request(s.app)
      .post(`/api/bookings/${id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(cancel.body.status).toBe('cancelled');
    expect((await pending).status).toBe(201);
    await drainJobs(s.container);
    expect(s.sandbox.meetings().filter((m) => (m.agenda ?? '').includes(id))).toHaveLength(0);
    const subjects = s.smtp.to(customer.user.email).map((m) => m.subject);
    expect(subjects.some((x) => /confirmed/.test(x ?? ''))).toBe(false);
    expect(subjects.some((x) => /cancelled/.test(x ?? ''))).toBe(true);
  });

  it('when a booking is moved while Zoom is still creating its meeting, then the meeting ends up at the new time', async () => {
    const { customer, pending, id } = await bookingInFlight('2026-11-26T08:00:00Z');
    const moved = await request(s.app)
      .post(`/api/bookings/${id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-11-26T12:00:00Z' });
    expect(moved.status).toBe(200);
    await pending;
    await drainJobs(s.container);
    const meeting = s.sandbox.meetings().find((m) => (m.agenda ?? '').includes(id))!;
    expect(meeting.start_time).toBe('2026-11-26T12:00:00Z');
  });

  it('when Zoom keeps answering 429 with Retry-After: 0, then retries back off instead of spinning', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const { body } = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-27T08:00:00Z',
    });
    s.sandbox.inject({ route: 'DELETE /v2/meetings/:meetingId', status: 429, retryAfter: '0', times: Infinity });
    s.sandbox.resetCalls();
    await request(s.app).post(`/api/bookings/${body.id}/cancel`).set('Authorization', `Bearer ${customer.token}`);
    for (let i = 0; i < 5; i += 1) await drainJobs(s.container);
    expect(s.sandbox.calls('DELETE /v2/meetings/:meetingId')).toBeLessThanOrEqual(2);
    s.sandbox.clearFaults();
    s.clock.advance(10 * 60_000);
    await drainJobs(s.container);
    expect(s.sandbox.meetings().find((m) => String(m.id) === body.meeting.zoomMeetingId)).toBeUndefined();
  });

  it('when the start link redirects to Zoom, then the start URL (zak) never reaches the logs', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    const app = createTestApp({
      clock: s.clock,
      env: { ...sandboxEnv(s.sandbox), LOG_LEVEL: 'info' },
      logger: createLogger('info', sink),
    }).app;
    const specialist = await readySpecialist(app);
    const customer = await registerUser(app, 'customer');
    const { body } = await book(app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T15:00:00Z',
    });
    const start = await request(app)
      .get(`/api/bookings/${body.id}/start`)
      .set('Authorization', `Bearer ${specialist.token}`)
      .redirects(0);
    expect(start.headers.location).toContain('zak=');
    expect(logged).toContain('/api/bookings/');
    expect(logged).not.toContain('zak=');
    expect(logged).not.toContain(specialist.token);
  });
});
