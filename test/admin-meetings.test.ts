import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { createAdmin, registerUser, uniqueEmail } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { connectZoom } from './support/zoom';

// Monday 2026-11-23 06:00 UTC: the digest hour (7) is ahead.
const NOW = '2026-11-23T06:00:00.000Z';
const CREATE = 'POST /v2/users/:userId/meetings';
const DELETE = 'DELETE /v2/meetings/:meetingId';

describe('the admins’ meeting view: GET /api/admin/meetings and POST /api/admin/meetings/:bookingId/retry', () => {
  const s = useStack({ now: NOW });
  let admin: Awaited<ReturnType<typeof createAdmin>>;
  const ids: Record<string, string> = {};
  let specialistName = '';
  let specialist: Awaited<ReturnType<typeof readySpecialist>>;
  let customer: Awaited<ReturnType<typeof registerUser>>;
  const booked = async (start: string) => {
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  const get = (query = '', token = admin.token) =>
    request(s.app).get(`/api/admin/meetings${query}`).set('Authorization', `Bearer ${token}`);
  const retry = (bookingId: string, token = admin.token) =>
    request(s.app).post(`/api/admin/meetings/${bookingId}/retry`).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    admin = await createAdmin(s.container);
    specialist = await readySpecialist(s.app, { name: 'Pat Troubled' });
    specialistName = specialist.user.name;
    customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({ route: CREATE, status: 400, times: 1 });
    ids.failed = await booked('2026-11-24T09:00:00Z');
    ids.repaired = await booked('2026-11-24T13:00:00Z');
    ids.orphaned = await booked('2026-11-25T09:00:00Z');
    await drainJobs(s.container);
    // The old grant dies, then the specialist reconnects with another Zoom account: the old meetings are orphaned.
    s.sandbox.revokeUserGrants(s.sandbox.users().find((u) => u.email === specialist.zoomEmail)!.id);
    await connectZoom(s.app, specialist.token, uniqueEmail('second'));
    await drainJobs(s.container);
    // Deleted in Zoom, found by the reconciliation of this host.
    const repaired = await BookingModel.findById(ids.repaired).lean();
    s.sandbox.hostDeleteMeeting(repaired!.zoomMeetingId!);
    await s.container.services.meetingReconcile.reconcileHost(specialist.user.id);
    // Zoom is down for this one: its meeting waits.
    s.sandbox.inject({ route: CREATE, status: 503, times: 1 });
    ids.pending = await booked('2026-11-24T11:00:00Z');
  });

  it('when an admin lists by state, then each trouble shows with its specialist, start, meeting, error and last repair', async () => {
    const all = await get();
    expect(all.status).toBe(200);
    expect(all.body.counts).toEqual({ pending: 1, failed: 1, waiting_for_quota: 0, orphaned: 2, repaired: 2 });

    const failed = await get('?state=failed');
    expect(failed.body).toEqual({
      items: [
        {
          bookingId: ids.failed,
          specialist: { id: expect.any(String), name: specialistName },
          start: '2026-11-24T09:00:00.000Z',
          zoomMeetingId: null,
          state: 'failed',
          lastError: expect.stringContaining('Zoom refused the request'),
          lastRepair: null,
        },
      ],
      counts: all.body.counts,
      page: 1,
      pageSize: 50,
      total: 1,
    });
    const repaired = await get('?state=repaired');
    expect(repaired.body.items.map((r: { bookingId: string }) => r.bookingId)).toEqual([ids.repaired, ids.orphaned]);
    expect(repaired.body.items[0].lastRepair).toEqual({ at: NOW, cause: 'reconcile' });
    expect(repaired.body.items[1].lastRepair).toEqual({ at: NOW, cause: 'reconnect_moved' });
    const orphaned = await get('?state=orphaned');
    expect(orphaned.body.items).toHaveLength(2);
    expect(orphaned.body.items.map((r: { bookingId: string }) => r.bookingId).sort()).toEqual(
      [ids.repaired, ids.orphaned].sort(),
    );
    expect(orphaned.body.items[0]).toMatchObject({ state: 'orphaned', lastError: expect.stringMatching(/dead/) });
    const page2 = await get('?pageSize=2&page=2');
    expect([page2.body.items.length, page2.body.total]).toEqual([2, 6]);
  });

  it('when an admin retries a failed meeting, then it is made on the next run; an orphan is tried again at once', async () => {
    const res = await retry(ids.failed!);
    expect([res.status, res.body]).toEqual([202, { bookingId: ids.failed, retried: 'meeting' }]);
    await drainJobs(s.container);
    expect(await BookingModel.findById(ids.failed).lean()).toMatchObject({ meeting: { status: 'created' } });

    // Its orphan lives in the old account, whose grant is dead: tried again, it stays orphaned.
    const again = await retry(ids.orphaned!);
    expect([again.status, again.body]).toEqual([202, { bookingId: ids.orphaned, retried: 'check' }]);
    expect((await get('?state=orphaned')).body.total).toBe(2);

    // An orphan the current grant reaches: Zoom refused to delete a cancelled booking's meeting, then refused the
    // reconciliation's delete too. Retry now sends the DELETE at once.
    const refused = await booked('2026-11-26T09:00:00Z');
    const meetingId = (await BookingModel.findById(refused).lean())!.zoomMeetingId!;
    s.sandbox.inject({ route: DELETE, status: 400, times: 2 });
    await request(s.app)
      .post(`/api/bookings/${refused}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`)
      .expect(200);
    await s.container.services.meetingReconcile.reconcileHost(specialist.user.id);
    const listed = (await get('?state=orphaned')).body.items.filter(
      (r: { bookingId: string }) => r.bookingId === refused,
    );
    expect(listed).toEqual([expect.objectContaining({ zoomMeetingId: meetingId, state: 'orphaned' })]);
    const sent = s.sandbox.requests(DELETE).length;
    const orphan = await retry(refused);
    expect([orphan.status, orphan.body]).toEqual([202, { bookingId: refused, retried: 'delete' }]);
    expect(s.sandbox.requests(DELETE).slice(sent)[0]).toMatchObject({ path: `/v2/meetings/${meetingId}` });
    expect(s.sandbox.meetings().some((m) => String(m.id) === meetingId)).toBe(false);
    await drainJobs(s.container);
    expect(await BookingModel.findById(refused).lean()).toMatchObject({ meeting: { zoomDeleted: true } });
    expect((await get('?state=orphaned')).body.total).toBe(2);
  });

  it('when the caller is not an admin or the input is bad, then 401/403/400/404 and nothing changes', async () => {
    const customer = await registerUser(s.app, 'customer');
    expect((await request(s.app).get('/api/admin/meetings')).status).toBe(401);
    expect((await get('', customer.token)).status).toBe(403);
    expect((await retry(ids.pending!, customer.token)).status).toBe(403);
    const bad = await get('?state=lost');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await get('?page=0')).status).toBe(400);
    expect((await get('?extra=1')).status).toBe(400);
    expect((await retry('nope')).status).toBe(400);
    const missing = await retry('0123456789abcdef01234567');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'BOOKING_NOT_FOUND']);
  });

  it('when the digest goes out, then it counts the orphaned and the repaired meetings', async () => {
    s.clock.set('2026-11-23T07:00:00.000Z');
    await s.container.services.grantHealth.digest.ensureScheduled();
    await drainJobs(s.container);
    const [digest] = s.smtp.to(admin.user.email).filter((m) => /digest/.test(m.subject ?? ''));
    expect(digest!.subject).toContain(
      'Orphaned meetings (left in an old Zoom account, or Zoom would not delete them) (2)',
    );
    expect(digest!.subject).toContain('Meetings repaired in the last day (2)');
    expect(digest!.text).toContain('reconnect_moved');
  });
});
