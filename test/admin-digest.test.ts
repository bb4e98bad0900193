import request from 'supertest';
import { AdminDigestModel } from '../src/models/admin-digest.model';
import { createAdmin, createTestApp, registerUser } from './support/app';
import { drainJobs, readySpecialist } from './support/booking';
import { bookWithPendingMeeting, DAY, grantOf, HOUR } from './support/grant-health';
import { useStack } from './support/stack';
import { sandboxEnv } from './support/zoom';

const DIGEST = /^Zoom connections digest: /;

describe('daily admin digest (ADMIN_DIGEST_HOUR_UTC=7)', () => {
  const stack = useStack();
  const { clock } = stack;
  const digest = () => stack.container.services.grantHealth.digest;
  const digestsTo = (email: string) => stack.smtp.to(email).filter((m) => DIGEST.test(m.subject ?? ''));

  it('when everything is healthy, then no digest is mailed', async () => {
    clock.set('2026-03-02T05:00:00.000Z');
    const admin = await createAdmin(stack.container);
    await readySpecialist(stack.app);
    await digest().ensureScheduled();
    await drainJobs(stack.container);
    expect(await AdminDigestModel.countDocuments()).toBe(0); // 05:00: not yet

    clock.set('2026-03-02T07:00:00.000Z');
    await drainJobs(stack.container);
    expect(await AdminDigestModel.findOne({ day: '2026-03-02' }).lean()).toMatchObject({ mailed: false });
    expect(digestsTo(admin.user.email)).toHaveLength(0);
  });

  it('when a grant is dead, another is disconnected with a meeting waiting, a meeting is pending and a refresh failed, then every admin gets one digest a day, from any number of instances', async () => {
    clock.set('2026-03-04T05:00:00.000Z');
    const admins = [await createAdmin(stack.container), await createAdmin(stack.container)];
    const specialist = await readySpecialist(stack.app, { name: 'Rita Revoked' });
    const customer = await registerUser(stack.app, 'customer');
    await bookWithPendingMeeting(stack.app, stack.sandbox, customer.token, specialist.user.id, '2026-03-04T10:00:00Z');
    // Another specialist disconnects while a booking two days ahead still waits for its meeting.
    const dora = await readySpecialist(stack.app, { name: 'Dora Disconnected' });
    await bookWithPendingMeeting(stack.app, stack.sandbox, customer.token, dora.user.id, '2026-03-06T08:00:00Z');
    await request(stack.app).delete('/api/zoom/connection').set('Authorization', `Bearer ${dora.token}`).expect(204);
    stack.sandbox.revokeUserGrants((await grantOf(specialist.user.id))!.zoomUserId!);
    clock.advance(HOUR + 1000);
    await expect(stack.container.services.zoom.tokens.getAccessToken(specialist.user.id)).rejects.toMatchObject({
      code: 'ZOOM_NOT_CONNECTED',
    });
    await drainJobs(stack.container);

    // Two instances' digest jobs both due at 07:00.
    const other = createTestApp({ clock, env: sandboxEnv(stack.sandbox) });
    await digest().ensureScheduled();
    clock.set('2026-03-04T07:00:00.000Z');
    await Promise.all([drainJobs(stack.container), other.container.services.grantHealth.digest.runIfDue()]);
    await drainJobs(stack.container);
    clock.set('2026-03-04T12:00:00.000Z');
    await drainJobs(stack.container);

    for (const admin of admins) {
      const mails = digestsTo(admin.user.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe(
        'Zoom connections digest: Connections needing attention (2), ' +
          'Meetings failed or pending within 24 hours (1), Token refresh failures in the last day (1)',
      );
      const text = mails[0]!.text!;
      expect(text).toContain(
        `Rita Revoked <${specialist.user.email}>: needs reconnect, invalid_grant: Zoom refused the refresh token (Zoom said:`,
      );
      expect(text).toContain('1 meeting(s) waiting');
      expect(text).toContain(`Dora Disconnected <${dora.user.email}>: disconnected, 1 meeting(s) waiting`);
      expect(text).toContain(
        `2026-03-04 10:00 UTC, Rita Revoked <${specialist.user.email}>: meeting pending (Zoom rate limit`,
      );
      expect(text).toContain('invalid_grant (Invalid Token!, request)');
      expect(text).toContain('Open the admin page: http://frontend.test/admin');
    }

    // The next day's digest still has the dead grant to report: one more each.
    clock.set('2026-03-05T07:00:00.000Z');
    await drainJobs(stack.container);
    await drainJobs(stack.container);
    for (const admin of admins) expect(digestsTo(admin.user.email)).toHaveLength(2);
    expect(await AdminDigestModel.find({ mailed: true }).countDocuments()).toBe(2);
    clock.advance(DAY - HOUR);
    await drainJobs(stack.container);
    for (const admin of admins) expect(digestsTo(admin.user.email)).toHaveLength(2);
  });
});
