import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { JobModel } from '../src/models/job.model';
import { StrayMeetingModel } from '../src/models/stray-meeting.model';
import { registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { waitFor } from './support/wait';

// Monday 2026-11-23 08:00 UTC; Zoom calls time out after 300 ms so a slow Zoom answer is one we never see.
const NOW = '2026-11-23T08:00:00.000Z';
const CREATE = 'POST /v2/users/:userId/meetings';
const PATCH = 'PATCH /v2/meetings/:meetingId';
const DELETE = 'DELETE /v2/meetings/:meetingId';
const MINUTE = 60_000;

describe('meeting repairs that race Zoom time-outs, cancels, reschedules and the quota', () => {
  const s = useStack({ now: NOW, env: { ZOOM_HTTP_TIMEOUT_MS: '300' } });
  const ofBooking = (id: string) => s.sandbox.meetings().filter((m) => (m.agenda ?? m.topic).includes(`[ref:${id}]`));
  const setBackMails = (email: string) => s.smtp.to(email).filter((m) => /set back/.test(m.subject ?? ''));
  async function booked(start: string) {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo' });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
    expect(res.status).toBe(201);
    await drainJobs(s.container);
    return { specialist, customer, id: res.body.id as string, zoomId: res.body.meeting.zoomMeetingId as string };
  }
  it('when the create of a repair times out but Zoom made the meeting, then its retry adopts it: one live meeting', async () => {
    const { id, zoomId } = await booked('2026-11-25T09:00:00Z');
    s.sandbox.hostDeleteMeeting(zoomId);
    s.sandbox.inject({ route: CREATE, delayMs: 1500, times: 1 });
    await s.container.services.meetingRepair.schedule(id, 'webhook');
    await s.container.services.jobs.runDue(); // times out after 300 ms; Zoom makes the meeting at 1.5 s
    await waitFor(() => ofBooking(id).length === 1);
    s.clock.advance(5 * MINUTE);
    await drainJobs(s.container);

    const stored = (await BookingModel.findById(id).lean())!;
    expect(ofBooking(id).map((m) => String(m.id))).toEqual([stored.zoomMeetingId]);
    expect(stored.zoomMeetingId).not.toBe(zoomId);
    expect(stored.meeting.lastRepair?.cause).toBe('zoom_deleted');
  });

  it('when a check before the session races a cancel and the spare cannot be deleted at once, then it is deleted later', async () => {
    const { customer, id, zoomId } = await booked('2026-12-07T09:00:00Z');
    s.sandbox.hostDeleteMeeting(zoomId);
    s.sandbox.inject({ route: CREATE, delayMs: 250, times: 1 });
    const creates = s.sandbox.calls(CREATE);
    const verifying = s.container.services.meetingRepair.verify(id);
    await waitFor(() => s.sandbox.calls(CREATE) > creates, 2000);
    const cancelled = await request(s.app)
      .post(`/api/bookings/${id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(cancelled.body.status).toBe('cancelled');
    s.sandbox.inject({ route: DELETE, status: 503, times: 1 });
    const outcome = await verifying;
    for (let i = 0; i < 3; i += 1) {
      s.clock.advance(5 * MINUTE);
      await drainJobs(s.container);
    }
    expect([outcome?.status, ofBooking(id).map((m) => m.id)]).toEqual(['later', []]);
  });
  it('when the customer reschedules right after a meeting was made again, then the renewal notice sends no second "New Zoom link" mail', async () => {
    const { customer, id, zoomId } = await booked('2026-12-02T09:00:00Z');
    s.sandbox.hostDeleteMeeting(zoomId);
    await s.container.services.meetingRepair.schedule(id, 'webhook');
    await drainJobs(s.container);
    const moved = await request(s.app)
      .post(`/api/bookings/${id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-12-02T12:00:00Z' });
    expect(moved.status).toBe(200);
    await drainJobs(s.container);
    s.clock.advance(2 * MINUTE); // past the notice's minute
    await drainJobs(s.container);

    const renewed = s.smtp.to(customer.user.email).filter((m) => /^New Zoom link/.test(m.subject ?? ''));
    expect(renewed).toHaveLength(1);
    expect(await JobModel.countDocuments({ name: 'meeting-renewal-notice', 'data.bookingId': id })).toBe(0);
  });
  it('when the answer to a set-back is lost but Zoom applied it, then the specialist is still told once and the repair recorded', async () => {
    const { specialist, id, zoomId } = await booked('2026-11-26T09:00:00Z');
    s.sandbox.hostUpdateMeeting(zoomId, { start_time: '2026-11-26T11:00:00Z' });
    s.sandbox.inject({ route: PATCH, delayMs: 1000, times: 1 });
    await s.container.services.meetingRepair.schedule(id, 'webhook');
    await s.container.services.jobs.runDue(); // times out after 300 ms; Zoom applies the PATCH at 1 s
    await waitFor(() => ofBooking(id)[0]!.start_time === '2026-11-26T09:00:00Z');
    s.clock.advance(5 * MINUTE);
    await drainJobs(s.container);
    s.clock.advance(5 * MINUTE);
    await drainJobs(s.container);

    const stored = (await BookingModel.findById(id).lean())!;
    expect([setBackMails(specialist.user.email).length, stored.meeting.lastRepair?.cause]).toEqual([1, 'zoom_changed']);
  });

  it('when the host makes the same change in Zoom twice, then it is set back and the specialist told each time', async () => {
    const { specialist, id, zoomId } = await booked('2026-11-27T09:00:00Z');
    for (let i = 0; i < 2; i += 1) {
      s.sandbox.hostUpdateMeeting(zoomId, { start_time: '2026-11-27T11:00:00Z' });
      await s.container.services.meetingRepair.schedule(id, 'webhook');
      await drainJobs(s.container);
      s.clock.advance(60 * MINUTE);
    }
    expect(ofBooking(id)[0]!.start_time).toBe('2026-11-27T09:00:00Z');
    expect(setBackMails(specialist.user.email)).toHaveLength(2);
  });

  it('when a set-back is noticed by two repairs, then the specialist is told once', async () => {
    const { specialist, id, zoomId } = await booked('2026-11-27T13:00:00Z');
    s.sandbox.hostUpdateMeeting(zoomId, { start_time: '2026-11-27T15:00:00Z' });
    const repair = s.container.services.meetingRepair;
    await Promise.all([repair.repair(id, 'webhook'), repair.repair(id, 'webhook')]);
    await drainJobs(s.container);
    expect(ofBooking(id)[0]!.start_time).toBe('2026-11-27T13:00:00Z');
    expect(setBackMails(specialist.user.email)).toHaveLength(1);
  });
  it('when a booking is cancelled while the create of its repair timed out, then the meeting Zoom made anyway is removed', async () => {
    const { customer, id, zoomId } = await booked('2026-12-08T09:00:00Z');
    s.sandbox.hostDeleteMeeting(zoomId);
    s.sandbox.inject({ route: CREATE, delayMs: 1000, times: 1 });
    await s.container.services.meetingRepair.schedule(id, 'webhook');
    await s.container.services.jobs.runDue(); // times out after 300 ms; Zoom makes the meeting at 1 s
    const cancelled = await request(s.app)
      .post(`/api/bookings/${id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(cancelled.body.status).toBe('cancelled');
    await drainJobs(s.container);
    await waitFor(() => ofBooking(id).length === 1);
    for (let i = 0; i < 3; i += 1) {
      s.clock.advance(2 * MINUTE);
      await drainJobs(s.container);
    }
    expect(ofBooking(id).map((m) => m.id)).toEqual([]);
    expect((await BookingModel.findById(id).lean())!.meeting.zoomDeleted).toBe(true);
  });
  it('when Zoom refuses to delete a spare of a repair that raced a cancel, then the admins see it as orphaned', async () => {
    const { customer, id, zoomId } = await booked('2026-12-09T09:00:00Z');
    s.sandbox.hostDeleteMeeting(zoomId);
    s.sandbox.inject({ route: CREATE, delayMs: 250, times: 1 });
    const creates = s.sandbox.calls(CREATE);
    const verifying = s.container.services.meetingRepair.verify(id);
    await waitFor(() => s.sandbox.calls(CREATE) > creates, 2000);
    await request(s.app).post(`/api/bookings/${id}/cancel`).set('Authorization', `Bearer ${customer.token}`);
    s.sandbox.inject({ route: DELETE, status: 400, times: 10 });
    await verifying;
    s.clock.advance(MINUTE);
    await drainJobs(s.container);
    s.sandbox.clearFaults();

    const [spare] = ofBooking(id);
    expect(await StrayMeetingModel.findOne({ zoomMeetingId: String(spare!.id) }).lean()).toMatchObject({
      state: 'orphaned',
    });
    expect(await JobModel.countDocuments({ name: 'meeting-spare-delete', 'data.bookingId': id })).toBe(0);
  });
});
