import request from 'supertest';
import { Types } from 'mongoose';
import { ManualClock } from '../src/lib/clock';
import { BookingClaimModel } from '../src/models/booking-claim.model';
import { BookingModel } from '../src/models/booking.model';
import { JobModel } from '../src/models/job.model';
import { OutboxMailModel } from '../src/models/outbox-mail.model';
import { createSmtpTransport } from '../src/services/mail/mail-transport';
import type { ZoomSandbox } from '../src/zoom-sandbox/zoom-sandbox';
import { verifyFromMail } from './support/account-mail';
import { createAdmin, createTestApp, registerUser } from './support/app';
import { BERLIN_WEEKDAYS, book, drainJobs } from './support/booking';
import { useTestDatabase } from './support/database';
import { approveS2SHost, s2sEnv, SANDBOX_S2S_APP } from './support/s2s';
import { startTestSmtp, type TestSmtp } from './support/smtp';
import { startTestSandbox } from './support/zoom';

const NOW = '2026-11-23T08:00:00.000Z';

describe('MEETING_PROVIDER=s2s: meetings hosted in the platform account', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  let sandbox: ZoomSandbox;
  let smtp: TestSmtp;
  let t: ReturnType<typeof createTestApp>;
  let admin: Awaited<ReturnType<typeof createAdmin>>;
  const clock = new ManualClock(NOW);

  beforeAll(async () => {
    db = await useTestDatabase();
    sandbox = await startTestSandbox(clock);
    sandbox.ensureUser('platform.host@example.com');
    smtp = await startTestSmtp();
    t = createTestApp({
      clock,
      env: {
        ...s2sEnv(sandbox, SANDBOX_S2S_APP),
        MEETING_PROVIDER: 's2s',
        ZOOM_S2S_HOST_USER: 'platform.host@example.com',
      },
      mailTransport: createSmtpTransport(smtp.url),
    });
    admin = await createAdmin(t.container);
  });
  afterAll(async () => {
    await sandbox.close();
    await smtp.close();
    await db.drop();
  });

  async function specialist(email?: string) {
    const s = await registerUser(t.app, 'specialist', { email });
    await request(t.app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${s.token}`)
      .send(BERLIN_WEEKDAYS);
    return s;
  }

  it('when an unapproved specialist is booked, then the shared host holds the meeting end to end and the specialist is offered no start link', async () => {
    const s = await specialist();
    const customer = await registerUser(t.app, 'customer');
    const listed = await request(t.app).get(`/api/specialists/${s.user.id}`);
    expect(listed.body.zoomConnected).toBe(true);
    sandbox.resetCalls();
    const res = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-24T08:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body.meeting).toMatchObject({ status: 'created', provider: 's2s' });
    const meeting = sandbox.meetings().find((m) => String(m.id) === res.body.meeting.zoomMeetingId)!;
    expect(meeting.host_email).toBe('platform.host@example.com');
    const [tokenCall] = sandbox.requests('POST /oauth/token');
    expect(tokenCall!.body).toMatchObject({ grant_type: 'account_credentials', account_id: 'sandbox-account-id' });

    await drainJobs(t.container);
    expect(smtp.to(customer.user.email)[0]!.text).toContain(res.body.meeting.joinUrl);
    // The specialist joins like the customer: a start link of the shared host would hand them its account.
    const toSpecialist = smtp.to(s.user.email)[0]!;
    expect(toSpecialist.text).not.toMatch(/\/start\?token=/);
    expect(toSpecialist.text).toContain(res.body.meeting.joinUrl);
    expect(toSpecialist.text).toMatch(/shared Zoom host/);
    const view = (token: string) =>
      request(t.app).get(`/api/bookings/${res.body.id}`).set('Authorization', `Bearer ${token}`);
    expect((await view(s.token)).body.meeting.startUrl).toBeNull();
    // Nor does their calendar subscription: it offers the join link.
    const feedUrl = new URL(
      (await request(t.app).get('/api/me/calendar-feed').set('Authorization', `Bearer ${s.token}`)).body.url,
    );
    const feed = (await request(t.app).get(feedUrl.pathname)).text.replace(/\r\n /g, '');
    expect(feed).toContain(`Join Zoom: ${res.body.meeting.joinUrl}`);
    expect(feed).not.toMatch(/\/start\?token=/);
    expect((await view(admin.token)).body.meeting.startUrl).toBe(`http://api.test/api/bookings/${res.body.id}/start`);

    const start = (auth: { token?: string; link?: string }) => {
      const req = request(t.app)
        .get(`/api/bookings/${res.body.id}/start${auth.link ? `?token=${auth.link}` : ''}`)
        .redirects(0);
      return auth.token ? req.set('Authorization', `Bearer ${auth.token}`) : req;
    };
    const mine = await start({ token: s.token });
    expect(mine.status).toBe(403);
    expect(mine.body.error.code).toBe('START_LINK_SHARED_HOST');
    const link = await t.container.services.jwt.signLink(
      'meeting-start',
      res.body.id,
      new Date('2026-11-25T00:00:00Z'),
    );
    expect((await start({ link })).body.error.code).toBe('START_LINK_SHARED_HOST');
    expect((await start({ token: admin.token })).headers.location).toContain('zak=');
    // The platform account of the shared host itself, once its email is verified.
    const host = await registerUser(t.app, 'specialist', { email: 'platform.host@example.com' });
    expect((await start({ token: host.token })).status).toBe(404);
    await verifyFromMail(t.app, smtp, t.container, 'platform.host@example.com');
    expect((await start({ token: host.token })).headers.location).toContain('zak=');
    expect((await start({ token: customer.token })).status).toBe(404);

    const cancel = await request(t.app)
      .post(`/api/bookings/${res.body.id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(cancel.body.status).toBe('cancelled');
    expect(sandbox.meetings().find((m) => String(m.id) === res.body.meeting.zoomMeetingId)).toBeUndefined();
  });

  it('when the specialist’s email is a user of the platform account, then the shared host serves until an admin approves them; then they host their own meetings', async () => {
    sandbox.ensureUser('member.specialist@example.com');
    const s = await specialist('member.specialist@example.com');
    const customer = await registerUser(t.app, 'customer');
    const hostOf = async (start: string) => {
      const res = await book(t.app, customer.token, { specialistId: s.user.id, start });
      expect(res.status).toBe(201);
      return sandbox.meetings().find((m) => String(m.id) === res.body.meeting.zoomMeetingId)!.host_email;
    };
    // Never the matching member before approval, verified or not.
    expect(await hostOf('2026-11-25T08:00:00Z')).toBe('platform.host@example.com');
    await verifyFromMail(t.app, smtp, t.container, s.user.email);
    const row = await request(t.app)
      .get('/api/admin/s2s-hosts?pageSize=200')
      .set('Authorization', `Bearer ${admin.token}`);
    expect(row.body.fallbackHost).toBe('platform.host@example.com');
    expect(row.body.items.find((r: { specialistId: string }) => r.specialistId === s.user.id)).toMatchObject({
      state: 'fallback_host',
      approvable: true,
    });
    expect(await hostOf('2026-11-25T10:00:00Z')).toBe('platform.host@example.com');
    await approveS2SHost(t.app, admin.token, s.user.id).expect(200);
    expect(await hostOf('2026-11-25T12:00:00Z')).toBe('member.specialist@example.com');
  });

  it('when a crash came between saving the meeting and queuing the mail, then maintenance sends the confirmation once', async () => {
    const s = await specialist();
    const customer = await registerUser(t.app, 'customer');
    const res = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-27T08:00:00Z' });
    expect(res.body.meeting.status).toBe('created');
    // Undo what the crash prevented: no queued mail, no delivery jobs, no confirmation mark.
    const queued = await OutboxMailModel.find({ dedupeKey: new RegExp(`^booking:${res.body.id}:`) }).lean();
    await JobModel.deleteMany({ key: { $in: queued.map((m) => `mail:${m._id}`) } });
    await OutboxMailModel.deleteMany({ _id: { $in: queued.map((m) => m._id) } });
    await BookingModel.updateOne({ _id: res.body.id }, { $set: { confirmationMailedAt: null } });
    clock.advance(6 * 60_000);
    await t.container.services.maintenance.sweep();
    await t.container.services.maintenance.sweep();
    await drainJobs(t.container);
    expect(smtp.to(customer.user.email).map((m) => m.subject)).toEqual([expect.stringContaining('is confirmed')]);
    expect(smtp.to(s.user.email).map((m) => m.subject)).toEqual(['New booking!']);
  });

  it('when a crash left cells claimed by a booking that was never stored, then maintenance frees them', async () => {
    const s = await specialist();
    const customer = await registerUser(t.app, 'customer');
    const ghost = new Types.ObjectId();
    await BookingClaimModel.create({
      specialistId: s.user.id,
      cell: new Date('2026-11-26T08:00:00Z'),
      bookingId: ghost,
      createdAt: clock.now(),
    });
    expect((await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-26T08:00:00Z' })).status).toBe(
      409,
    );
    clock.advance(11 * 60_000);
    expect((await t.container.services.maintenance.sweep()).claims).toBe(1);
    expect((await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-26T08:00:00Z' })).status).toBe(
      201,
    );
  });
});
