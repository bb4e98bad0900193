import type { Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import request from 'supertest';
import { ManualClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import type { RedisClient } from '../src/db/redis';
import type { ZoomSandbox } from '../src/zoom-sandbox/zoom-sandbox';
import { s2sEnv, s2sKey, uniqueS2SApp, type S2SApp } from './support/s2s';
import { waitFor } from './support/wait';
import { createAdmin, createTestApp, registerUser } from './support/app';
import { useTestDatabase } from './support/database';
import { connectTestRedis, deleteKeys, describeRedis, startRedisProxy } from './support/redis';
import { sandboxEnv, startTestSandbox } from './support/zoom';

const clock = new ManualClock('2026-11-20T10:00:00Z');
const ROUTES = [
  ['get', '/api/zoom/users'],
  ['get', '/api/zoom/users/someone@example.com'],
  ['get', '/api/zoom/meetings?userId=someone@example.com'],
  ['post', '/api/zoom/meetings'],
] as const;

let db: Awaited<ReturnType<typeof useTestDatabase>>;
beforeAll(async () => {
  db = await useTestDatabase();
});
afterAll(() => db.drop());

describe('account-level Zoom routes (S2S, in-process token cache)', () => {
  let sandbox: ZoomSandbox;
  let app: S2SApp;
  let t: ReturnType<typeof createTestApp>;
  let admin: string;
  beforeAll(async () => {
    app = uniqueS2SApp();
    sandbox = await startTestSandbox(clock, { s2sApps: [app] });
    t = createTestApp({ clock, env: s2sEnv(sandbox, app) });
    admin = (await createAdmin(t.container)).token;
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.resetCalls());
  const asAdmin = (method: 'get' | 'post', path: string) =>
    request(t.app)[method](path).set('Authorization', `Bearer ${admin}`);

  it('when the caller is not an admin, then 401 or 403 and nothing reaches Zoom', async () => {
    const specialist = await registerUser(t.app, 'specialist');
    const customer = await registerUser(t.app, 'customer');
    for (const [method, path] of ROUTES) {
      expect((await request(t.app)[method](path)).status).toBe(401);
      for (const user of [specialist, customer]) {
        const res = await request(t.app)[method](path).set('Authorization', `Bearer ${user.token}`);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
    }
    expect(sandbox.calls()).toBe(0);
  });

  it("when an admin lists users, then Zoom's users come back page by page, fetched with the S2S bearer token", async () => {
    const [first, second] = [sandbox.ensureUser('ada@example.com'), sandbox.ensureUser('bob@example.com')];
    const all = await asAdmin('get', '/api/zoom/users');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ users: expect.any(Array), next_page_token: '', total_records: sandbox.users().length });
    expect(all.body.users).toContainEqual({
      id: first.id,
      email: 'ada@example.com',
      first_name: first.first_name,
      last_name: first.last_name,
      display_name: first.display_name,
      account_id: app.accountId,
      timezone: 'UTC',
      type: 1,
      status: 'active',
    });
    const token = await t.container.services.zoom.s2s.getAccessToken();
    expect(sandbox.requests('GET /v2/users')[0]!.headers.authorization).toBe(`Bearer ${token}`);
    expect(sandbox.calls('POST /oauth/token')).toBe(1);

    const page1 = await asAdmin('get', '/api/zoom/users?page_size=1');
    expect(page1.body.users).toHaveLength(1);
    const page2 = await asAdmin('get', `/api/zoom/users?page_size=1&next_page_token=${page1.body.next_page_token}`);
    expect(page2.body.users[0].id).not.toBe(page1.body.users[0].id);
    expect([first.id, second.id]).toEqual(expect.arrayContaining([page1.body.users[0].id, page2.body.users[0].id]));
  });

  it("when an admin asks for one user, then by id or email it is returned; an unknown one is Zoom's 404 in our format", async () => {
    const user = sandbox.ensureUser('cleo@example.com');
    for (const key of [user.id, 'cleo@example.com']) {
      const res = await asAdmin('get', `/api/zoom/users/${encodeURIComponent(key)}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: user.id, email: 'cleo@example.com' });
    }
    const missing = await asAdmin('get', '/api/zoom/users/nobody@example.com');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: {
        code: 'ZOOM_API_ERROR',
        message: 'User does not exist: nobody@example.com.',
        details: { zoomStatus: 404, zoomCode: 1001 },
      },
    });
  });

  it("when an admin schedules a meeting, then Zoom gets it in UTC, 201 returns it, and the user's meeting list shows it", async () => {
    const host = sandbox.ensureUser('dana@example.com');
    const body = {
      userId: 'dana@example.com',
      topic: 'Quarterly review',
      start_time: '2026-12-01T09:00:00+01:00',
      duration: 45,
      timezone: 'Europe/Berlin',
    };
    const created = await asAdmin('post', '/api/zoom/meetings').send(body);
    expect(created.status).toBe(201);
    const [stored] = sandbox.meetings().filter((m) => m.host_id === host.id);
    expect(created.body).toMatchObject({
      id: String(stored!.id),
      host_id: host.id,
      topic: 'Quarterly review',
      start_time: '2026-12-01T08:00:00Z',
      duration: 45,
      timezone: 'Europe/Berlin',
      join_url: stored!.join_url,
      start_url: expect.any(String),
    });
    expect(sandbox.requests('POST /v2/users/:userId/meetings')[0]!.body).toEqual({
      topic: 'Quarterly review',
      type: 2,
      start_time: '2026-12-01T08:00:00Z',
      duration: 45,
      timezone: 'Europe/Berlin',
    });

    const list = await asAdmin('get', `/api/zoom/meetings?userId=${host.id}`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total_records: 1, next_page_token: '' });
    expect(list.body.meetings).toEqual([
      expect.objectContaining({ id: String(stored!.id), topic: 'Quarterly review' }),
    ]);
  });

  it('when the input is invalid, then 400 VALIDATION_FAILED and no meeting request reaches Zoom', async () => {
    const valid = {
      userId: 'dana@example.com',
      topic: 'Review',
      start_time: '2026-12-01T09:00:00Z',
      duration: 30,
      timezone: 'Europe/Berlin',
    };
    const invalid = [
      { ...valid, duration: 0 },
      { ...valid, duration: 1441 },
      { ...valid, duration: 1.5 },
      { ...valid, timezone: 'Mars/Olympus_Mons' },
      { ...valid, start_time: 'tomorrow at nine' },
      { ...valid, topic: '' },
      { ...valid, extra: true },
      { topic: 'Review', start_time: valid.start_time, duration: 30, timezone: 'UTC' },
    ];
    for (const body of invalid) {
      const res = await asAdmin('post', '/api/zoom/meetings').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    for (const path of [
      '/api/zoom/meetings',
      '/api/zoom/meetings?userId=a@example.com&type=live',
      '/api/zoom/users?page_size=0',
    ]) {
      expect((await asAdmin('get', path)).status).toBe(400);
    }
    expect(sandbox.calls('POST /v2/users/:userId/meetings') + sandbox.calls('GET /v2/users/:userId/meetings')).toBe(0);
  });

  it('when Zoom refuses a call, then its 4xx status and message pass through; a 5xx becomes 502', async () => {
    sandbox.ensureUser('erin@example.com');
    const body = {
      userId: 'erin@example.com',
      topic: 'x',
      start_time: '2026-12-01T09:00:00Z',
      duration: 30,
      timezone: 'UTC',
    };
    const route = 'POST /v2/users/:userId/meetings';
    const cases = [
      { status: 400, zoom: { code: 300, message: 'Invalid meeting start time.' }, expected: 400 },
      {
        status: 429,
        zoom: { code: 429, message: 'You have reached the maximum daily rate limit for this API.' },
        expected: 429,
      },
      { status: 500, zoom: { code: 500, message: 'Internal Server Error' }, expected: 502 },
    ];
    for (const c of cases) {
      sandbox.inject({ route, status: c.status, body: c.zoom });
      const res = await asAdmin('post', '/api/zoom/meetings').send(body);
      expect(res.status).toBe(c.expected);
      expect(res.body).toEqual({
        error: {
          code: 'ZOOM_API_ERROR',
          message: c.zoom.message,
          details: { zoomStatus: c.status, zoomCode: c.zoom.code },
        },
      });
    }
  });

  it('when Zoom rate-limits with Retry-After, then our 429 carries Retry-After too; dot-segment user ids are refused', async () => {
    sandbox.inject({
      route: 'GET /v2/users',
      status: 429,
      retryAfter: '30',
      body: { code: 429, message: 'Too many requests.' },
    });
    const limited = await asAdmin('get', '/api/zoom/users');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(29);
    sandbox.resetCalls();
    for (const userId of ['.', '..']) {
      expect((await asAdmin('get', `/api/zoom/meetings?userId=${userId}`)).status).toBe(400);
    }
    expect(sandbox.calls()).toBe(0);
  });

  it('when Zoom rejects the cached token (401), then one new token is fetched and the call succeeds', async () => {
    await asAdmin('get', '/api/zoom/users');
    sandbox.resetCalls();
    sandbox.inject({ route: 'GET /v2/users', status: 401 });
    expect((await asAdmin('get', '/api/zoom/users')).status).toBe(200);
    expect(sandbox.calls('POST /oauth/token')).toBe(1);
    expect(sandbox.calls('GET /v2/users')).toBe(2);
  });

  it('when the S2S credentials are refused, Zoom is unreachable, or S2S is not configured, then 502 / 503 without the secret', async () => {
    const logs: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
    const wrong = createTestApp({
      clock,
      logger,
      env: { ...s2sEnv(sandbox, app), ZOOM_CLIENT_SECRET: 'not-the-secret-123' },
    });
    const refused = await request(wrong.app).get('/api/zoom/users').set('Authorization', `Bearer ${admin}`);
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('ZOOM_AUTH_FAILED');
    expect(refused.body.error.message).toContain('ZOOM_CLIENT_SECRET');
    const basic = Buffer.from(`${app.clientId}:not-the-secret-123`).toString('base64');
    for (const text of [refused.text, logs.join('\n')]) {
      expect(text).not.toContain('not-the-secret-123');
      expect(text).not.toContain(basic);
    }
    expect(logs.join('\n')).toContain('Invalid client_id or client_secret');

    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const offline = createTestApp({
      clock,
      env: { ...s2sEnv(sandbox, app), ZOOM_OAUTH_BASE_URL: `http://127.0.0.1:${deadPort}` },
    });
    const unreachable = await request(offline.app).get('/api/zoom/users').set('Authorization', `Bearer ${admin}`);
    expect(unreachable.status).toBe(503);
    expect(unreachable.body.error.code).toBe('ZOOM_UNAVAILABLE');

    const unconfigured = createTestApp({ clock, env: sandboxEnv(sandbox) });
    const off = await request(unconfigured.app).get('/api/zoom/users').set('Authorization', `Bearer ${admin}`);
    expect(off.status).toBe(503);
    expect(off.body.error.code).toBe('ZOOM_S2S_NOT_CONFIGURED');
  });

  it('when a client reads /openapi.json, then the four account routes are documented', async () => {
    const doc = await request(t.app).get('/openapi.json');
    expect(doc.body.paths['/api/zoom/users'].get).toBeDefined();
    expect(doc.body.paths['/api/zoom/users/{userId}'].get).toBeDefined();
    expect(Object.keys(doc.body.paths['/api/zoom/meetings'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.body.paths['/api/zoom/meetings'].post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '502', '503']),
    );
  });
});

describeRedis('account-level Zoom routes with the token shared through Redis', () => {
  let redis: RedisClient;
  let sandbox: ZoomSandbox;
  let app: S2SApp;
  const closers: Array<() => Promise<unknown>> = [];
  const instance = async (client?: RedisClient) => {
    const redisClient = client ?? (await connectTestRedis());
    closers.push(async () => (redisClient.isOpen ? redisClient.destroy() : undefined));
    const built = createTestApp({ clock, redis: redisClient, env: s2sEnv(sandbox, app) });
    const server: Server = built.app.listen(0, '127.0.0.1');
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    return { ...built, server, admin: (await createAdmin(built.container)).token };
  };
  const getUsers = (server: Server, token: string) =>
    request(server).get('/api/zoom/users').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterAll(() => redis?.close());
  beforeEach(async () => {
    app = uniqueS2SApp();
    sandbox = await startTestSandbox(clock, { s2sApps: [app] });
    sandbox.ensureUser('shared@example.com');
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    if (redis) await deleteKeys(redis, s2sKey(app));
    await sandbox.close();
  });

  it('when 200 admin requests arrive on a cold cache, then exactly one token call reaches Zoom', async () => {
    const a = await instance();
    const responses = await Promise.all(Array.from({ length: 200 }, () => getUsers(a.server, a.admin)));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(sandbox.calls('POST /oauth/token')).toBe(1);
    expect(await redis.exists(s2sKey(app))).toBe(1);
  });

  it('when two app instances share Redis on a cold cache, then one token call serves both', async () => {
    const [a, b] = [await instance(), await instance()];
    const responses = await Promise.all(
      [a, b].flatMap((i) => Array.from({ length: 50 }, () => getUsers(i.server, i.admin))),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(sandbox.calls('POST /oauth/token')).toBe(1);
    expect(new Set(sandbox.requests('GET /v2/users').map((r) => r.headers.authorization)).size).toBe(1);
  });

  it('when Redis stops, then /readyz is 503 naming redis while admin calls keep working; when it is back, 200 again', async () => {
    const proxy = await startRedisProxy();
    try {
      const client = await connectTestRedis(proxy.url);
      const a = await instance(client);
      const ready = await request(a.server).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready', checks: { mongodb: { ok: true }, redis: { ok: true } } });
      expect((await getUsers(a.server, a.admin)).status).toBe(200);

      await proxy.stop();
      await waitFor(() => !client.isReady);
      const down = await request(a.server).get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body.error).toMatchObject({ code: 'NOT_READY', message: 'Not ready: redis unavailable' });
      expect(down.body.error.details).toMatchObject({ mongodb: { ok: true }, redis: { ok: false } });
      expect((await getUsers(a.server, a.admin)).status).toBe(200);
      expect(sandbox.calls('POST /oauth/token')).toBe(1);
      // Login limits fall back to in-process counting: logins still answer 200/401, never 500.
      const user = await registerUser(a.app, 'customer');
      expect(
        (await request(a.server).post('/api/auth/login').send({ email: user.user.email, password: 'wrong password' }))
          .status,
      ).toBe(401);
      expect(
        (await request(a.server).post('/api/auth/login').send({ email: user.user.email, password: user.password }))
          .status,
      ).toBe(200);

      await proxy.start();
      await waitFor(() => client.isReady, 10_000);
      expect((await request(a.server).get('/readyz')).status).toBe(200);
    } finally {
      await proxy.stop();
    }
  });
});
