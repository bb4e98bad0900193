import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { JobModel } from '../src/models/job.model';
import { createAdmin, registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { waitFor } from './support/wait';

const NOW = '2026-11-23T08:00:00.000Z';
const CREATE = 'POST /v2/users/:userId/meetings';
const MINUTE = 60_000;

/**
 * Exactly one live Zoom meeting per confirmed booking, at its time. Zoom is made slow: a create it finishes 1.5 s
 * after we gave up waiting (ZOOM_HTTP_TIMEOUT_MS 300), so we never see its answer.
 */
describe('meeting integrity when Zoom finishes work after our time-out', () => {
  const s = useStack({ now: NOW, env: { ZOOM_HTTP_TIMEOUT_MS: '300' } });
  const ofBooking = (id: string) => s.sandbox.meetings().filter((m) => (m.agenda ?? m.topic).includes(`[ref:${id}]`));

  async function bookWithSlowCreate(start: string) {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({ route: CREATE, delayMs: 1500 });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
    expect(res.status).toBe(201);
    expect(res.body.meeting).toMatchObject({ status: 'pending', zoomMeetingId: null });
    return { specialist, customer, id: res.body.id as string };
  }

  it('when the booking is cancelled while the timed-out create is still running at Zoom, then no live meeting remains', async () => {
    const { customer, id } = await bookWithSlowCreate('2026-11-24T09:00:00Z');
    const cancel = await request(s.app)
      .post(`/api/bookings/${id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(cancel.body.status).toBe('cancelled');
    await drainJobs(s.container);
    await waitFor(() => ofBooking(id).length === 1); // Zoom made it after all
    s.clock.advance(3 * MINUTE); // the removal looks again once the create has settled
    await drainJobs(s.container);
    expect(ofBooking(id)).toHaveLength(0);
    const stored = (await BookingModel.findById(id).lean())!;
    expect(stored).toMatchObject({ status: 'cancelled', meeting: { status: 'cancelled', zoomDeleted: true } });
    expect(s.smtp.to(customer.user.email).some((m) => /confirmed/.test(m.subject ?? ''))).toBe(false);
  });

  it('when the booking is moved after the timed-out create, then the adopted meeting is set to the new time', async () => {
    const { customer, id } = await bookWithSlowCreate('2026-11-25T09:00:00Z');
    await waitFor(() => ofBooking(id).length === 1);
    expect(ofBooking(id)[0]!.start_time).toBe('2026-11-25T09:00:00Z');
    const moved = await request(s.app)
      .post(`/api/bookings/${id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-11-25T13:00:00Z' });
    expect(moved.status).toBe(200);
    s.clock.advance(2 * MINUTE); // the create's retry is due
    await drainJobs(s.container);
    const meetings = ofBooking(id);
    expect(meetings).toHaveLength(1);
    expect(meetings[0]).toMatchObject({ start_time: '2026-11-25T13:00:00Z', duration: 60 });
    const stored = (await BookingModel.findById(id).lean())!;
    expect(stored.zoomMeetingId).toBe(String(meetings[0]!.id));
    expect(stored.meeting).toMatchObject({ status: 'created', syncedSequence: stored.sequence });
  });

  it('when a meeting made before the reference moved to the agenda is found, then it is adopted and its topic cleaned', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({ route: CREATE, status: 503 });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-26T09:00:00Z' });
    const id = res.body.id as string;
    // What an older release's create left at Zoom: the reference in the topic, at a time the booking no longer has.
    const old = await s.container.services.zoom.tokens.withToken(specialist.user.id, (tk) =>
      s.container.services.zoom.api.createMeeting(tk, 'me', {
        topic: `Session with someone [ref:${id}]`,
        type: 2,
        start_time: '2026-11-26T07:00:00Z',
        duration: 30,
        timezone: 'Europe/Berlin',
      }),
    );
    s.clock.advance(2 * MINUTE);
    await drainJobs(s.container);
    const stored = (await BookingModel.findById(id).lean())!;
    expect(stored).toMatchObject({ zoomMeetingId: old.id, meeting: { status: 'created' } });
    const meeting = s.sandbox.meetings().find((m) => String(m.id) === old.id)!;
    expect(meeting.topic).not.toContain('[ref:');
    expect(meeting).toMatchObject({ start_time: '2026-11-26T09:00:00Z', duration: 60, agenda: `[ref:${id}]` });
    expect(s.sandbox.calls(CREATE)).toBeGreaterThanOrEqual(1);
    expect(ofBooking(id)).toHaveLength(1);
  });

  it('when Zoom refuses deletes past the session start, then the removal keeps trying for MEETING_DELETE_GIVE_UP_DAYS and then alerts the admins', async () => {
    const admin = await createAdmin(s.container);
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-27T09:00:00Z' });
    const id = res.body.id as string;
    s.sandbox.inject({ route: 'DELETE /v2/meetings/:meetingId', status: 503, times: Infinity });
    await request(s.app).post(`/api/bookings/${id}/cancel`).set('Authorization', `Bearer ${customer.token}`);
    s.clock.set('2026-11-29T09:00:00Z'); // two days after the session's start: still trying
    await drainJobs(s.container);
    expect((await JobModel.findOne({ key: `booking-meeting-delete:${id}` }).lean())?.runAt).toBeTruthy();
    expect(s.smtp.to(admin.user.email)).toHaveLength(0);
    s.clock.set('2026-12-04T09:01:00Z'); // seven days after it
    await drainJobs(s.container);
    await drainJobs(s.container);
    expect(ofBooking(id)).toHaveLength(1);
    expect((await BookingModel.findById(id).lean())!.meeting.deleteGaveUpAt).not.toBeNull();
    expect(s.smtp.to(admin.user.email).map((m) => m.subject)).toEqual([
      "Action needed: a cancelled booking's Zoom meeting could not be removed",
    ]);
    s.sandbox.clearFaults();
    s.clock.set('2026-12-04T10:00:00Z');
    await drainJobs(s.container);
    expect(await JobModel.countDocuments({ key: `booking-meeting-delete:${id}` })).toBe(0);
  });
});
