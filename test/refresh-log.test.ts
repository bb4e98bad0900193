import { RefreshEventModel } from '../src/models/refresh-event.model';
import { createAdmin, registerUser, uniqueEmail } from './support/app';
import { adminGet, DAY, grantOf, HOUR } from './support/grant-health';
import { useStack } from './support/stack';
import { connectZoom } from './support/zoom';

describe('the token refresh log', () => {
  const stack = useStack({ env: { ZOOM_REFRESH_LOG_DAYS: '30' } });
  const { clock } = stack;
  const tokens = () => stack.container.services.zoom.tokens;

  async function connected() {
    const s = await registerUser(stack.app, 'specialist');
    await connectZoom(stack.app, s.token, uniqueEmail('zoom'));
    stack.sandbox.resetCalls();
    return s;
  }
  const eventsOf = (specialistId: string) => RefreshEventModel.find({ specialistId }).sort({ at: 1, _id: 1 }).lean();

  it('when a valid token is handed out, then nothing is logged; when it must be refreshed, then one request entry with its duration', async () => {
    const { user } = await connected();
    clock.advance(30 * 60_000);
    await tokens().getAccessToken(user.id);
    expect(await eventsOf(user.id)).toHaveLength(0);

    clock.advance(HOUR);
    stack.sandbox.inject({ route: 'POST /oauth/token', delayMs: 120 });
    const at = clock.now();
    await tokens().getAccessToken(user.id);
    const [event, ...rest] = await eventsOf(user.id);
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({ at, trigger: 'request', outcome: 'ok', error: null });
    expect(event!.durationMs).toBeGreaterThanOrEqual(100);
  });

  it('when Zoom answers 401 to an API call, then the forced refresh is logged as rejected_token', async () => {
    const { user } = await connected();
    stack.sandbox.inject({
      route: 'GET /v2/users/me',
      status: 401,
      body: { code: 124, message: 'Invalid access token.' },
    });
    await tokens().withToken(user.id, (token) => stack.container.services.zoom.api.getMe(token));
    expect((await eventsOf(user.id)).map((e) => [e.trigger, e.outcome])).toEqual([['rejected_token', 'ok']]);
  });

  it('when the token endpoint fails or the grant is dead, then error and invalid_grant entries carry Zoom’s reason and never a token', async () => {
    const { user } = await connected();
    const grant = await grantOf(user.id);
    clock.advance(HOUR + 1000);
    stack.sandbox.inject({ route: 'POST /oauth/token', status: 503 });
    await expect(tokens().getAccessToken(user.id)).rejects.toMatchObject({ code: 'ZOOM_API_ERROR' });
    stack.sandbox.revokeUserGrants(grant!.zoomUserId!);
    clock.advance(31_000); // past ZOOM_REFRESH_FAILURE_COOLDOWN_SECONDS
    await expect(tokens().getAccessToken(user.id)).rejects.toMatchObject({ code: 'ZOOM_NOT_CONNECTED' });

    const events = await eventsOf(user.id);
    expect(events.map((e) => [e.trigger, e.outcome, e.error])).toEqual([
      ['request', 'error', 'Zoom token endpoint failed: Service Unavailable'],
      ['request', 'invalid_grant', 'Invalid Token!'],
    ]);
    const logged = JSON.stringify(await RefreshEventModel.find({}).lean());
    for (const sealed of [grant!.zoomAccessToken!, grant!.zoomRefreshToken!])
      expect(logged).not.toContain(stack.container.cipher.decrypt(sealed));
  });

  it('when an admin reads the log, then it is newest first and filters by specialist, trigger and outcome', async () => {
    const one = await connected();
    const two = await connected();
    clock.advance(HOUR + 1000);
    await tokens().getAccessToken(one.user.id);
    clock.advance(60_000);
    await tokens().getAccessToken(two.user.id);
    clock.advance(HOUR + 1000);
    stack.sandbox.inject({ route: 'POST /oauth/token', status: 500 });
    await tokens()
      .getAccessToken(one.user.id)
      .catch(() => undefined);
    const admin = await createAdmin(stack.container);

    const mine = await adminGet(stack.app, admin.token, `/api/admin/refresh-events?specialistId=${one.user.id}`);
    expect(mine.body.items.map((e: { outcome: string }) => e.outcome)).toEqual(['error', 'ok']);
    const at = mine.body.items.map((e: { at: string }) => Date.parse(e.at));
    expect(at[0]).toBeGreaterThan(at[1]);
    const failed = await adminGet(stack.app, admin.token, '/api/admin/refresh-events?outcome=error&trigger=request');
    expect(failed.body.items.map((e: { specialistId: string }) => e.specialistId)).toContain(one.user.id);
    expect(failed.body.items.every((e: { outcome: string }) => e.outcome === 'error')).toBe(true);
    const page = await adminGet(
      stack.app,
      admin.token,
      `/api/admin/refresh-events?specialistId=${one.user.id}&pageSize=1&page=2`,
    );
    expect(page.body).toMatchObject({ page: 2, pageSize: 1, total: 2, items: [{ outcome: 'ok' }] });
  });

  it('when entries are older than ZOOM_REFRESH_LOG_DAYS, then the sweep deletes them and keeps the rest', async () => {
    const { user } = await connected();
    clock.advance(HOUR + 1000);
    await tokens().getAccessToken(user.id);
    clock.advance(20 * DAY);
    await tokens().getAccessToken(user.id);
    expect(await eventsOf(user.id)).toHaveLength(2);

    clock.advance(11 * DAY); // the first entry is now 31 days old, the second 11
    const { pruned } = await stack.container.services.grantHealth.keepalive.sweep();
    expect(pruned).toBeGreaterThanOrEqual(1);
    const left = await eventsOf(user.id);
    expect(left.map((e) => Math.round((clock.now().getTime() - e.at.getTime()) / DAY))).toEqual([11]);
  });
});
