import request from 'supertest';
import { ManualClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import { BookingClaimModel } from '../src/models/booking-claim.model';
import { BookingModel } from '../src/models/booking.model';
import type { ZoomSandbox } from '../src/zoom-sandbox/zoom-sandbox';
import { createTestApp, registerUser, testConfig } from './support/app';
import { BERLIN_WEEKDAYS, book } from './support/booking';
import { useTestDatabase } from './support/database';
import { s2sEnv, SANDBOX_S2S_APP } from './support/s2s';
import { startTestSandbox } from './support/zoom';

const NOW = '2026-11-23T08:00:00.000Z';

describe('MEETING_PROVIDER=s2s without ZOOM_S2S_HOST_USER: honest refusals at booking time', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  let sandbox: ZoomSandbox;
  let t: ReturnType<typeof createTestApp>;
  const logs: string[] = [];
  const clock = new ManualClock(NOW);

  beforeAll(async () => {
    db = await useTestDatabase();
    sandbox = await startTestSandbox(clock);
    const config = testConfig({ ...s2sEnv(sandbox, SANDBOX_S2S_APP), MEETING_PROVIDER: 's2s', LOG_LEVEL: 'warn' });
    t = createTestApp({
      clock,
      config,
      logger: createLogger('warn', { write: (line: string) => void logs.push(line) }),
    });
  });
  afterAll(async () => {
    await sandbox.close();
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

  it('when the app starts in s2s mode without a fallback host, then it warns once, naming ZOOM_S2S_HOST_USER', () => {
    const warnings = logs.filter((l) => l.includes('ZOOM_S2S_HOST_USER'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40 });
  });

  it('when the specialist cannot host yet, then the booking is refused with 422 naming the missing step and the setting, and nothing is kept', async () => {
    // A member of the account's email, unverified: before, they were hosted as that member.
    sandbox.ensureUser('member.host@example.com');
    const s = await specialist('member.host@example.com');
    const customer = await registerUser(t.app, 'customer');
    sandbox.resetCalls();
    const res = await book(t.app, customer.token, { specialistId: s.user.id, start: '2026-11-24T08:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ZOOM_NOT_CONNECTED');
    expect(res.body.error.details).toEqual({ missingStep: 'verify_email' });
    expect(res.body.error.message).toContain('ZOOM_S2S_HOST_USER');
    expect(sandbox.calls('POST /v2/users/:userId/meetings')).toBe(0);
    expect(await BookingModel.countDocuments({ specialistId: s.user.id })).toBe(0);
    expect(await BookingClaimModel.countDocuments({ specialistId: s.user.id })).toBe(0);
  });
});
