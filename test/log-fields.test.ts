import { Writable } from 'node:stream';
import { createLogger } from '../src/lib/logger';
import { BookingModel } from '../src/models/booking.model';
import { UserOAuthTokenModel } from '../src/models/user-oauth-token.model';
import { ManualClock } from '../src/lib/clock';
import { createSmtpTransport } from '../src/services/mail/mail-transport';
import { createTestApp, registerUser, type TestApp } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useTestDatabase } from './support/database';
import { startTestSmtp, type TestSmtp } from './support/smtp';
import { waitFor } from './support/wait';
import { sandboxEnv, startTestSandbox } from './support/zoom';
import type { ZoomSandbox } from '../src/zoom-sandbox/zoom-sandbox';

describe('log lines an operator can search (README "Runbook")', () => {
  const clock = new ManualClock('2026-11-23T08:00:00.000Z');
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  let sandbox: ZoomSandbox;
  let smtp: TestSmtp;
  let t: TestApp;
  beforeAll(async () => {
    db = await useTestDatabase();
    sandbox = await startTestSandbox(clock);
    smtp = await startTestSmtp();
    t = createTestApp({
      clock,
      env: sandboxEnv(sandbox),
      logger: createLogger('info', sink),
      mailTransport: createSmtpTransport(smtp.url),
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await smtp.close();
    await db.drop();
  });
  const logged = (msg: string) => lines.filter((l) => l.msg === msg);

  it('when a meeting, a mail and a job fail, then their lines carry bookingId, specialistId, mailId and job', async () => {
    const specialist = await readySpecialist(t.app);
    const customer = await registerUser(t.app, 'customer');
    sandbox.inject({ route: 'POST /v2/users/:userId/meetings', status: 503, times: 1 });
    smtp.setRefusing(true);
    const res = await book(t.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' });
    const bookingId = res.body.id as string;
    expect(logged('Zoom meeting creation failed')).toEqual([
      expect.objectContaining({ bookingId, specialistId: specialist.user.id }),
    ]);

    clock.advance(60_000);
    await drainJobs(t.container); // the meeting is made; the confirmations cannot be sent
    // Every failed mail names itself; the booking's two confirmations also name their booking (account mails, such
    // as the sign-ups' verification mails failing alongside, are about no booking).
    const mailLines = logged('Mail delivery failed');
    for (const line of mailLines) expect(line).toEqual(expect.objectContaining({ mailId: expect.any(String) }));
    expect(mailLines.filter((line) => line.bookingId === bookingId).length).toBeGreaterThanOrEqual(2);

    t.container.services.jobs.define('test-failing-job', async () => {
      throw new Error('boom');
    });
    await t.container.services.jobs.schedule(
      'test-failing-job',
      `test-failing-job:${bookingId}`,
      { bookingId },
      clock.now(),
    );
    await t.container.services.jobs.runDue();
    expect(logged('Job failed; retrying later')).toEqual([
      expect.objectContaining({
        job: 'test-failing-job',
        key: `test-failing-job:${bookingId}`,
        bookingId,
        err: 'boom',
      }),
    ]);
    smtp.setRefusing(false);
  });
  it('when a token refresh fails without invalid_grant, then a line names the specialist, the outcome and Zoom’s reason, never a token', async () => {
    const specialist = await readySpecialist(t.app);
    const grant = (await UserOAuthTokenModel.findOne({ userId: specialist.user.id }).lean())!;
    const secrets = [grant.zoomAccessToken!, grant.zoomRefreshToken!].map((v) => t.container.cipher.decrypt(v));
    clock.advance(2 * 3600_000); // the access token has expired: the next use refreshes
    sandbox.inject({
      route: 'POST /oauth/token',
      status: 503,
      body: { reason: 'Service temporarily unavailable', error: 'server_error' },
    });
    await expect(t.container.services.zoom.tokens.getAccessToken(specialist.user.id)).rejects.toThrow();
    const [line, ...more] = logged('Zoom token refresh failed');
    expect(more).toEqual([]);
    expect(line).toEqual(
      expect.objectContaining({
        specialistId: specialist.user.id,
        trigger: 'request',
        outcome: 'error',
        zoomStatus: 503,
        reason: expect.stringContaining('Service temporarily unavailable'),
      }),
    );
    for (const secret of secrets) expect(JSON.stringify(line)).not.toContain(secret);
  });

  it('when a repair’s spare meeting cannot be removed, then the line names the booking and the specialist', async () => {
    const specialist = await readySpecialist(t.app);
    const customer = await registerUser(t.app, 'customer');
    const res = await book(t.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-25T08:00:00Z' });
    const bookingId = res.body.id as string;
    sandbox.hostDeleteMeeting(res.body.meeting.zoomMeetingId);
    // While Zoom makes the new meeting the booking changes, so the new one is a spare; Zoom then refuses its delete.
    const creates = sandbox.calls('POST /v2/users/:userId/meetings');
    sandbox.inject({ route: 'POST /v2/users/:userId/meetings', delayMs: 300 });
    sandbox.inject({ route: 'DELETE /v2/meetings/:meetingId', status: 503 });
    const repair = t.container.services.meetingRepair.repair(bookingId, 'webhook');
    await waitFor(() => sandbox.calls('POST /v2/users/:userId/meetings') > creates);
    await BookingModel.updateOne({ _id: bookingId }, { $inc: { sequence: 1 } });
    await repair;
    expect(logged('Could not remove a spare; its job retries')).toEqual([
      expect.objectContaining({ bookingId, specialistId: specialist.user.id, meetingId: expect.any(String) }),
    ]);
  });
});
