import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { OutboxMailModel } from '../src/models/outbox-mail.model';
import { UserOAuthTokenModel } from '../src/models/user-oauth-token.model';
import { createAdmin, registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { connectZoom } from './support/zoom';

const NOW = '2026-11-23T08:00:00.000Z';

describe('bookings when Zoom, tokens or SMTP misbehave', () => {
  const s = useStack({ now: NOW, env: { MEETING_RETRY_MAX_ATTEMPTS: '3', ZOOM_HTTP_TIMEOUT_MS: '500' } });
  const { clock } = s;

  it('when Zoom answers 5xx, then the booking is confirmed with a pending meeting, created later, and the mails go out once', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({ route: 'POST /v2/users/:userId/meetings', status: 503, times: 2 });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body.meeting).toMatchObject({ status: 'pending', joinUrl: null, zoomMeetingId: null });
    await drainJobs(s.container);
    expect(s.smtp.to(customer.user.email)).toHaveLength(0);

    clock.advance(31_000); // past the first backoff (5 s)
    await drainJobs(s.container);
    expect((await BookingModel.findById(res.body.id).lean())!.meeting.status).toBe('pending');
    clock.advance(61_000); // past the second (10 s)
    await drainJobs(s.container);
    const booking = await BookingModel.findById(res.body.id).lean();
    expect(booking!.meeting).toMatchObject({ status: 'created', attempts: 3 });
    expect(s.sandbox.meetings().filter((m) => (m.agenda ?? '').includes(res.body.id))).toHaveLength(1);
    clock.advance(3600_000);
    await drainJobs(s.container);
    expect(s.smtp.to(customer.user.email)).toHaveLength(1);
    expect(s.smtp.to(specialist.user.email)).toHaveLength(1);
  });

  it('when an attempt created the meeting but died before saving it, then the retry adopts it instead of creating a second', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    // Zoom creates the meeting but our client gives up before the answer arrives (time-out).
    s.sandbox.inject({ route: 'POST /v2/users/:userId/meetings', delayMs: 800 });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T10:00:00Z' });
    expect(res.body.meeting.status).toBe('pending');
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(s.sandbox.meetings().filter((m) => (m.agenda ?? '').includes(res.body.id))).toHaveLength(1);
    clock.advance(31_000);
    await drainJobs(s.container);
    const booking = await BookingModel.findById(res.body.id).lean();
    expect(booking!.meeting.status).toBe('created');
    expect(s.sandbox.meetings().filter((m) => (m.agenda ?? '').includes(res.body.id))).toHaveLength(1);
    expect(booking!.zoomMeetingId).toBe(
      String(s.sandbox.meetings().find((m) => (m.agenda ?? '').includes(res.body.id))!.id),
    );
  });

  it('when the access token has expired at booking time, then it is refreshed and nobody notices', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    clock.advance(2 * 3600_000); // both the stored access token and Zoom's view of it are expired
    s.sandbox.resetCalls();
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T12:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body.meeting.status).toBe('created');
    expect(s.sandbox.calls('POST /oauth/token')).toBe(1);
    const grant = await UserOAuthTokenModel.findOne({ userId: specialist.user.id }).lean();
    expect(grant!.zoomAccessTokenExpiry!.getTime()).toBeGreaterThan(clock.now().getTime());
  });

  it('when the grant dies after booking checks, then the meeting waits and is created as soon as the specialist reconnects', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const grant = await UserOAuthTokenModel.findOne({ userId: specialist.user.id }).lean();
    s.sandbox.revokeUserGrants(grant!.zoomUserId!);
    clock.advance(2 * 3600_000);
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-26T12:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body.meeting.status).toBe('pending');
    await drainJobs(s.container);
    expect(s.smtp.to(specialist.user.email).map((m) => m.subject)).toEqual(['Please reconnect your Zoom account']);
    await connectZoom(s.app, specialist.token, specialist.zoomEmail);
    await drainJobs(s.container);
    expect((await BookingModel.findById(res.body.id).lean())!.meeting.status).toBe('created');
    expect(s.smtp.to(customer.user.email)).toHaveLength(1);
  });

  it('when Zoom’s daily meeting limit is hit, then the job waits for 00:00 UTC', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({
      route: 'POST /v2/users/:userId/meetings',
      status: 429,
      body: {
        code: 429,
        message:
          'You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.',
      },
      times: 1,
    });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-25T08:00:00Z' });
    expect(res.body.meeting.status).toBe('waiting_for_quota');
    const booking = await BookingModel.findById(res.body.id).lean();
    expect(booking!.meeting.nextAttemptAt!.toISOString()).toBe('2026-11-24T00:00:00.000Z');
    clock.set('2026-11-23T23:59:00Z');
    await drainJobs(s.container);
    expect((await BookingModel.findById(res.body.id).lean())!.meeting.status).toBe('waiting_for_quota');
    clock.set('2026-11-24T00:00:01Z');
    await drainJobs(s.container);
    expect((await BookingModel.findById(res.body.id).lean())!.meeting.status).toBe('created');
  });

  it('when Zoom answers 5xx for 10 minutes, then the booking stays pending through every failure and its meeting is made within 60 s of Zoom’s return', async () => {
    const admin = await createAdmin(s.container);
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({ route: 'POST /v2/users/:userId/meetings', status: 500, times: Infinity });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-26T08:00:00Z' });
    expect(res.status).toBe(201);
    for (let i = 0; i < 40; i += 1) {
      clock.advance(15_000); // 10 minutes in all
      await drainJobs(s.container);
    }
    const during = await BookingModel.findById(res.body.id).lean();
    expect(during!.meeting.status).toBe('pending');
    expect(during!.meeting.attempts).toBeGreaterThanOrEqual(20); // 20 transient failures do not end the tries
    expect(during!.meeting.countedFailures).toBe(0);
    expect(s.smtp.to(specialist.user.email)).toHaveLength(0);
    expect(s.smtp.to(admin.user.email)).toHaveLength(0);

    s.sandbox.clearFaults();
    const upAt = clock.now().getTime();
    let createdAt: number | undefined;
    for (let i = 0; i < 12 && createdAt === undefined; i += 1) {
      clock.advance(5_000);
      await drainJobs(s.container);
      if ((await BookingModel.findById(res.body.id).lean())!.meeting.status === 'created')
        createdAt = clock.now().getTime();
    }
    expect(createdAt! - upAt).toBeLessThanOrEqual(60_000);
    expect(s.sandbox.meetings().filter((m) => (m.agenda ?? '').includes(res.body.id))).toHaveLength(1);
    expect(s.smtp.to(customer.user.email)).toHaveLength(1);
    expect(s.smtp.to(specialist.user.email)).toHaveLength(1);
    expect(s.smtp.to(admin.user.email)).toHaveLength(0);
  });

  it('when Zoom refuses the meeting (a 4xx that waiting cannot change), then it fails at once and the specialist and admins are emailed', async () => {
    const admin = await createAdmin(s.container);
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({
      route: 'POST /v2/users/:userId/meetings',
      status: 400,
      body: { code: 300, message: 'Invalid meeting settings' },
      times: 1,
    });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-26T09:00:00Z' });
    expect(res.status).toBe(201);
    await drainJobs(s.container);
    const booking = await BookingModel.findById(res.body.id).lean();
    expect(booking!.meeting).toMatchObject({ status: 'failed', attempts: 1 });
    expect(booking!.status).toBe('confirmed');
    expect(s.sandbox.meetings().filter((m) => (m.agenda ?? '').includes(res.body.id))).toHaveLength(0);
    expect(s.smtp.to(specialist.user.email).map((m) => m.subject)).toEqual([expect.stringContaining('Action needed')]);
    expect(s.smtp.to(admin.user.email).map((m) => m.subject)).toEqual([expect.stringContaining('Action needed')]);
  });

  it('when Zoom is still down as the session begins, then the tries end and the specialist and admins are emailed', async () => {
    const admin = await createAdmin(s.container);
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({ route: 'POST /v2/users/:userId/meetings', status: 503, times: Infinity });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-26T10:00:00Z' });
    clock.set('2026-11-26T09:59:50Z');
    await drainJobs(s.container);
    const booking = await BookingModel.findById(res.body.id).lean();
    expect(booking!.meeting).toMatchObject({ status: 'failed', attempts: 2 });
    expect(booking!.meeting.lastError).toContain('Service Unavailable');
    // The reminders went out on the way to the session (the booking stands); one alarm follows the last try.
    expect(s.smtp.to(specialist.user.email).filter((m) => m.subject?.startsWith('Action needed'))).toHaveLength(1);
    expect(s.smtp.to(admin.user.email).map((m) => m.subject)).toEqual([expect.stringContaining('Action needed')]);
  });

  it('when Zoom keeps rejecting a freshly refreshed token, then MEETING_RETRY_MAX_ATTEMPTS (3) such failures end the tries and the specialist and admins are emailed', async () => {
    const admin = await createAdmin(s.container);
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.sandbox.inject({
      route: 'POST /v2/users/:userId/meetings',
      status: 401,
      body: { code: 124, message: 'Invalid access token.' },
      times: Infinity,
    });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-26T11:00:00Z' });
    for (let i = 0; i < 10; i += 1) {
      clock.advance(60_000);
      await drainJobs(s.container);
    }
    const booking = await BookingModel.findById(res.body.id).lean();
    expect(booking!.meeting).toMatchObject({ status: 'failed', attempts: 3, countedFailures: 2 });
    expect(s.smtp.to(specialist.user.email).map((m) => m.subject)).toEqual([expect.stringContaining('Action needed')]);
    expect(s.smtp.to(admin.user.email).map((m) => m.subject)).toEqual([expect.stringContaining('Action needed')]);
  });

  it('when SMTP is down, then the booking still succeeds and each mail is delivered once when SMTP is back', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.smtp.setRefusing(true);
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-27T08:00:00Z' });
    expect(res.status).toBe(201);
    await drainJobs(s.container);
    clock.advance(31_000);
    await drainJobs(s.container);
    expect(s.smtp.to(customer.user.email)).toHaveLength(0);
    s.smtp.setRefusing(false);
    clock.advance(5 * 60_000);
    await drainJobs(s.container);
    clock.advance(60 * 60_000);
    await drainJobs(s.container);
    expect(s.smtp.to(customer.user.email)).toHaveLength(1);
    expect(s.smtp.to(specialist.user.email)).toHaveLength(1);
  });

  it('when SMTP refuses connections for 10 minutes, then no mail is given up and each is delivered once within 60 s of SMTP’s return', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.smtp.setRefusing(true);
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-27T10:00:00Z' });
    expect(res.status).toBe(201);
    for (let i = 0; i < 40; i += 1) {
      clock.advance(15_000);
      await drainJobs(s.container);
    }
    // The sign-up's verification mail waits too: only the booking's mail is looked at here.
    const waiting = (await OutboxMailModel.find({ to: customer.user.email }).lean()).filter(
      (m) => !m.dedupeKey.startsWith('account:'),
    );
    expect(waiting.map((m) => m.status)).toEqual(['pending']);
    expect(waiting[0]!.attempts).toBeGreaterThanOrEqual(20);
    expect(waiting[0]!.refusals).toBe(0);
    s.smtp.setRefusing(false);
    const upAt = clock.now().getTime();
    let sentAt: number | undefined;
    for (let i = 0; i < 12 && sentAt === undefined; i += 1) {
      clock.advance(5_000);
      await drainJobs(s.container);
      if (s.smtp.to(customer.user.email).length > 0) sentAt = clock.now().getTime();
    }
    expect(sentAt! - upAt).toBeLessThanOrEqual(60_000);
    clock.advance(3600_000);
    await drainJobs(s.container);
    expect(s.smtp.to(customer.user.email)).toHaveLength(1);
    expect(s.smtp.to(specialist.user.email)).toHaveLength(1);
  });

  it('when the start link is used by someone else or expires, then no start URL', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T14:00:00Z' });
    const asCustomer = await request(s.app)
      .get(`/api/bookings/${res.body.id}/start`)
      .set('Authorization', `Bearer ${customer.token}`)
      .redirects(0);
    expect(asCustomer.status).toBe(404);
    const anonymous = await request(s.app).get(`/api/bookings/${res.body.id}/start`).redirects(0);
    expect(anonymous.status).toBe(401);
    const asSpecialist = await request(s.app)
      .get(`/api/bookings/${res.body.id}/start`)
      .set('Authorization', `Bearer ${specialist.token}`)
      .redirects(0);
    expect(asSpecialist.status).toBe(302);
    const token = await s.container.services.jwt.signLink(
      'meeting-start',
      res.body.id,
      new Date(clock.now().getTime() + 1000),
    );
    clock.advance(2000);
    const expired = await request(s.app).get(`/api/bookings/${res.body.id}/start?token=${token}`).redirects(0);
    expect(expired.status).toBe(401);
  });
});
