import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { createAdmin, registerUser } from './support/app';
import { drainJobs, readySpecialist } from './support/booking';
import { adminGet, bookWithPendingMeeting, DAY, grantOf, HOUR } from './support/grant-health';
import { useStack } from './support/stack';
import { connectZoom } from './support/zoom';

describe('a grant revoked at Zoom, found by the keep-alive sweep', () => {
  const stack = useStack({ now: '2026-03-02T06:00:00.000Z', env: { ZOOM_KEEPALIVE_AFTER_HOURS: '168' } });
  const { clock } = stack;

  it('when the sweep finds the grant dead, then needs_reauth, one mail listing the pending bookings, and the admin API shows it', async () => {
    const specialist = await readySpecialist(stack.app, { name: 'Sam Specialist' });
    const customer = await registerUser(stack.app, 'customer', { name: 'Cleo Customer' });
    // Two bookings ten days ahead whose meetings wait (Zoom said "later"), then the specialist removes access at Zoom.
    const first = await bookWithPendingMeeting(
      stack.app,
      stack.sandbox,
      customer.token,
      specialist.user.id,
      '2026-03-12T08:00:00Z',
    );
    const second = await bookWithPendingMeeting(
      stack.app,
      stack.sandbox,
      customer.token,
      specialist.user.id,
      '2026-03-12T10:00:00Z',
    );
    const zoomUserId = (await grantOf(specialist.user.id))!.zoomUserId!;
    stack.sandbox.revokeUserGrants(zoomUserId);
    await drainJobs(stack.container); // the booking mails
    const mailsBefore = stack.smtp.to(specialist.user.email).length;
    stack.sandbox.resetCalls();

    clock.advance(8 * DAY);
    await stack.container.services.grantHealth.keepalive.ensureScheduled();
    await drainJobs(stack.container);

    expect(stack.sandbox.calls('POST /oauth/token')).toBe(1);
    const grant = await grantOf(specialist.user.id);
    expect(grant).toMatchObject({ needsReauth: true, isRevoked: false, refreshErrorCount: 1 });
    expect(grant!.lastRefreshErrorAt).toEqual(clock.now());

    const mails = stack.smtp.to(specialist.user.email).slice(mailsBefore);
    expect(mails.map((m) => m.subject)).toEqual(['Please reconnect your Zoom account']);
    const text = mails[0]!.text!;
    expect(text).toContain('Reconnect Zoom: http://frontend.test/specialist/profile?zoom=reconnect');
    expect(text).toContain('These 2 upcoming bookings are waiting for a Zoom meeting:');
    // In the specialist's zone (Berlin, UTC+1 in March).
    expect(text).toContain('• Thursday, 12 March 2026, 09:00–10:00 (Europe/Berlin) with Cleo Customer (CV review)');
    expect(text).toContain('• Thursday, 12 March 2026, 11:00–12:00 (Europe/Berlin) with Cleo Customer (CV review)');

    const admin = await createAdmin(stack.container);
    const view = await adminGet(stack.app, admin.token, '/api/admin/zoom-connections?state=needs_reauth');
    expect(view.status).toBe(200);
    expect(view.body.total).toBe(1);
    expect(view.body.counts).toEqual({ connected: 0, needs_reauth: 1, revoked: 0, never: 0 });
    expect(view.body.items).toEqual([
      {
        specialistId: specialist.user.id,
        name: 'Sam Specialist',
        email: specialist.user.email,
        state: 'needs_reauth',
        zoomEmail: specialist.zoomEmail,
        authorizedAt: '2026-03-02T06:00:00.000Z',
        lastUsedAt: expect.any(String),
        lastRefreshedAt: null,
        accessTokenExpiresAt: grant!.zoomAccessTokenExpiry!.toISOString(),
        refreshErrorCount: 1,
        lastRefreshError: 'Zoom refused the grant: Invalid Token!',
        lastRefreshErrorAt: clock.now().toISOString(),
        pendingMeetings: 2,
        reauthReason: 'invalid_grant',
        grantAgeSeconds: 8 * 24 * 3600,
        sinceLastRefreshSeconds: 8 * 24 * 3600,
      },
    ]);
    const log = await adminGet(stack.app, admin.token, '/api/admin/refresh-events?outcome=invalid_grant');
    expect(log.body.items).toEqual([
      expect.objectContaining({ specialistId: specialist.user.id, trigger: 'keepalive', error: 'Invalid Token!' }),
    ]);

    // Later sweeps leave a dead grant alone: no second call, no second mail.
    clock.advance(3 * HOUR);
    await drainJobs(stack.container);
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(1);
    expect(stack.smtp.to(specialist.user.email).slice(mailsBefore)).toHaveLength(1);

    // Reconnecting retries the waiting meetings at once.
    const session = await stack.container.services.jwt.signAccessToken({
      userId: specialist.user.id,
      role: 'specialist',
    });
    await connectZoom(stack.app, session, specialist.zoomEmail);
    await drainJobs(stack.container);
    const bookings = await BookingModel.find({ _id: { $in: [first.id, second.id] } }).lean();
    expect(bookings.map((b) => b.meeting.status)).toEqual(['created', 'created']);
    const status = await request(stack.app).get('/api/zoom/status').set('Authorization', `Bearer ${session}`);
    expect(status.body.state).toBe('connected');
  });
});
