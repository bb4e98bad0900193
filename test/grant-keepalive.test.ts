import request from 'supertest';
import { JobModel } from '../src/models/job.model';
import { RefreshEventModel } from '../src/models/refresh-event.model';
import { UserOAuthTokenModel } from '../src/models/user-oauth-token.model';
import { createAdmin, createTestApp, registerUser, uniqueEmail } from './support/app';
import { drainJobs } from './support/booking';
import { adminGet, DAY, grantOf, HOUR } from './support/grant-health';
import { useStack } from './support/stack';
import { connectZoom, sandboxEnv } from './support/zoom';

describe('keep-alive sweep for idle Zoom grants', () => {
  const stack = useStack({ env: { ZOOM_KEEPALIVE_AFTER_HOURS: '168', ZOOM_KEEPALIVE_EVERY_MINUTES: '60' } });
  const { clock } = stack;
  const keepalive = () => stack.container.services.grantHealth.keepalive;
  const tokenCalls = () => stack.sandbox.calls('POST /oauth/token');

  async function idleSpecialist() {
    const s = await registerUser(stack.app, 'specialist');
    await connectZoom(stack.app, s.token, uniqueEmail('zoom'));
    return s;
  }

  it('when a grant has been idle for ZOOM_KEEPALIVE_AFTER_HOURS, then the sweep refreshes it (logged as keepalive), and not before', async () => {
    const specialist = await idleSpecialist();
    const before = await grantOf(specialist.user.id);
    stack.sandbox.resetCalls();
    await keepalive().ensureScheduled();

    clock.advance(167 * HOUR);
    await drainJobs(stack.container);
    expect(tokenCalls()).toBe(0);

    clock.advance(2 * HOUR); // 169 h idle; the sweep runs hourly
    await drainJobs(stack.container);
    expect(tokenCalls()).toBe(1);
    expect(stack.sandbox.requests('POST /oauth/token')[0]!.body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: stack.container.cipher.decrypt(before!.zoomRefreshToken!),
    });
    const after = await grantOf(specialist.user.id);
    expect(after).toMatchObject({ version: before!.version + 1, needsReauth: false, refreshLeaseOwner: null });
    expect(after!.lastRefreshedAt).toEqual(clock.now());
    expect(after!.lastUsedAt).toBeNull(); // a keep-alive is not a use
    expect(after!.zoomAccessTokenExpiry!.getTime()).toBe(clock.now().getTime() + 3599_000);

    const admin = await createAdmin(stack.container);
    const log = await adminGet(stack.app, admin.token, `/api/admin/refresh-events?specialistId=${specialist.user.id}`);
    expect(log.status).toBe(200);
    expect(log.body).toEqual({
      items: [
        {
          at: clock.now().toISOString(),
          specialistId: specialist.user.id,
          trigger: 'keepalive',
          outcome: 'ok',
          durationMs: expect.any(Number),
          error: null,
          grantAgeSeconds: null,
          sinceLastRefreshSeconds: null,
        },
      ],
      page: 1,
      pageSize: 50,
      total: 1,
    });
    const session = await stack.container.services.jwt.signAccessToken({
      userId: specialist.user.id,
      role: 'specialist',
    });
    const status = await request(stack.app).get('/api/zoom/status').set('Authorization', `Bearer ${session}`);
    expect(status.body).toMatchObject({
      state: 'connected',
      lastRefreshedAt: clock.now().toISOString(),
      accessTokenExpiresAt: after!.zoomAccessTokenExpiry!.toISOString(),
    });

    // Freshly refreshed: the next sweeps leave it alone.
    clock.advance(2 * HOUR);
    await drainJobs(stack.container);
    expect(tokenCalls()).toBe(1);
  });

  it('when a specialist stays idle for 100 days, then the sweep keeps the grant alive past Zoom’s 90-day refresh-token lifetime', async () => {
    const specialist = await idleSpecialist();
    const start = clock.now().getTime();
    const before = await grantOf(specialist.user.id);
    await keepalive().ensureScheduled();
    for (let day = 1; day <= 100; day += 1) {
      clock.advance(DAY);
      await drainJobs(stack.container);
    }
    // Checked once a day, refreshed once idle for more than 168 h: on days 8, 16, … 96.
    expect((await grantOf(specialist.user.id))!.version).toBe(before!.version + 12);
    // The log keeps ZOOM_REFRESH_LOG_DAYS (30): the sweep pruned the older entries.
    const refreshes = await RefreshEventModel.find({ specialistId: specialist.user.id }).sort({ at: 1 }).lean();
    expect(refreshes.map((e) => (e.at.getTime() - start) / DAY)).toEqual([72, 80, 88, 96]);
    expect(refreshes.every((e) => e.trigger === 'keepalive' && e.outcome === 'ok')).toBe(true);
    const token = await stack.container.services.zoom.tokens.getAccessToken(specialist.user.id);
    const me = await request(stack.sandbox.url).get('/v2/users/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(200);
    expect((await grantOf(specialist.user.id))!.needsReauth).toBe(false);
  });

  it('when several grants are due at once, then their refreshes are spread over the interval, not fired together', async () => {
    // Only these three grants in the database (the tests above left theirs).
    await UserOAuthTokenModel.deleteMany({});
    const specialists = [await idleSpecialist(), await idleSpecialist(), await idleSpecialist()];
    clock.advance(8 * DAY);
    stack.sandbox.resetCalls();
    expect((await keepalive().sweep()).queued).toBe(3);
    const queued = await JobModel.find({ name: 'zoom-keepalive-grant' }).sort({ runAt: 1 }).lean();
    expect(queued.map((j) => j.runAt.getTime() - clock.now().getTime())).toEqual([0, 30_000, 60_000]);
    await stack.container.services.jobs.runDue();
    expect(tokenCalls()).toBe(1);
    clock.advance(30_000);
    await stack.container.services.jobs.runDue();
    expect(tokenCalls()).toBe(2);
    clock.advance(30_000);
    await stack.container.services.jobs.runDue();
    expect(tokenCalls()).toBe(3);
    for (const s of specialists) expect((await grantOf(s.user.id))!.lastRefreshedAt).not.toBeNull();
  });

  it('when ZOOM_KEEPALIVE_EVERY_MINUTES is 0, then no sweep job exists', async () => {
    await keepalive().ensureScheduled();
    expect(await JobModel.countDocuments({ key: 'zoom-keepalive-sweep' })).toBe(1);
    const off = createTestApp({ clock, env: { ...sandboxEnv(stack.sandbox), ZOOM_KEEPALIVE_EVERY_MINUTES: '0' } });
    await off.container.services.grantHealth.keepalive.ensureScheduled();
    expect(await JobModel.countDocuments({ key: 'zoom-keepalive-sweep' })).toBe(0);
  });
});
