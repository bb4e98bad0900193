import request from 'supertest';
import { createAdmin, registerUser, uniqueEmail } from './support/app';
import { readySpecialist } from './support/booking';
import { adminGet, bookWithPendingMeeting, grantOf, HOUR } from './support/grant-health';
import { useStack } from './support/stack';
import { connectZoom } from './support/zoom';

describe('GET /api/admin/zoom-connections', () => {
  const stack = useStack({ now: '2026-03-02T06:00:00.000Z' });
  const { clock } = stack;

  it('when specialists are in every state, then each shows with its state, counts cover all, and filters and pages work', async () => {
    // Names sort as A (connected, one pending meeting), B (needs_reauth), C (revoked), D (never).
    const a = await readySpecialist(stack.app, { name: 'A Connected' });
    const customer = await registerUser(stack.app, 'customer');
    await bookWithPendingMeeting(stack.app, stack.sandbox, customer.token, a.user.id, '2026-03-03T08:00:00Z');
    const b = await registerUser(stack.app, 'specialist', { name: 'B Dead' });
    await connectZoom(stack.app, b.token, uniqueEmail('zoom'));
    const c = await registerUser(stack.app, 'specialist', { name: 'C Disconnected' });
    await connectZoom(stack.app, c.token, uniqueEmail('zoom'));
    const d = await registerUser(stack.app, 'specialist', { name: 'D Never' });
    await registerUser(stack.app, 'customer', { name: 'Not a specialist' });
    await request(stack.app).delete('/api/zoom/connection').set('Authorization', `Bearer ${c.token}`).expect(204);
    stack.sandbox.revokeUserGrants((await grantOf(b.user.id))!.zoomUserId!);
    clock.advance(HOUR + 1000);
    await stack.container.services.zoom.tokens.getAccessToken(b.user.id).catch(() => undefined);
    const admin = await createAdmin(stack.container);

    const all = await adminGet(stack.app, admin.token, '/api/admin/zoom-connections');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      counts: { connected: 1, needs_reauth: 1, revoked: 1, never: 1 },
      page: 1,
      pageSize: 50,
      total: 4,
    });
    expect(all.body.items.map((i: { name: string; state: string }) => [i.name, i.state])).toEqual([
      ['A Connected', 'connected'],
      ['B Dead', 'needs_reauth'],
      ['C Disconnected', 'revoked'],
      ['D Never', 'never'],
    ]);
    const [rowA, rowB, , rowD] = all.body.items;
    const grantA = await grantOf(a.user.id);
    expect(rowA).toEqual({
      specialistId: a.user.id,
      name: 'A Connected',
      email: a.user.email,
      state: 'connected',
      zoomEmail: a.zoomEmail,
      authorizedAt: '2026-03-02T06:00:00.000Z',
      lastUsedAt: '2026-03-02T06:00:00.000Z',
      lastRefreshedAt: null,
      accessTokenExpiresAt: grantA!.zoomAccessTokenExpiry!.toISOString(),
      refreshErrorCount: 0,
      lastRefreshError: null,
      lastRefreshErrorAt: null,
      pendingMeetings: 1,
      reauthReason: null,
      grantAgeSeconds: null,
      sinceLastRefreshSeconds: null,
    });
    expect(rowB).toMatchObject({
      refreshErrorCount: 1,
      lastRefreshErrorAt: clock.now().toISOString(),
      reauthReason: 'invalid_grant',
      grantAgeSeconds: expect.any(Number),
      sinceLastRefreshSeconds: expect.any(Number),
    });
    expect(rowD).toEqual({
      specialistId: d.user.id,
      name: 'D Never',
      email: d.user.email,
      state: 'never',
      zoomEmail: null,
      authorizedAt: null,
      lastUsedAt: null,
      lastRefreshedAt: null,
      accessTokenExpiresAt: null,
      refreshErrorCount: 0,
      lastRefreshError: null,
      lastRefreshErrorAt: null,
      pendingMeetings: 0,
      reauthReason: null,
      grantAgeSeconds: null,
      sinceLastRefreshSeconds: null,
    });
    // Never a token, in any row.
    for (const grant of [grantA, await grantOf(b.user.id)])
      for (const sealed of [grant!.zoomAccessToken!, grant!.zoomRefreshToken!])
        expect(JSON.stringify(all.body)).not.toContain(stack.container.cipher.decrypt(sealed));

    for (const [state, name] of [
      ['connected', 'A Connected'],
      ['needs_reauth', 'B Dead'],
      ['revoked', 'C Disconnected'],
      ['never', 'D Never'],
    ]) {
      const res = await adminGet(stack.app, admin.token, `/api/admin/zoom-connections?state=${state}`);
      expect(res.body.items.map((i: { name: string }) => i.name)).toEqual([name]);
      expect(res.body.total).toBe(1);
      expect(res.body.counts).toEqual(all.body.counts);
    }

    const page2 = await adminGet(stack.app, admin.token, '/api/admin/zoom-connections?page=2&pageSize=3');
    expect(page2.body).toMatchObject({ page: 2, pageSize: 3, total: 4 });
    expect(page2.body.items.map((i: { name: string }) => i.name)).toEqual(['D Never']);
  });
});
