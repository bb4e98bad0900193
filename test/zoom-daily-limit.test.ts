import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

const NOW = '2026-11-23T08:00:00.000Z';
const CREATE = 'POST /v2/users/:userId/meetings';

/**
 * Zoom's own daily limit (the host's quota used up by other apps, below our ledger's ZOOM_DAILY_MEETING_LIMIT): Zoom
 * says which limit a 429 is in `X-RateLimit-Type`, and that header, not the message's wording, decides.
 */
describe('Zoom’s daily meeting limit, as Zoom reports it', () => {
  const s = useStack({ now: NOW, sandbox: { dailyMeetingWriteLimit: 1 } });

  async function bookingOf(specialistId: string, customerToken: string, start: string) {
    const res = await book(s.app, customerToken, { specialistId, start });
    expect(res.status).toBe(201);
    return res.body as { id: string; meeting: { status: string } };
  }
  const stored = async (id: string) => (await BookingModel.findById(id).lean())!;

  it('when the sandbox’s own daily limit is reached, then the booking waits for quota and its meeting is made after 00:00 UTC', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    expect((await bookingOf(specialist.user.id, customer.token, '2026-11-25T08:00:00Z')).meeting.status).toBe(
      'created',
    );
    const second = await bookingOf(specialist.user.id, customer.token, '2026-11-25T10:00:00Z');
    expect(second.meeting.status).toBe('waiting_for_quota');
    const shown = await request(s.app)
      .get(`/api/bookings/${second.id}`)
      .set('Authorization', `Bearer ${specialist.token}`);
    expect(shown.body.meeting).toMatchObject({ status: 'waiting_for_quota', zoomMeetingId: null });
    expect((await stored(second.id)).meeting.nextAttemptAt).toEqual(new Date('2026-11-24T00:00:00.000Z'));
    const creates = s.sandbox.calls(CREATE);
    s.clock.set('2026-11-23T23:59:00Z');
    await drainJobs(s.container);
    expect([(await stored(second.id)).meeting.status, s.sandbox.calls(CREATE)]).toEqual(['waiting_for_quota', creates]);
    s.clock.set('2026-11-24T00:00:01Z');
    await drainJobs(s.container);
    expect((await stored(second.id)).meeting.status).toBe('created');
    expect(s.sandbox.calls(CREATE)).toBe(creates + 1);
  });

  it('when a 429 says Daily-limit only in its header, then it is the daily limit all the same', async () => {
    s.clock.set(NOW);
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({
      route: CREATE,
      status: 429,
      headers: { 'X-RateLimit-Type': 'Daily-limit' },
      body: { code: 429, message: 'Too many requests.' },
    });
    const booking = await bookingOf(specialist.user.id, customer.token, '2026-11-26T08:00:00Z');
    expect(booking.meeting.status).toBe('waiting_for_quota');
    expect((await stored(booking.id)).meeting.nextAttemptAt).toEqual(new Date('2026-11-24T00:00:00.000Z'));
  });

  it('when a 429 is the per-second limit (X-RateLimit-Type: QPS), then the meeting is simply tried again soon', async () => {
    s.clock.set(NOW);
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({
      route: CREATE,
      status: 429,
      headers: { 'X-RateLimit-Type': 'QPS' },
      // Its wording even says "daily": the header decides.
      body: { code: 429, message: 'You have reached the maximum daily-looking per-second rate limit for this API.' },
    });
    const booking = await bookingOf(specialist.user.id, customer.token, '2026-11-26T10:00:00Z');
    expect(booking.meeting.status).toBe('pending');
    const next = (await stored(booking.id)).meeting.nextAttemptAt!.getTime();
    expect(next - Date.parse(NOW)).toBeLessThanOrEqual(30_000);
    s.clock.advance(31_000);
    await drainJobs(s.container);
    expect((await stored(booking.id)).meeting.status).toBe('created');
  });
});
