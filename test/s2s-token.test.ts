import request from 'supertest';
import { ManualClock } from '../src/lib/clock';
import type { RedisClient } from '../src/db/redis';
import type { ZoomSandbox } from '../src/zoom-sandbox/zoom-sandbox';
import { buildS2STokenService, s2sKey, uniqueS2SApp, type S2SApp } from './support/s2s';
import { waitFor } from './support/wait';
import { connectTestRedis, deleteKeys, describeRedis, startRedisProxy } from './support/redis';
import { startTestSandbox } from './support/zoom';

const clock = new ManualClock();
const MARGIN_MS = 300_000;

const build = (sandbox: ZoomSandbox, app: S2SApp | undefined, redis?: RedisClient) =>
  buildS2STokenService({ sandbox, app, clock, redis });

const tokenCalls = (sandbox: ZoomSandbox) => sandbox.calls('POST /oauth/token');

describe('S2S token without Redis: the in-process cache', () => {
  let sandbox: ZoomSandbox;
  let app: S2SApp;
  beforeEach(async () => {
    app = uniqueS2SApp();
    sandbox = await startTestSandbox(clock, { s2sApps: [app] });
  });
  afterEach(() => sandbox.close());

  it('when the cache is cold, then one account_credentials call is made and the token is reused until expires_in minus the margin', async () => {
    const { s2s, logs } = build(sandbox, app);
    const token = await s2s.getAccessToken();
    expect(tokenCalls(sandbox)).toBe(1);
    const [sent] = sandbox.requests('POST /oauth/token');
    expect(sent!.body).toEqual({ grant_type: 'account_credentials', account_id: app.accountId });
    expect(sent!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
    );
    expect((await request(sandbox.url).get('/v2/users').set('Authorization', `Bearer ${token}`)).status).toBe(200);

    clock.advance(3599_000 - MARGIN_MS - 1000);
    expect(await s2s.getAccessToken()).toBe(token);
    expect(tokenCalls(sandbox)).toBe(1);
    clock.advance(2000);
    expect(await s2s.getAccessToken()).not.toBe(token);
    expect(tokenCalls(sandbox)).toBe(2);
    expect(logs.join('\n')).toContain('Fetched a Zoom S2S access token');
    expect(logs.join('\n')).not.toContain(token);
    expect(logs.join('\n')).not.toContain(app.clientSecret);
  });

  it('when 50 callers ask on a cold cache, then exactly one token call is made and all get the same token', async () => {
    const { s2s } = build(sandbox, app);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => s2s.getAccessToken()));
    expect(tokenCalls(sandbox)).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('when Zoom answers 401, then the token is dropped, one new token fetched and the call retried once', async () => {
    const { s2s, api } = build(sandbox, app);
    sandbox.ensureUser('host@example.com');
    const first = await s2s.getAccessToken();
    sandbox.inject({ route: 'GET /v2/users', status: 401, body: { code: 124, message: 'Invalid access token.' } });
    const list = await s2s.withToken((token) => api.listUsers(token));
    expect(list.users.map((u) => u.email)).toEqual(['host@example.com']);
    expect(tokenCalls(sandbox)).toBe(2);
    const auth = sandbox.requests('GET /v2/users').map((r) => r.headers.authorization);
    expect(auth).toEqual([`Bearer ${first}`, `Bearer ${await s2s.getAccessToken()}`]);
    expect(auth[1]).not.toBe(auth[0]);
  });

  it('when Zoom rejects the new token too, then that rejection surfaces instead of a loop', async () => {
    const { s2s, api } = build(sandbox, app);
    sandbox.inject({ route: 'GET /v2/users', status: 401, times: 2 });
    await expect(s2s.withToken((token) => api.listUsers(token))).rejects.toMatchObject({ code: 'ZOOM_TOKEN_REJECTED' });
    expect(tokenCalls(sandbox)).toBe(2);
    expect(sandbox.calls('GET /v2/users')).toBe(2);
  });

  it('when S2S is not configured, then asking for a token is a 503 ZOOM_S2S_NOT_CONFIGURED and Zoom is not called', async () => {
    const { s2s } = build(sandbox, undefined);
    expect(s2s.configured).toBe(false);
    await expect(s2s.getAccessToken()).rejects.toMatchObject({ status: 503, code: 'ZOOM_S2S_NOT_CONFIGURED' });
    expect(sandbox.calls()).toBe(0);
  });
});

describeRedis('S2S token shared through Redis', () => {
  let redis: RedisClient;
  let sandbox: ZoomSandbox;
  let app: S2SApp;
  const clients: RedisClient[] = [];
  const connect = async (url?: string) => {
    const client = await connectTestRedis(url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterAll(() => redis?.close());
  beforeEach(async () => {
    app = uniqueS2SApp();
    sandbox = await startTestSandbox(clock, { s2sApps: [app] });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => (c.isOpen ? c.destroy() : undefined)));
    if (redis) await deleteKeys(redis, s2sKey(app));
    await sandbox.close();
  });

  it('when the cache is cold, then the token is stored as { accessToken, expiresAt }, another instance hits it, and closing a client keeps it', async () => {
    const own = await connect();
    const a = build(sandbox, app, own);
    const token = await a.s2s.getAccessToken();
    expect(tokenCalls(sandbox)).toBe(1);
    expect(JSON.parse((await redis.get(s2sKey(app)))!)).toEqual({
      accessToken: token,
      expiresAt: new Date(clock.nowMs() + 3599_000).toISOString(),
    });
    await own.close(); // what shutdown does: the shared token stays for the other instances
    expect(await redis.exists(s2sKey(app))).toBe(1);

    const b = build(sandbox, app, redis);
    expect(await b.s2s.getAccessToken()).toBe(token);
    expect(tokenCalls(sandbox)).toBe(1);
    expect(a.logs.concat(b.logs).join('\n')).not.toContain(token);
  });

  it("when a token is stored, then its Redis TTL is expires_in minus the 300 s margin, and at most half a short token's life", async () => {
    await build(sandbox, app, redis).s2s.getAccessToken();
    const ttl = await redis.ttl(s2sKey(app));
    expect(ttl).toBeGreaterThanOrEqual(3599 - 300 - 2);
    expect(ttl).toBeLessThanOrEqual(3599 - 300);

    const shortApp = uniqueS2SApp();
    const shortLived = await startTestSandbox(clock, { s2sApps: [shortApp], accessTokenTtlSeconds: 120 });
    try {
      await build(shortLived, shortApp, redis).s2s.getAccessToken();
      const shortTtl = await redis.ttl(s2sKey(shortApp));
      expect(shortTtl).toBeGreaterThan(0);
      expect(shortTtl).toBeLessThanOrEqual(Math.floor(119 / 2));
    } finally {
      await deleteKeys(redis, s2sKey(shortApp));
      await shortLived.close();
    }
  });

  it('when 4 instances with 50 callers each ask on a cold cache, then exactly one token call is made across them', async () => {
    const instances = await Promise.all([1, 2, 3, 4].map(async () => build(sandbox, app, await connect()).s2s));
    const tokens = await Promise.all(
      instances.flatMap((s2s) => Array.from({ length: 50 }, () => s2s.getAccessToken())),
    );
    expect(tokenCalls(sandbox)).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(await redis.exists(`${s2sKey(app)}:lock`)).toBe(0);
  });

  it('when Zoom answers 401, then the shared token is replaced once; a late rejection of the old token does not drop the new one', async () => {
    const a = build(sandbox, app, redis);
    const b = build(sandbox, app, await connect());
    const old = await a.s2s.getAccessToken();
    expect(await b.s2s.getAccessToken()).toBe(old);
    sandbox.inject({ route: 'GET /v2/users', status: 401 });
    await a.s2s.withToken((token) => a.api.listUsers(token));
    const replaced = await a.s2s.getAccessToken();
    expect(replaced).not.toBe(old);
    expect(tokenCalls(sandbox)).toBe(2);

    await b.s2s.invalidate(old); // B's request with the old token was rejected a moment later
    expect(JSON.parse((await redis.get(s2sKey(app)))!).accessToken).toBe(replaced);
    expect(await b.s2s.getAccessToken()).toBe(replaced);
    expect(tokenCalls(sandbox)).toBe(2);
  });

  it('when another process holds the lock, then we wait for the token it stores instead of calling Zoom, and leave its lock alone', async () => {
    const { s2s, oauth } = build(sandbox, app, redis);
    await redis.set(`${s2sKey(app)}:lock`, 'another-process', { expiration: { type: 'PX', value: 5000 } });
    const waiting = s2s.getAccessToken();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const theirs = await oauth.accountCredentialsToken(app);
    const value = JSON.stringify({
      accessToken: theirs.access_token,
      expiresAt: new Date(clock.nowMs() + 3599_000).toISOString(),
    });
    await redis.set(s2sKey(app), value, { expiration: { type: 'EX', value: 60 } });
    expect(await waiting).toBe(theirs.access_token);
    expect(tokenCalls(sandbox)).toBe(1);
    expect(await redis.get(`${s2sKey(app)}:lock`)).toBe('another-process');
  });

  it('when the lock holder fails to get a token, then it releases the lock and the next caller fetches', async () => {
    const { s2s } = build(sandbox, app, redis);
    sandbox.inject({ route: 'POST /oauth/token', status: 503 });
    await expect(s2s.getAccessToken()).rejects.toMatchObject({ code: 'ZOOM_API_ERROR', retryable: true });
    expect(await redis.exists(`${s2sKey(app)}:lock`)).toBe(0);
    await expect(s2s.getAccessToken()).resolves.toEqual(expect.any(String));
    expect(tokenCalls(sandbox)).toBe(2);
  });

  it('when Redis goes away, then a token already read keeps working, an instance without one fetches its own, and sharing resumes when it is back', async () => {
    const proxy = await startRedisProxy();
    try {
      const [viaProxyA, viaProxyB] = [await connect(proxy.url), await connect(proxy.url)];
      const a = build(sandbox, app, viaProxyA);
      const b = build(sandbox, app, viaProxyB);
      const shared = await a.s2s.getAccessToken();

      await proxy.stop();
      await waitFor(() => !viaProxyA.isReady && !viaProxyB.isReady);
      expect(await a.s2s.getAccessToken()).toBe(shared);
      expect(tokenCalls(sandbox)).toBe(1);
      const own = await b.s2s.getAccessToken();
      expect(own).not.toBe(shared);
      expect(await b.s2s.getAccessToken()).toBe(own);
      expect(tokenCalls(sandbox)).toBe(2);
      expect(b.logs.filter((l) => l.includes('Redis unavailable'))).toHaveLength(1);

      await proxy.start();
      await waitFor(() => viaProxyA.isReady && viaProxyB.isReady, 10_000);
      expect(await b.s2s.getAccessToken()).toBe(shared);
      expect(b.logs.join('\n')).toContain('Redis is back');
    } finally {
      await proxy.stop();
    }
  });
});
