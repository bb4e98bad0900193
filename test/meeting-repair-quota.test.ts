import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { JobModel } from '../src/models/job.model';
import { createSmtpTransport } from '../src/services/mail/mail-transport';
import { createAdmin, createTestApp, registerUser, type TestApp } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { sandboxEnv } from './support/zoom';

const NOW = '2026-11-23T08:00:00.000Z';
const MIDNIGHT = new Date('2026-11-24T00:00:00.000Z');
const CREATE = 'POST /v2/users/:userId/meetings';

describe('repairs count against the Zoom quota ledger', () => {
  const s = useStack({ now: NOW });
  // The ledger is shared through MongoDB: the booking's own create uses the day's only call.
  let withQuota: TestApp;
  beforeAll(() => {
    withQuota = createTestApp({
      clock: s.clock,
      env: { ...sandboxEnv(s.sandbox), ZOOM_DAILY_MEETING_LIMIT: '1' },
      mailTransport: createSmtpTransport(s.smtp.url),
    });
  });

  /** A booking whose meeting the host then deleted in Zoom. */
  async function deletedInZoom(start: string) {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
    await drainJobs(s.container);
    s.sandbox.hostDeleteMeeting(res.body.meeting.zoomMeetingId);
    return { specialist, bookingId: res.body.id as string };
  }

  it('when the host is at its daily quota, then a deleted meeting is made again only after 00:00 UTC, without calling Zoom before', async () => {
    const { bookingId } = await deletedInZoom('2026-11-25T09:00:00Z');
    const creates = s.sandbox.calls(CREATE);

    await withQuota.container.services.meetingRepair.schedule(bookingId, 'webhook');
    await withQuota.container.services.jobs.runDue();
    expect(s.sandbox.calls(CREATE)).toBe(creates);
    expect((await JobModel.findOne({ key: `meeting-repair:${bookingId}` }).lean())!.runAt).toEqual(MIDNIGHT);

    s.clock.set(MIDNIGHT);
    await drainJobs(withQuota.container);
    expect(s.sandbox.calls(CREATE)).toBe(creates + 1);
    expect(await BookingModel.findById(bookingId).lean()).toMatchObject({
      sequence: 1,
      meeting: { lastRepair: { cause: 'zoom_deleted' } },
    });
  });
  it('when the check before the session must wait for the quota, then a durable repair is left for 00:00 UTC and the meeting is made then', async () => {
    const { bookingId } = await deletedInZoom('2026-12-01T09:00:00Z');
    await JobModel.deleteMany({ key: `meeting-repair:${bookingId}` });

    const outcome = await withQuota.container.services.meetingRepair.verify(bookingId);
    expect(outcome).toMatchObject({ status: 'later', reason: 'waiting_for_quota' });
    expect((await JobModel.findOne({ key: `meeting-repair:${bookingId}` }).lean())?.runAt).toEqual(MIDNIGHT);

    s.clock.set(MIDNIGHT);
    await drainJobs(withQuota.container);
    const stored = (await BookingModel.findById(bookingId).lean())!;
    expect(stored.meeting.lastRepair?.cause).toBe('verify_before_session');
    expect(
      s.sandbox
        .meetings()
        .filter((m) => m.agenda?.includes(bookingId))
        .map((m) => String(m.id)),
    ).toEqual([stored.zoomMeetingId]);
  });
  it("when a repair waits for the quota, then the booking shows waiting_for_quota to the specialist and in the admins' view until it is made", async () => {
    const { specialist, bookingId } = await deletedInZoom('2026-11-30T09:00:00Z');
    const admin = await createAdmin(s.container);
    // Tokens signed at each look: the clock jumps past their lifetime.
    const tokenOf = (userId: string, role: 'specialist' | 'admin') =>
      s.container.services.jwt.signAccessToken({ userId, role });
    const shown = async () => {
      const own = await request(s.app)
        .get(`/api/bookings/${bookingId}`)
        .set('Authorization', `Bearer ${await tokenOf(specialist.user.id, 'specialist')}`);
      const view = await request(s.app)
        .get('/api/admin/meetings?state=waiting_for_quota')
        .set('Authorization', `Bearer ${await tokenOf(admin.user.id, 'admin')}`);
      return [own.body.meeting.status, view.body.items.some((r: { bookingId: string }) => r.bookingId === bookingId)];
    };

    await withQuota.container.services.meetingRepair.schedule(bookingId, 'webhook');
    await withQuota.container.services.jobs.runDue();
    expect(await JobModel.countDocuments({ key: `meeting-repair:${bookingId}` })).toBe(1);
    expect(await shown()).toEqual(['waiting_for_quota', true]);

    s.clock.set(MIDNIGHT);
    await drainJobs(withQuota.container);
    expect(await shown()).toEqual(['created', false]);
  });
});
