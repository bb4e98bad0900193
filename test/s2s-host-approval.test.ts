import request from 'supertest';
import { ManualClock } from '../src/lib/clock';
import { BookingClaimModel } from '../src/models/booking-claim.model';
import { BookingModel } from '../src/models/booking.model';
import { S2SHostApprovalModel } from '../src/models/s2s-host-approval.model';
import { createSmtpTransport } from '../src/services/mail/mail-transport';
import type { ZoomSandbox } from '../src/zoom-sandbox/zoom-sandbox';
import { verifyFromMail } from './support/account-mail';
import { createAdmin, createTestApp, registerUser, uniqueEmail } from './support/app';
import { book, drainJobs } from './support/booking';
import { useTestDatabase } from './support/database';
import { approveS2SHost, s2sEnv, s2sSpecialist, SANDBOX_S2S_APP } from './support/s2s';
import { startTestSmtp, type TestSmtp } from './support/smtp';
import { startTestSandbox } from './support/zoom';

const NOW = '2026-11-23T08:00:00.000Z';
const CREATE = 'POST /v2/users/:userId/meetings';

describe('MEETING_PROVIDER=s2s without a shared host: a specialist hosts only once verified and approved', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  let sandbox: ZoomSandbox;
  let smtp: TestSmtp;
  let t: ReturnType<typeof createTestApp>;
  let admin: Awaited<ReturnType<typeof createAdmin>>;
  const clock = new ManualClock(NOW);

  beforeAll(async () => {
    db = await useTestDatabase();
    sandbox = await startTestSandbox(clock);
    smtp = await startTestSmtp();
    t = createTestApp({
      clock,
      env: { ...s2sEnv(sandbox, SANDBOX_S2S_APP), MEETING_PROVIDER: 's2s' },
      mailTransport: createSmtpTransport(smtp.url),
    });
    admin = await createAdmin(t.container);
  });
  afterEach(() => sandbox.clearFaults());
  afterAll(async () => {
    await sandbox.close();
    await smtp.close();
    await db.drop();
  });

  const list = (query = '', token = admin.token) =>
    request(t.app).get(`/api/admin/s2s-hosts${query}`).set('Authorization', `Bearer ${token}`);
  const rowOf = async (specialistId: string) =>
    ((await list('?pageSize=200')).body.items as Array<{ specialistId: string }>).find(
      (r) => r.specialistId === specialistId,
    ) as Record<string, unknown>;
  const nothingBooked = async (specialistId: string) => {
    expect(await BookingModel.countDocuments({ specialistId })).toBe(0);
    expect(await BookingClaimModel.countDocuments({ specialistId })).toBe(0);
  };

  it('when an unverified impostor registers with the email of a member of the Zoom account, then they cannot be booked, are not listed as bookable, and get no start link', async () => {
    const member = sandbox.ensureUser(uniqueEmail('ceo'));
    const impostor = await s2sSpecialist(t, smtp, { email: member.email, verify: false });
    const customer = await registerUser(t.app, 'customer');
    sandbox.resetCalls();
    const res = await book(t.app, customer.token, { specialistId: impostor.user.id, start: '2026-11-24T08:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'ZOOM_NOT_CONNECTED', details: { missingStep: 'verify_email' } });
    expect(res.body.error.message).toMatch(/must verify their email/);
    expect(sandbox.calls(CREATE)).toBe(0);
    await nothingBooked(impostor.user.id);

    const listed = await request(t.app).get('/api/specialists');
    expect(listed.body.items.find((s: { id: string }) => s.id === impostor.user.id).zoomConnected).toBe(false);
    expect((await request(t.app).get(`/api/specialists/${impostor.user.id}`)).body.zoomConnected).toBe(false);
    // The admin sees whom the email matches, and that it cannot be approved yet.
    expect(await rowOf(impostor.user.id)).toMatchObject({
      email: member.email,
      emailVerified: false,
      zoomUser: { id: member.id, email: member.email },
      zoomUserLookup: 'found',
      state: 'email_not_verified',
      approvable: false,
      approval: null,
    });
    const approve = await approveS2SHost(t.app, admin.token, impostor.user.id);
    expect(approve.status).toBe(422);
    expect(approve.body.error.code).toBe('S2S_HOST_EMAIL_NOT_VERIFIED');
    expect(await S2SHostApprovalModel.countDocuments({ specialistId: impostor.user.id })).toBe(0);
  });

  it('when a verified member is approved by an admin, then they are booked as that Zoom user and can start the meeting', async () => {
    const member = sandbox.ensureUser(uniqueEmail('member'));
    const s = await s2sSpecialist(t, smtp, { email: member.email, name: 'Mara Member' });
    const customer = await registerUser(t.app, 'customer');

    const refused = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-24T09:00:00Z' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'ZOOM_NOT_CONNECTED',
      details: { missingStep: 'admin_approval' },
    });
    expect(refused.body.error.message).toMatch(/an admin must approve/);
    await nothingBooked(s.user.id);
    expect(await rowOf(s.user.id)).toMatchObject({
      name: 'Mara Member',
      emailVerified: true,
      zoomUser: { id: member.id, email: member.email },
      state: 'awaiting_approval',
      approvable: true,
    });

    const approved = await approveS2SHost(t.app, admin.token, s.user.id);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      specialistId: s.user.id,
      state: 'approved',
      approvable: false,
      zoomUser: { id: member.id, email: member.email },
      approval: {
        zoomUserId: member.id,
        zoomEmail: member.email,
        approvedEmail: member.email,
        approvedBy: { id: admin.user.id, name: 'Admin' },
        approvedAt: clock.now().toISOString(),
        valid: true,
        voidReason: null,
      },
    });
    // Idempotent: the same row, the first approval kept.
    clock.advance(60_000);
    const again = await approveS2SHost(t.app, admin.token, s.user.id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(approved.body);
    expect((await request(t.app).get(`/api/specialists/${s.user.id}`)).body.zoomConnected).toBe(true);
    // The specialist's own export names the approved host.
    const exported = await request(t.app).get('/api/me/export').set('Authorization', `Bearer ${s.token}`);
    expect(exported.body.s2sHost).toEqual({
      zoomUserId: member.id,
      zoomEmail: member.email,
      approvedEmail: member.email,
      approvedAt: approved.body.approval.approvedAt,
    });

    const res = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-24T09:00:00Z' });
    expect(res.status).toBe(201);
    const meeting = sandbox.meetings().find((m) => String(m.id) === res.body.meeting.zoomMeetingId)!;
    expect(meeting.host_email).toBe(member.email);
    const start = await request(t.app)
      .get(`/api/bookings/${res.body.id}/start`)
      .set('Authorization', `Bearer ${s.token}`)
      .redirects(0);
    expect(start.status).toBe(302);
    expect(start.headers.location).toContain('zak=');
  });

  it('when a verified specialist’s email is not a user of the Zoom account, then booking and approval say so', async () => {
    const s = await s2sSpecialist(t, smtp);
    const customer = await registerUser(t.app, 'customer');
    const res = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-24T10:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'ZOOM_NOT_CONNECTED',
      details: { missingStep: 'not_in_zoom_account' },
    });
    expect(res.body.error.message).toMatch(/not a user of the Zoom account/);
    await nothingBooked(s.user.id);
    expect(await rowOf(s.user.id)).toMatchObject({
      zoomUser: null,
      zoomUserLookup: 'not_found',
      state: 'not_in_zoom_account',
      approvable: false,
    });
    const approve = await approveS2SHost(t.app, admin.token, s.user.id);
    expect(approve.status).toBe(422);
    expect(approve.body.error.code).toBe('NOT_IN_ZOOM_ACCOUNT');
  });

  it('when the approved specialist changes their email, then the approval is void; the meeting made before keeps its host and only admins start it', async () => {
    const member = sandbox.ensureUser(uniqueEmail('mover'));
    const s = await s2sSpecialist(t, smtp, { email: member.email });
    expect((await approveS2SHost(t.app, admin.token, s.user.id)).status).toBe(200);
    const customer = await registerUser(t.app, 'customer');
    const before = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-25T08:00:00Z' });
    expect(before.status).toBe(201);

    const newEmail = uniqueEmail('moved');
    sandbox.ensureUser(newEmail);
    await request(t.app)
      .patch('/api/me')
      .set('Authorization', `Bearer ${s.token}`)
      .send({ email: newEmail, currentPassword: s.password })
      .expect(200);
    // Pending, the old address is still theirs: the approval holds.
    expect((await rowOf(s.user.id)).state).toBe('approved');
    await verifyFromMail(t.app, smtp, t.container, newEmail);
    expect(await rowOf(s.user.id)).toMatchObject({ email: newEmail, state: 'awaiting_approval', approval: null });

    const after = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-25T10:00:00Z' });
    expect(after.status).toBe(422);
    expect(after.body.error.details.missingStep).toBe('admin_approval');
    // The existing meeting moves in its recorded host's calendar.
    const moved = await request(t.app)
      .post(`/api/bookings/${before.body.id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-11-25T12:00:00Z' });
    expect(moved.status).toBe(200);
    await drainJobs(t.container);
    const zoomMeeting = sandbox.meetings().find((m) => String(m.id) === before.body.meeting.zoomMeetingId)!;
    expect(zoomMeeting).toMatchObject({ host_email: member.email, start_time: '2026-11-25T12:00:00Z' });
    const start = (token: string) =>
      request(t.app).get(`/api/bookings/${before.body.id}/start`).set('Authorization', `Bearer ${token}`).redirects(0);
    const refused = await start(s.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('S2S_HOST_NOT_APPROVED');
    expect((await start(admin.token)).status).toBe(302);
  });

  it('when an admin revokes an approval, then new bookings are refused again and the specialist’s start links stop', async () => {
    const member = sandbox.ensureUser(uniqueEmail('revoked'));
    const s = await s2sSpecialist(t, smtp, { email: member.email });
    await approveS2SHost(t.app, admin.token, s.user.id).expect(200);
    const customer = await registerUser(t.app, 'customer');
    const booked = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-26T08:00:00Z' });
    expect(booked.status).toBe(201);

    const revoke = (id: string, token = admin.token) =>
      request(t.app).delete(`/api/admin/s2s-hosts/${id}/approval`).set('Authorization', `Bearer ${token}`);
    const revoked = await revoke(s.user.id);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ state: 'awaiting_approval', approvable: true, approval: null });
    expect((await revoke(s.user.id)).body).toEqual(revoked.body);
    expect(await S2SHostApprovalModel.countDocuments({ specialistId: s.user.id })).toBe(0);

    const res = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-26T10:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body.error.details.missingStep).toBe('admin_approval');
    await drainJobs(t.container);
    const mail = smtp.to(s.user.email).find((m) => m.subject === 'New booking!')!;
    const startLink = /(\/api\/bookings\/\w+\/start\?token=[\w.-]+)/.exec(mail.text!)![1]!;
    const viaMail = await request(t.app).get(startLink).redirects(0);
    expect(viaMail.status).toBe(403);
    expect(viaMail.body.error.code).toBe('S2S_HOST_NOT_APPROVED');
    expect((await revoke(customer.user.id)).status).toBe(404);
    expect((await revoke(s.user.id, s.token)).status).toBe(403);
  });

  it('when the admin lists, then it is paged and sorted by name, refuses unknown keys and other roles, and says when Zoom cannot be asked', async () => {
    const unknownSpecialist = '0123456789abcdef01234567';
    expect((await approveS2SHost(t.app, admin.token, unknownSpecialist)).status).toBe(404);
    const customer = await registerUser(t.app, 'customer');
    expect((await approveS2SHost(t.app, admin.token, customer.user.id)).status).toBe(404);
    expect((await approveS2SHost(t.app, admin.token, 'not-an-id')).status).toBe(400);

    const first = await list('?page=1&pageSize=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 2, fallbackHost: null, zoomReachable: true });
    expect(first.body.items).toHaveLength(2);
    const all = (await list('?pageSize=200')).body.items as Array<{ name: string }>;
    expect(all.map((r) => r.name)).toEqual([...all.map((r) => r.name)].sort());
    expect(first.body.total).toBe(all.length);
    const bad = await list('?state=approved');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await list('', customer.token)).status).toBe(403);
    expect((await request(t.app).get('/api/admin/s2s-hosts')).status).toBe(401);

    const s = await s2sSpecialist(t, smtp, { name: 'Zed Unreachable' });
    sandbox.inject({ route: 'GET /v2/users/:userId', status: 503, times: Infinity });
    const down = await list('?pageSize=200');
    expect(down.status).toBe(200);
    expect(down.body.zoomReachable).toBe(false);
    expect(down.body.zoomError).toEqual(expect.any(String));
    const row = (down.body.items as Array<Record<string, unknown>>).find((r) => r.specialistId === s.user.id);
    expect(row).toMatchObject({ zoomUser: null, zoomUserLookup: 'unavailable', state: 'zoom_unavailable' });
    // Approved rows need no question to Zoom.
    expect(
      (down.body.items as Array<Record<string, unknown>>).filter((r) => r.state === 'approved').length,
    ).toBeGreaterThan(0);
    const approve = await approveS2SHost(t.app, admin.token, s.user.id);
    expect(approve.status).toBe(503);
    expect(approve.body.error.code).toBe('ZOOM_UNAVAILABLE');
    // Booking refuses all the same: no approval, no shared host; the message names the step it can be sure of.
    const res = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-27T08:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body.error.details.missingStep).toBe('admin_approval');
  });
});

describe('MEETING_PROVIDER=user: there are no S2S hosts', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const t = createTestApp();
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  it('when an admin lists or approves, then 409 S2S_MODE_OFF says meetings are hosted in specialists’ own accounts', async () => {
    const admin = await createAdmin(t.container);
    const s = await registerUser(t.app, 'specialist');
    const listed = await request(t.app).get('/api/admin/s2s-hosts').set('Authorization', `Bearer ${admin.token}`);
    expect(listed.status).toBe(409);
    expect(listed.body.error.code).toBe('S2S_MODE_OFF');
    expect(listed.body.error.message).toMatch(/MEETING_PROVIDER=user/);
    expect((await approveS2SHost(t.app, admin.token, s.user.id)).body.error.code).toBe('S2S_MODE_OFF');
    expect(await S2SHostApprovalModel.countDocuments()).toBe(0);
  });
});
