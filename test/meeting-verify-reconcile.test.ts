import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { JobModel } from '../src/models/job.model';
import { createSmtpTransport } from '../src/services/mail/mail-transport';
import { createTestApp, registerUser, type TestApp } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { sandboxEnv } from './support/zoom';

// Monday 2026-11-23 08:00 UTC.
const NOW = '2026-11-23T08:00:00.000Z';
type Stack = ReturnType<typeof useStack>;

async function booked(s: Stack, start: string) {
  const specialist = await readySpecialist(s.app);
  const customer = await registerUser(s.app, 'customer', { name: 'Cleo', timezone: 'America/New_York' });
  const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
  expect(res.status).toBe(201);
  await drainJobs(s.container);
  return { specialist, customer, booking: res.body as { id: string; meeting: { zoomMeetingId: string } } };
}
const meetingsOf = (s: Stack, bookingId: string) =>
  s.sandbox.meetings().filter((m) => m.topic.includes(bookingId) || m.agenda?.includes(bookingId));
const mailsTo = (s: Stack, email: string, subject: RegExp) =>
  s.smtp.to(email).filter((m) => subject.test(m.subject ?? ''));

describe('a webhook Zoom dropped: the check before the session repairs the meeting', () => {
  const s = useStack({ now: NOW });
  beforeAll(() => s.sandbox.configureWebhook({ url: 'http://127.0.0.1:9/', secretToken: 'x', dropEvents: true }));

  it('when the host deleted the meeting and the event never came, then the reminder finds it missing, makes it again and carries the new link', async () => {
    const { customer, booking } = await booked(s, '2026-11-25T09:00:00Z');
    s.sandbox.hostDeleteMeeting(booking.meeting.zoomMeetingId);
    expect(s.sandbox.webhookDeliveries().at(-1)).toMatchObject({ event: 'meeting.deleted', dropped: true });

    s.clock.set('2026-11-24T09:00:00Z');
    await drainJobs(s.container);

    const [meeting, ...more] = meetingsOf(s, booking.id);
    expect(more).toEqual([]);
    expect(String(meeting!.id)).not.toBe(booking.meeting.zoomMeetingId);
    const [reminder, ...again] = mailsTo(s, customer.user.email, /^Reminder/);
    expect(again).toEqual([]);
    expect(reminder!.text).toContain(meeting!.join_url);
    expect(mailsTo(s, customer.user.email, /^New Zoom link/)).toHaveLength(1);
    expect(await BookingModel.findById(booking.id).lean()).toMatchObject({
      sequence: 1,
      meeting: { lastRepair: { cause: 'verify_before_session' } },
    });
    // The 1-hour reminder of the new version is planned; the old version's is gone.
    const keys = (await JobModel.find({ key: new RegExp(`^booking-reminder:${booking.id}:`) }).lean()).map(
      (j) => j.key,
    );
    expect(keys).toEqual([`booking-reminder:${booking.id}:60:1`]);
  });
});

describe('with reminders off: MEETING_VERIFY_BEFORE_MINUTES before the start', () => {
  const s = useStack({ now: NOW, env: { REMINDER_OFFSETS_MINUTES: 'none', MEETING_VERIFY_BEFORE_MINUTES: '30' } });

  it('when the host moved the meeting and the event never came, then the check 30 minutes before sets it back', async () => {
    const { specialist, booking } = await booked(s, '2026-11-25T09:00:00Z');
    expect((await JobModel.find({ name: 'meeting-verify' }).lean()).map((j) => j.runAt.toISOString())).toEqual([
      '2026-11-25T08:30:00.000Z',
    ]);
    s.sandbox.hostUpdateMeeting(booking.meeting.zoomMeetingId, { start_time: '2026-11-25T10:00:00Z' });

    s.clock.set('2026-11-25T08:29:00Z');
    await drainJobs(s.container);
    expect(meetingsOf(s, booking.id)[0]!.start_time).toBe('2026-11-25T10:00:00Z');

    s.clock.set('2026-11-25T08:30:00Z');
    await drainJobs(s.container);
    expect(meetingsOf(s, booking.id)[0]!.start_time).toBe('2026-11-25T09:00:00Z');
    expect(mailsTo(s, specialist.user.email, /set back/)).toHaveLength(1);
    expect(mailsTo(s, specialist.user.email, /^Reminder/)).toHaveLength(0);
  });
});

describe('the reconciliation sweep (MEETING_RECONCILE_EVERY_MINUTES=360, MEETING_RECONCILE_DAYS=14)', () => {
  const s = useStack({ now: NOW });
  let second: TestApp;
  beforeAll(() => {
    second = createTestApp({
      clock: s.clock,
      env: sandboxEnv(s.sandbox),
      mailTransport: createSmtpTransport(s.smtp.url),
    });
  });

  it('when events were dropped, then one sweep across two instances repairs drift both ways, each host listed once', async () => {
    const deleted = await booked(s, '2026-11-25T09:00:00Z');
    const moved = await booked(s, '2026-11-26T09:00:00Z');
    const cancelled = await booked(s, '2026-11-27T09:00:00Z');
    const beyond = await booked(s, '2026-12-18T09:00:00Z'); // past MEETING_RECONCILE_DAYS (14)
    s.sandbox.hostDeleteMeeting(deleted.booking.meeting.zoomMeetingId);
    s.sandbox.hostUpdateMeeting(moved.booking.meeting.zoomMeetingId, { duration: 15, topic: 'Mine now' });
    s.sandbox.hostDeleteMeeting(beyond.booking.meeting.zoomMeetingId);
    // Zoom refuses the cancel's delete once: the cancelled booking's meeting stays at Zoom.
    s.sandbox.inject({ route: 'DELETE /v2/meetings/:meetingId', status: 400, times: 1 });
    await request(s.app)
      .post(`/api/bookings/${cancelled.booking.id}/cancel`)
      .set('Authorization', `Bearer ${cancelled.customer.token}`)
      .expect(200);
    await drainJobs(s.container);
    expect(meetingsOf(s, cancelled.booking.id)).toHaveLength(1);
    const lists = () => s.sandbox.requests('GET /v2/users/:userId/meetings').length;
    const listsBefore = lists();

    const sweptAt = s.clock.now().getTime();
    await s.container.services.meetingReconcile.ensureScheduled();
    await second.container.services.meetingReconcile.ensureScheduled();
    // The hosts' jobs are spread 30 s apart.
    for (let i = 0; i < 4; i += 1) {
      await Promise.all([s.container.services.jobs.runDue(), second.container.services.jobs.runDue()]);
      s.clock.advance(30_000);
    }
    await drainJobs(s.container);

    // Three hosts with bookings in the window, each listed once; the next sweep is in 6 hours.
    expect(lists() - listsBefore).toBe(3);
    expect((await JobModel.findOne({ key: 'meeting-reconcile-sweep' }).lean())!.runAt.getTime()).toBe(
      sweptAt + 360 * 60_000,
    );
    const [remade] = meetingsOf(s, deleted.booking.id);
    expect(await BookingModel.findById(deleted.booking.id).lean()).toMatchObject({
      zoomMeetingId: String(remade!.id),
      meeting: { lastRepair: { cause: 'reconcile' } },
    });
    expect(mailsTo(s, deleted.customer.user.email, /^New Zoom link/)).toHaveLength(1);
    expect(meetingsOf(s, moved.booking.id)[0]).toMatchObject({ duration: 60 });
    expect(meetingsOf(s, moved.booking.id)[0]!.topic).not.toBe('Mine now');
    expect(mailsTo(s, moved.specialist.user.email, /set back/)).toHaveLength(1);
    expect(meetingsOf(s, cancelled.booking.id)).toEqual([]);
    expect(await BookingModel.findById(cancelled.booking.id).lean()).toMatchObject({ meeting: { zoomDeleted: true } });
    // Beyond the window: left for a later sweep or the check before the session.
    expect(meetingsOf(s, beyond.booking.id)).toEqual([]);
  });
});
