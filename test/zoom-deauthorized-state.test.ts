import request from 'supertest';
import { createAdmin, registerUser } from './support/app';
import { drainJobs, readySpecialist } from './support/booking';
import { adminGet, bookWithPendingMeeting, grantOf, sendDeauthorized } from './support/grant-health';
import { useStack } from './support/stack';

describe('app_deauthorized from Zoom', () => {
  const stack = useStack({ now: '2026-03-02T06:00:00.000Z' });
  const { clock } = stack;

  it('when Zoom says the app was removed, then the connection is revoked everywhere and the specialist is mailed once with the pending booking', async () => {
    const specialist = await readySpecialist(stack.app, { name: 'Dana Deauth' });
    const customer = await registerUser(stack.app, 'customer', { name: 'Cleo Customer' });
    await bookWithPendingMeeting(stack.app, stack.sandbox, customer.token, specialist.user.id, '2026-03-03T08:00:00Z');
    await drainJobs(stack.container);
    const mailsBefore = stack.smtp.to(specialist.user.email).length;
    const zoomUserId = (await grantOf(specialist.user.id))!.zoomUserId!;

    for (let i = 0; i < 2; i += 1) expect((await sendDeauthorized(stack.app, clock, zoomUserId)).status).toBe(200);
    await drainJobs(stack.container);

    const status = await request(stack.app).get('/api/zoom/status').set('Authorization', `Bearer ${specialist.token}`);
    expect(status.body).toEqual({
      connected: false,
      zoomEmail: null,
      zoomUserId: null,
      authorizedAt: null,
      lastUsedAt: null,
      needsReauth: false,
      state: 'revoked',
      lastRefreshedAt: null,
      accessTokenExpiresAt: null,
      accountChange: null,
    });
    const mails = stack.smtp.to(specialist.user.email).slice(mailsBefore);
    expect(mails.map((m) => m.subject)).toEqual(['Please reconnect your Zoom account']);
    expect(mails[0]!.text).toContain('This upcoming booking is waiting for a Zoom meeting:');
    expect(mails[0]!.text).toContain(
      '• Tuesday, 3 March 2026, 09:00–10:00 (Europe/Berlin) with Cleo Customer (CV review)',
    );

    const admin = await createAdmin(stack.container);
    const revoked = await adminGet(stack.app, admin.token, '/api/admin/zoom-connections?state=revoked');
    expect(revoked.body.counts).toMatchObject({ connected: 0, revoked: 1 });
    expect(revoked.body.items).toEqual([
      expect.objectContaining({
        specialistId: specialist.user.id,
        state: 'revoked',
        zoomEmail: specialist.zoomEmail,
        accessTokenExpiresAt: null,
        pendingMeetings: 1,
      }),
    ]);
    const connected = await adminGet(stack.app, admin.token, '/api/admin/zoom-connections?state=connected');
    expect(connected.body).toMatchObject({ items: [], total: 0 });
  });
});
