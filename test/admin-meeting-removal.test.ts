import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { createAdmin, registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { waitFor } from './support/wait';

const NOW = '2026-11-23T08:00:00.000Z';
const CREATE = 'POST /v2/users/:userId/meetings';
const LIST = 'GET /v2/users/:userId/meetings';
const DELETE = 'DELETE /v2/meetings/:meetingId';

/**
 * The admins' view of cancelled bookings whose meeting removal gave up, and "Retry now" on them. Zoom finishes a
 * create 1.5 s after we stopped waiting (ZOOM_HTTP_TIMEOUT_MS 300), so the booking never learns its meeting's id.
 */
describe('admin meeting view: removals that gave up, and retrying them', () => {
  const s = useStack({ now: NOW, env: { ZOOM_HTTP_TIMEOUT_MS: '300' } });
  let admin: Awaited<ReturnType<typeof createAdmin>>;
  // Signed when asked: the clock jumps days ahead, past a session's lifetime.
  const adminToken = () => s.container.services.jwt.signAccessToken({ userId: admin.user.id, role: 'admin' });
  const ofBooking = (id: string) => s.sandbox.meetings().filter((m) => (m.agenda ?? m.topic).includes(`[ref:${id}]`));
  /** The orphaned rows of one booking, as [bookingId, zoomMeetingId]. */
  const orphaned = async (id: string) => {
    const res = await request(s.app)
      .get('/api/admin/meetings?state=orphaned')
      .set('Authorization', `Bearer ${await adminToken()}`);
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ bookingId: string; zoomMeetingId: string | null }>)
      .filter((r) => r.bookingId === id)
      .map((r) => [r.bookingId, r.zoomMeetingId]);
  };
  const retry = async (id: string) =>
    request(s.app)
      .post(`/api/admin/meetings/${id}/retry`)
      .set('Authorization', `Bearer ${await adminToken()}`);
  const cancel = (id: string, token: string) =>
    request(s.app).post(`/api/bookings/${id}/cancel`).set('Authorization', `Bearer ${token}`).expect(200);

  beforeAll(async () => {
    admin = await createAdmin(s.container);
  });

  it('when the removal of an unknown-outcome create gave up, then it is listed as orphaned and Retry now finds and deletes the meeting', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({ route: CREATE, delayMs: 1500 });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T09:00:00Z' });
    const id = res.body.id as string;
    expect(res.body.meeting).toMatchObject({ status: 'pending', zoomMeetingId: null });
    // The removal cannot look for the meeting by its marker: Zoom's meeting list fails for a week past the start.
    s.sandbox.inject({ route: LIST, status: 503, times: Infinity });
    await cancel(id, customer.token);
    await waitFor(() => ofBooking(id).length === 1); // Zoom made it after all
    await drainJobs(s.container);
    expect(await orphaned(id)).toEqual([]); // still trying: not an admin's problem yet
    s.clock.set('2026-12-01T09:01:00Z');
    await drainJobs(s.container);
    expect((await BookingModel.findById(id).lean())!.meeting).toMatchObject({
      zoomDeleted: false,
      deleteGaveUpAt: new Date('2026-12-01T09:01:00Z'),
    });
    expect(await orphaned(id)).toEqual([[id, null]]);

    s.sandbox.clearFaults();
    const deletesBefore = s.sandbox.calls(DELETE);
    const again = await retry(id);
    expect([again.status, again.body]).toEqual([202, { bookingId: id, retried: 'delete' }]);
    await drainJobs(s.container);
    expect(s.sandbox.calls(DELETE)).toBe(deletesBefore + 1);
    expect(ofBooking(id)).toHaveLength(0);
    expect((await BookingModel.findById(id).lean())!.meeting).toMatchObject({
      zoomDeleted: true,
      deleteGaveUpAt: null,
    });
    expect(await orphaned(id)).toEqual([]);
  });

  it('when a cancelled booking’s meeting is already deleted, then Retry now answers 409 NOTHING_TO_RETRY and calls no Zoom', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T11:00:00Z' });
    await cancel(res.body.id, customer.token);
    await drainJobs(s.container);
    expect((await BookingModel.findById(res.body.id).lean())!.meeting.zoomDeleted).toBe(true);
    const calls = s.sandbox.calls();
    const again = await retry(res.body.id);
    expect([again.status, again.body.error.code]).toEqual([409, 'NOTHING_TO_RETRY']);
    await drainJobs(s.container);
    expect(s.sandbox.calls()).toBe(calls);
  });

  it('when a crash left a cancelled booking’s removal unscheduled, then it is not listed as orphaned (maintenance takes it)', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T13:00:00Z' });
    await BookingModel.updateOne(
      { _id: res.body.id },
      { $set: { status: 'cancelled', cancelledAt: s.clock.now(), cancelledBy: 'customer' }, $inc: { sequence: 1 } },
    );
    s.clock.advance(30 * 60_000);
    expect(await orphaned(res.body.id)).toEqual([]);
    await s.container.services.maintenance.sweep();
    await drainJobs(s.container);
    expect(s.sandbox.meetings().filter((m) => String(m.id) === res.body.meeting.zoomMeetingId)).toHaveLength(0);
  });
});
