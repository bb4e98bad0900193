import { createHmac } from 'node:crypto';
import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { JobModel } from '../src/models/job.model';
import { registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { listenForZoomEvents } from './support/webhook';

// Monday 2026-11-23 08:00 UTC; the session is on Wednesday 09:00 UTC (10:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';
const START = '2026-11-25T09:00:00Z';
const icsOf = (mail: { attachments: Array<{ contentType: string; content: Buffer }> }) =>
  mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString();

describe('changes made inside Zoom are repaired (meeting.deleted / meeting.updated webhooks)', () => {
  const s = useStack({ now: NOW });
  let events: Awaited<ReturnType<typeof listenForZoomEvents>>;
  beforeAll(async () => {
    events = await listenForZoomEvents(s.app, s.sandbox);
  });
  afterAll(() => events.close());

  async function booked(start = START) {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo', timezone: 'America/New_York' });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
    expect(res.status).toBe(201);
    await drainJobs(s.container);
    return { specialist, customer, booking: res.body as { id: string; meeting: { zoomMeetingId: string } } };
  }
  /** Zoom's events reach our endpoint (each answered), then the repair jobs they queued run. */
  async function zoomEventsHandled() {
    const started = Date.now();
    await s.sandbox.webhooksSettled();
    const tookMs = Date.now() - started;
    await drainJobs(s.container);
    await s.sandbox.webhooksSettled();
    await drainJobs(s.container);
    return tookMs;
  }
  const meetingsOf = (bookingId: string) =>
    s.sandbox.meetings().filter((m) => m.topic.includes(bookingId) || m.agenda?.includes(bookingId));

  it('when the host deletes the meeting in Zoom, then a new one is made and both parties get the new link in an updated invitation', async () => {
    const { specialist, customer, booking } = await booked();
    const oldId = booking.meeting.zoomMeetingId;
    const mailsBefore = s.smtp.received.length;

    expect(s.sandbox.hostDeleteMeeting(oldId)).toBe(true);
    const answeredWithinMs = await zoomEventsHandled();

    expect(answeredWithinMs).toBeLessThan(3000);
    expect(s.sandbox.webhookDeliveries().at(-1)).toMatchObject({ event: 'meeting.deleted', status: 200 });
    const [meeting, ...more] = meetingsOf(booking.id);
    expect(more).toEqual([]);
    expect(String(meeting!.id)).not.toBe(oldId);
    expect(meeting!.start_time).toBe('2026-11-25T09:00:00Z');
    const stored = await BookingModel.findById(booking.id).lean();
    expect(stored).toMatchObject({
      zoomMeetingId: String(meeting!.id),
      zoomJoinUrl: meeting!.join_url,
      sequence: 1,
      meeting: { status: 'created', syncedSequence: 1, lastRepair: { cause: 'zoom_deleted' } },
    });
    const seen = await request(s.app)
      .get(`/api/bookings/${booking.id}`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(seen.body.meeting.joinUrl).toBe(meeting!.join_url);

    const fresh = s.smtp.received.slice(mailsBefore);
    const toCustomer = fresh.filter((m) => JSON.stringify(m.to).includes(customer.user.email));
    const toSpecialist = fresh.filter((m) => JSON.stringify(m.to).includes(specialist.user.email));
    expect([toCustomer.length, toSpecialist.length]).toEqual([1, 1]);
    expect(toCustomer[0]!.subject).toBe(`New Zoom link for your session with ${specialist.user.name}`);
    expect(toCustomer[0]!.text).toContain(meeting!.join_url);
    expect(toSpecialist[0]!.text).toMatch(new RegExp(`/api/bookings/${booking.id}/start\\?token=`));
    for (const mail of [toCustomer[0]!, toSpecialist[0]!]) {
      expect(icsOf(mail)).toContain(`UID:booking-${booking.id}@specialist-booking`);
      expect(icsOf(mail)).toContain('SEQUENCE:1');
      expect(icsOf(mail)).toContain('METHOD:REQUEST');
    }
    // Nothing more happens: no loop, no second meeting, no second mail.
    await zoomEventsHandled();
    expect(meetingsOf(booking.id)).toHaveLength(1);
    expect(s.smtp.received.length).toBe(mailsBefore + 2);
  });

  it('when the host moves it or renames it in Zoom, then it is set back and the specialist gets one mail saying so', async () => {
    const { specialist, customer, booking } = await booked('2026-11-26T09:00:00Z');
    const id = booking.meeting.zoomMeetingId;
    const topic = meetingsOf(booking.id)[0]!.topic;
    const mailsBefore = s.smtp.received.length;

    s.sandbox.hostUpdateMeeting(id, { start_time: '2026-11-26T11:00:00Z', duration: 30 });
    await zoomEventsHandled();

    const [meeting, ...more] = meetingsOf(booking.id);
    expect(more).toEqual([]);
    expect([String(meeting!.id), meeting!.start_time, meeting!.duration, meeting!.topic]).toEqual([
      id,
      '2026-11-26T09:00:00Z',
      60,
      topic,
    ]);
    const fresh = s.smtp.received.slice(mailsBefore);
    expect(fresh.filter((m) => JSON.stringify(m.to).includes(customer.user.email))).toEqual([]);
    const [told, ...again] = fresh.filter((m) => JSON.stringify(m.to).includes(specialist.user.email));
    expect(again).toEqual([]);
    expect(told!.subject).toBe('Your Zoom meeting with Cleo was set back to the booked time');
    expect(told!.text).toContain('start Thursday, 26 November 2026, 12:00 (Europe/Berlin)');
    expect(told!.text).toContain('duration 30 minutes');
    expect(told!.text).toContain('Thursday, 26 November 2026, 10:00–11:00 (Europe/Berlin)');
    expect(told!.text).toContain('reschedule the booking instead');
    expect(await BookingModel.findById(booking.id).lean()).toMatchObject({
      sequence: 0,
      meeting: { lastRepair: { cause: 'zoom_changed' } },
    });
    // The set-back's own meeting.updated echo reached us and changed nothing.
    expect(s.sandbox.webhookDeliveries().filter((d) => d.meetingId === id && d.status === 200)).toHaveLength(2);

    s.sandbox.hostUpdateMeeting(id, { topic: 'Renamed in Zoom' });
    await zoomEventsHandled();
    expect(meetingsOf(booking.id)[0]!.topic).toBe(topic);
    expect(s.smtp.received.slice(mailsBefore).filter((m) => /set back/.test(m.subject ?? ''))).toHaveLength(2);
  });

  it('when we reschedule or cancel, then the echoes of our own changes change nothing', async () => {
    const { customer, booking } = await booked('2026-11-27T09:00:00Z');
    const moved = await request(s.app)
      .post(`/api/bookings/${booking.id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-11-27T12:00:00Z' });
    expect(moved.status).toBe(200);
    await s.sandbox.webhooksSettled();
    expect(s.sandbox.webhookDeliveries().at(-1)).toMatchObject({ event: 'meeting.updated', status: 200 });
    expect(await JobModel.countDocuments({ key: `meeting-repair:${booking.id}` })).toBe(0);
    const patches = s.sandbox.requests('PATCH /v2/meetings/:meetingId').length;
    await zoomEventsHandled();
    expect(s.sandbox.requests('PATCH /v2/meetings/:meetingId')).toHaveLength(patches);
    expect(meetingsOf(booking.id)[0]!.start_time).toBe('2026-11-27T12:00:00Z');

    const cancelled = await request(s.app)
      .post(`/api/bookings/${booking.id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(cancelled.status).toBe(200);
    await zoomEventsHandled();
    expect(s.sandbox.webhookDeliveries().at(-1)).toMatchObject({ event: 'meeting.deleted', status: 200 });
    expect(meetingsOf(booking.id)).toEqual([]);
  });

  it('when a meeting we did not make changes, then the event is answered and ignored', async () => {
    const jobs = await JobModel.countDocuments({ name: 'meeting-repair' });
    for (const event of ['meeting.deleted', 'meeting.updated']) {
      const body = JSON.stringify({
        event,
        event_ts: s.clock.now().getTime(),
        payload: {
          account_id: 'acc',
          operator: 'someone@example.com',
          object: { id: 98765432101, uuid: 'u', host_id: 'h', topic: 'Not ours', start_time: START, duration: 30 },
          old_object: { id: 98765432101, uuid: 'u', host_id: 'h', duration: 60 },
        },
      });
      const ts = String(Math.floor(s.clock.now().getTime() / 1000));
      const signature = `v0=${createHmac('sha256', 'test-webhook-secret').update(`v0:${ts}:${body}`).digest('hex')}`;
      const res = await request(s.app)
        .post('/api/zoom/webhook')
        .set({ 'content-type': 'application/json', 'x-zm-request-timestamp': ts, 'x-zm-signature': signature })
        .send(body);
      expect([res.status, res.body]).toEqual([200, { received: true }]);
    }
    expect(await JobModel.countDocuments({ name: 'meeting-repair' })).toBe(jobs);
  });

  it('when the process dies after saving a new meeting and before mailing, then its durable notice sends the updated invitation once', async () => {
    const { customer, booking } = await booked('2026-12-01T09:00:00Z');
    const repair = s.container.services.meetingRepair;
    // What a repair had written when it died: the notice (before the save), then the save itself.
    await repair.noteRenewal(booking.id, 'new-meeting-1', 'zoom_deleted', 1);
    await BookingModel.updateOne(
      { _id: booking.id },
      {
        $set: { zoomMeetingId: 'new-meeting-1', zoomJoinUrl: 'https://zoom.test/j/new-meeting-1' },
        $inc: { sequence: 1 },
      },
    );
    // A notice for a meeting the booking never came to point at sends nothing.
    await repair.noteRenewal(booking.id, 'spare-meeting', 'zoom_deleted', 1);
    s.clock.advance(61_000);
    await drainJobs(s.container);
    s.clock.advance(61_000);
    await drainJobs(s.container);
    const renewed = s.smtp.to(customer.user.email).filter((m) => /^New Zoom link/.test(m.subject ?? ''));
    expect(renewed).toHaveLength(1);
    expect(renewed[0]!.text).toContain('https://zoom.test/j/new-meeting-1');
    expect(icsOf(renewed[0]!)).toContain('SEQUENCE:1');
  });
});
