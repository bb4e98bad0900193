import request from 'supertest';
import { ConfigError, loadConfig } from '../src/config';
import { createTestApp, registerUser, uniqueEmail } from './support/app';
import { useTestDatabase } from './support/database';
import { connectTestRedis, deleteKeys, describeRedis } from './support/redis';

const wrongPasswords = (app: Parameters<typeof request>[0], email: string, n: number) =>
  Promise.all(
    Array.from({ length: n }, () => request(app).post('/api/auth/login').send({ email, password: 'not the password' })),
  );

describe('login, sign-up and proxy limits', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  it('when 12 wrong passwords for one email arrive at once against a limit of 3, then 3 get 401 and 9 get 429', async () => {
    const { app, clock } = createTestApp({ env: { LOGIN_MAX_ATTEMPTS_PER_EMAIL: '3', LOGIN_WINDOW_SECONDS: '900' } });
    const victim = await registerUser(app, 'customer');
    const answers = await wrongPasswords(app, victim.user.email, 12);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(3).fill(401), ...Array(9).fill(429)]);
    for (const limited of answers.filter((r) => r.status === 429)) {
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(900);
    }
    // Even the right password waits for the window; after it, it works.
    const right = { email: victim.user.email, password: victim.password };
    expect((await request(app).post('/api/auth/login').send(right)).status).toBe(429);
    clock.advance(900_000);
    expect((await request(app).post('/api/auth/login').send(right)).status).toBe(200);
  });

  it('when a login succeeds, then the email’s earlier failures are forgotten', async () => {
    const { app } = createTestApp({ env: { LOGIN_MAX_ATTEMPTS_PER_EMAIL: '3' } });
    const user = await registerUser(app, 'customer');
    await wrongPasswords(app, user.user.email, 2);
    expect(
      (await request(app).post('/api/auth/login').send({ email: user.user.email, password: user.password })).status,
    ).toBe(200);
    expect((await wrongPasswords(app, user.user.email, 3)).map((r) => r.status)).toEqual([401, 401, 401]);
  });

  it('when one address signs up more than SIGNUP_MAX_PER_IP times, then 429 until the window has passed', async () => {
    const { app, clock } = createTestApp({ env: { SIGNUP_MAX_PER_IP: '2', ACCOUNT_LIMIT_WINDOW_SECONDS: '3600' } });
    const signUp = () =>
      request(app)
        .post('/api/auth/register')
        .send({ role: 'customer', name: 'Cleo', email: uniqueEmail(), password: 'long enough pw', timezone: 'UTC' });
    expect((await signUp()).status).toBe(201);
    expect((await signUp()).status).toBe(201);
    const refused = await signUp();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(3600_000);
    expect((await signUp()).status).toBe(201);
  });

  it('when TRUST_PROXY is a hop count, then rotating the client-written X-Forwarded-For entries does not escape the per-IP limit', async () => {
    const { app } = createTestApp({ env: { TRUST_PROXY: '1', LOGIN_MAX_ATTEMPTS_PER_IP: '3' } });
    const attempt = (i: number) =>
      request(app)
        .post('/api/auth/login')
        .set('X-Forwarded-For', `10.9.${i}.${i}, 203.0.113.9`) // the proxy appended the real client last
        .send({ email: uniqueEmail(), password: 'x' });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await attempt(i)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Another real client behind the same proxy is counted apart.
    const other = await request(app)
      .post('/api/auth/login')
      .set('X-Forwarded-For', '203.0.113.10')
      .send({ email: uniqueEmail(), password: 'x' });
    expect(other.status).toBe(401);
  });

  it('when TRUST_PROXY is not set, then X-Forwarded-For is ignored', async () => {
    const { app } = createTestApp({ env: { LOGIN_MAX_ATTEMPTS_PER_IP: '2' } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await request(app)
        .post('/api/auth/login')
        .set('X-Forwarded-For', `198.51.100.${i}`)
        .send({ email: uniqueEmail(), password: 'x' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });
});

describe('TRUST_PROXY forms', () => {
  const load = (value: string) => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: value }).http.trustProxy;

  it('when it is a hop count, addresses, subnets or Express’s names, then they are taken as Express takes them', () => {
    expect(load('false')).toBe(false);
    expect(load('')).toBe(false);
    expect(load('2')).toBe(2);
    expect(load('loopback, 10.0.0.0/8,192.168.1.7, fd00::/8, 172.16.0.0/255.240.0.0')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      '172.16.0.0/255.240.0.0',
    ]);
  });

  it('when it is true, then start-up is refused with a sentence saying why', () => {
    expect(() => load('true')).toThrow(ConfigError);
    try {
      load('true');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^TRUST_PROXY: true trusts every hop, so any client can pick its own IP/),
      ]);
    }
  });

  it('when an entry is neither an address, a subnet nor a name, then start-up is refused naming it', () => {
    expect(() => load('10.0.0.0/33,proxy.example.com')).toThrow(/not: 10\.0\.0\.0\/33, proxy\.example\.com/);
  });

  it('when a subnet is one Express would refuse (prefix 0, a mask with holes), then start-up is refused naming it, and every accepted form starts the app', () => {
    for (const bad of ['10.0.0.0/0', '::/0', '10.0.0.0/255.0.255.0', '10.0.0.0/0.0.0.0'])
      expect(() => load(bad)).toThrow(new RegExp(`not: ${bad.replace(/[./]/g, '\\$&')}$`));
    for (const good of [
      '1',
      'loopback,10.0.0.0/8',
      '172.16.0.0/255.240.0.0',
      '10.1.2.3/32',
      '10.0.0.0/255.255.255.255',
    ])
      expect(() => createTestApp({ env: { TRUST_PROXY: good } })).not.toThrow();
  });
});

describeRedis('login limits shared through Redis', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  let redis: Awaited<ReturnType<typeof connectTestRedis>>;
  beforeAll(async () => {
    db = await useTestDatabase();
    redis = await connectTestRedis();
  });
  afterAll(async () => {
    await deleteKeys(redis, 'ratelimit:login:');
    await redis.close();
    await db.drop();
  });

  it('when 12 wrong passwords arrive at once at two instances sharing Redis, then only 3 get 401', async () => {
    const env = { LOGIN_MAX_ATTEMPTS_PER_EMAIL: '3' };
    const one = createTestApp({ env, redis });
    const two = createTestApp({ env, redis, clock: one.clock });
    const victim = await registerUser(one.app, 'customer');
    const answers = await Promise.all([
      wrongPasswords(one.app, victim.user.email, 6),
      wrongPasswords(two.app, victim.user.email, 6),
    ]);
    const statuses = answers.flat().map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
  });
});
