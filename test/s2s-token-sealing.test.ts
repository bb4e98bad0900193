import { ManualClock } from '../src/lib/clock';
import type { RedisClient } from '../src/db/redis';
import { createTokenCipher } from '../src/lib/token-cipher';
import type { ZoomSandbox } from '../src/zoom-sandbox/zoom-sandbox';
import { buildS2STokenService, s2sKey, uniqueS2SApp, type S2SApp } from './support/s2s';
import { connectTestRedis, deleteKeys, describeRedis } from './support/redis';
import { startTestSandbox } from './support/zoom';

const clock = new ManualClock();
const cipher = createTokenCipher(Buffer.alloc(32, 7));

describeRedis('S2S token in Redis: sealed, and written only by the lock owner', () => {
  let redis: RedisClient;
  let sandbox: ZoomSandbox;
  let app: S2SApp;
  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterAll(() => redis?.close());
  beforeEach(async () => {
    app = uniqueS2SApp();
    sandbox = await startTestSandbox(clock, { s2sApps: [app] });
  });
  afterEach(async () => {
    await deleteKeys(redis, s2sKey(app));
    await sandbox.close();
  });

  it('when the token is cached, then Redis holds it sealed (no token in a dump) and another instance with the key reads it', async () => {
    const a = buildS2STokenService({ sandbox, app, clock, redis, cipher });
    const token = await a.s2s.getAccessToken();
    const raw = (await redis.get(s2sKey(app)))!;
    expect(raw).toMatch(/^v2\./);
    expect(raw).not.toContain(token);
    const b = buildS2STokenService({ sandbox, app, clock, redis, cipher });
    expect(await b.s2s.getAccessToken()).toBe(token);
    expect(sandbox.calls('POST /oauth/token')).toBe(1);
    // A value sealed for another cache key, or left in plain JSON, is not taken: a new token is fetched.
    const foreign = cipher.encrypt(JSON.stringify({ accessToken: 'planted', expiresAt: new Date().toISOString() }), {
      record: 'zoom:s2s:token:another:app',
      field: 'accessToken',
    });
    for (const planted of [foreign, JSON.stringify({ accessToken: 'planted', expiresAt: new Date().toISOString() })]) {
      await redis.set(s2sKey(app), planted, { expiration: { type: 'EX', value: 600 } });
      const c = buildS2STokenService({ sandbox, app, clock, redis, cipher });
      expect(await c.s2s.getAccessToken()).not.toBe('planted');
    }
    expect(sandbox.calls('POST /oauth/token')).toBe(3);
  });

  it('when a slow holder’s lock lapses and another instance stores a newer token, then the slow holder’s answer does not overwrite it', async () => {
    // A's token call takes 1.2 s; its lock lasts 300 ms. B takes the lock once it lapses and stores its token first.
    sandbox.inject({ route: 'POST /oauth/token', delayMs: 1200 });
    const slow = buildS2STokenService({ sandbox, app, clock, redis, cipher, lockTtlMs: 300 });
    const fast = buildS2STokenService({ sandbox, app, clock, redis, cipher });
    const slowToken = slow.s2s.getAccessToken();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fastToken = await fast.s2s.getAccessToken();
    expect(await slowToken).not.toBe(fastToken);
    const shared = JSON.parse(
      cipher.decrypt((await redis.get(s2sKey(app)))!, { record: s2sKey(app), field: 'accessToken' }),
    );
    expect(shared.accessToken).toBe(fastToken);
    expect(slow.logs.join('\n')).toContain('outlived its lock');
    expect(sandbox.calls('POST /oauth/token')).toBe(2);
  });
});
