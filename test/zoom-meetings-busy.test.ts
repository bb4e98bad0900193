import request from 'supertest';
import { createTestApp, registerUser } from './support/app';
import { s2sEnv, SANDBOX_S2S_APP } from './support/s2s';
import { BERLIN_WEEKDAYS, book, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { ZoomBusyModel } from '../src/models/zoom-busy.model';

describe('the host’s own Zoom meetings count as busy', () => {
  const stack = useStack({ now: '2026-10-19T06:00:00Z' });
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const slotStarts = async (id: string) =>
    (await request(stack.app).get(`/api/specialists/${id}/slots?from=2026-10-20&to=2026-10-20`)).body.slots.map(
      (x: { start: string }) => x.start,
    );

  it('when the specialist has a Zoom meeting made outside the platform, then its slot is blocked (not our own meetings), fails closed, and the switch turns it off', async () => {
    const s = await readySpecialist(stack.app);
    const customer = await registerUser(stack.app, 'customer');
    // Our own booking at 14:00 Berlin: its meeting must not count as "other" busy time.
    const ours = await book(stack.app, customer.token, { specialistId: s.user.id, start: '2026-10-20T12:00:00Z' });
    expect(ours.status).toBe(201);
    // A meeting the specialist made in Zoom itself, 10:00–11:00 Berlin.
    const { zoom } = stack.container.services;
    await zoom.tokens.withToken(s.user.id, (tk) =>
      zoom.api.createMeeting(tk, 'me', {
        topic: 'Dentist follow-up',
        type: 2,
        start_time: '2026-10-20T08:00:00Z',
        duration: 60,
        timezone: 'UTC',
      }),
    );
    expect(await slotStarts(s.user.id)).toContain('2026-10-20T08:00:00.000Z'); // not yet synced

    await stack.container.services.zoomBusy.sync(s.user.id);
    const after = await slotStarts(s.user.id);
    expect(after).not.toContain('2026-10-20T08:00:00.000Z');
    expect(after).toContain('2026-10-20T10:00:00.000Z');
    const stored = await ZoomBusyModel.findOne({ specialistId: s.user.id }).lean();
    expect(stored!.busy).toEqual([{ start: new Date('2026-10-20T08:00:00Z'), end: new Date('2026-10-20T09:00:00Z') }]);
    const refused = await book(stack.app, customer.token, { specialistId: s.user.id, start: '2026-10-20T08:00:00Z' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CALENDAR_BUSY');

    // Zoom failing: the last good copy keeps blocking and the error is kept.
    stack.sandbox.inject({ route: 'GET /v2/users/:userId/meetings', status: 500, times: Infinity });
    await stack.container.services.zoomBusy.sync(s.user.id);
    const failed = await ZoomBusyModel.findOne({ specialistId: s.user.id }).lean();
    expect(failed!.lastError).toBeTruthy();
    expect(failed!.busy).toHaveLength(1);
    expect(await slotStarts(s.user.id)).not.toContain('2026-10-20T08:00:00.000Z');
    stack.sandbox.clearFaults();

    // Off in the availability settings: the meeting no longer blocks.
    const off = await request(stack.app)
      .put('/api/specialists/me/availability')
      .set(as(s.token))
      .send({ ...BERLIN_WEEKDAYS, zoomMeetingsBusy: false });
    expect(off.status).toBe(200);
    expect(off.body.zoomMeetingsBusy).toBe(false);
    expect(await slotStarts(s.user.id)).toContain('2026-10-20T08:00:00.000Z');
    const settings = await request(stack.app).get('/api/specialists/me/availability').set(as(s.token));
    expect(settings.body.zoomMeetingsBusy).toBe(false);
  });

  it('when reading the Zoom meetings keeps failing for days, then the time past the last good read counts as busy until a read succeeds', async () => {
    const s = await readySpecialist(stack.app);
    await stack.container.services.zoomBusy.sync(s.user.id);
    const horizonEnd = '2026-11-19'; // within 30 days of 21 Oct, past what the read of 19 Oct covered (19 Nov 06:00Z)
    const later = async () =>
      (await request(stack.app).get(`/api/specialists/${s.user.id}/slots?from=${horizonEnd}&to=${horizonEnd}`)).body
        .slots;
    stack.sandbox.inject({ route: 'GET /v2/users/:userId/meetings', status: 500, times: Infinity });
    stack.clock.advance(2 * 86_400_000);
    await stack.container.services.zoomBusy.sync(s.user.id);
    expect(await later()).toEqual([]);
    stack.sandbox.clearFaults();
    await stack.container.services.zoomBusy.sync(s.user.id);
    expect((await later()).length).toBeGreaterThan(0);
  });

  it('when the server moves to S2S mode, then copies of the hosts’ own Zoom meetings from before are dropped and block nothing', async () => {
    const s = await readySpecialist(stack.app);
    await stack.container.services.zoomBusy.sync(s.user.id);
    expect(await ZoomBusyModel.countDocuments({ specialistId: s.user.id })).toBe(1);
    stack.clock.advance(2 * 86_400_000);
    const s2s = createTestApp({
      clock: stack.clock,
      env: { ...s2sEnv(stack.sandbox, SANDBOX_S2S_APP), MEETING_PROVIDER: 's2s' },
    });
    await s2s.container.services.zoomBusy.ensureScheduled();
    expect(await ZoomBusyModel.countDocuments({})).toBe(0);
    const day = '2026-11-19'; // past what the user-managed read covered
    const slots = await request(stack.app).get(`/api/specialists/${s.user.id}/slots?from=${day}&to=${day}`);
    expect(slots.body.slots.length).toBeGreaterThan(0);
  });

  it('when reading the Zoom meetings fails, then the calendars list shows the error and its age, and stale after the stale hours', async () => {
    const s = await readySpecialist(stack.app);
    const list = async () => {
      // A fresh token: the clock moves past the first one's lifetime.
      const token = await stack.container.services.jwt.signAccessToken({ userId: s.user.id, role: 'specialist' });
      const res = await request(stack.app).get('/api/specialists/me/calendars').set(as(token));
      expect(res.status).toBe(200);
      return res.body.zoomMeetings;
    };
    expect(await list()).toBeNull(); // never read yet
    await stack.container.services.zoomBusy.sync(s.user.id);
    expect(await list()).toEqual({
      lastSyncAt: '2026-10-19T06:00:00.000Z',
      lastError: null,
      lastErrorAt: null,
      stale: false,
    });
    stack.sandbox.inject({ route: 'GET /v2/users/:userId/meetings', status: 500, times: Infinity });
    stack.clock.advance(25 * 3_600_000);
    await stack.container.services.zoomBusy.sync(s.user.id);
    stack.sandbox.clearFaults();
    expect(await list()).toEqual({
      lastSyncAt: '2026-10-19T06:00:00.000Z',
      lastError: expect.any(String),
      lastErrorAt: '2026-10-20T07:00:00.000Z',
      stale: true,
    });
  });
});
