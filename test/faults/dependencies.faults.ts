import { ObjectId } from 'mongodb';
import { firstSeen, secondsBetween } from './support/outage';
import { sleep, startRedis, startServer, stopServers, within, type ServerProcess } from './support/processes';
import { call, freeSlots, readySpecialist, register, startWorld, type World } from './support/world';

const isErrorShape = (body: unknown) =>
  typeof body === 'object' && body !== null && typeof (body as { error?: { code?: unknown } }).error?.code === 'string';

describe('MongoDB, Redis and shutdown faults', () => {
  let world: World;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    world = await startWorld();
  });
  afterEach(() => world.mongoProxy.restore());
  afterAll(async () => {
    await stopServers(servers);
    await world.close();
  });

  it('when MongoDB is unreachable, then requests answer 503 JSON within a bound, /readyz names mongodb, and it recovers without a restart losing nothing', async () => {
    const server = await startServer(world.env());
    servers.push(server);
    const specialist = await readySpecialist(server.url, 'Mo');
    const customer = await register(server.url, 'customer', 'Cleo');
    const [before, during, after] = await freeSlots(server.url, specialist.id);
    const book = (start: string) =>
      call(server.url, 'POST', '/api/bookings', {
        token: customer.token,
        body: { specialistId: specialist.id, start },
      });
    const accepted = await book(before!);
    expect(accepted.status).toBe(201);

    world.mongoProxy.cut();
    const cutAt = Date.now();
    const answers = await Promise.all(
      [
        book(during!),
        call(server.url, 'GET', `/api/bookings/${accepted.body.id}`, { token: customer.token }),
        call(server.url, 'GET', '/api/specialists'),
        call(server.url, 'POST', '/api/auth/register', {
          body: {
            role: 'customer',
            name: 'X',
            email: 'x.mongo@example.com',
            password: 'long enough pw',
            timezone: 'UTC',
          },
        }),
      ].map(async (p) => ({
        ...(await p.catch((e: Error) => ({ status: 0, body: e.message }))),
        ms: Date.now() - cutAt,
      })),
    );
    const ready = await call(server.url, 'GET', '/readyz');
    process.stdout.write(
      `[faults] MongoDB cut: ${answers.map((a) => `${a.status} in ${a.ms} ms`).join(', ')}; /readyz ${ready.status}\n`,
    );
    for (const a of answers) {
      expect({ status: a.status, shape: isErrorShape(a.body), code: a.body?.error?.code }).toEqual({
        status: 503,
        shape: true,
        code: 'DATABASE_UNAVAILABLE',
      });
      expect(a.ms).toBeLessThan(25_000); // two 5 s connect time-outs plus a 5 s server selection, measured ≈ 15–20 s
    }
    expect(ready.status).toBe(503);
    expect(ready.body.error.message).toContain('mongodb');
    expect(await call(server.url, 'GET', '/healthz')).toMatchObject({ status: 200 });

    await sleep(5000);
    world.mongoProxy.restore();
    const restoredAt = Date.now();
    const readyAt = await firstSeen(async () => (await call(server.url, 'GET', '/readyz')).status === 200, 60_000);
    const late = await book(after!);
    process.stdout.write(
      `[faults] MongoDB back: /readyz 200 after ${secondsBetween(restoredAt, readyAt)} s; booking ${late.status}\n`,
    );
    expect(readyAt).toBeDefined();
    expect(late.status).toBe(201);
    const bookings = world.db.collection('bookings');
    // What was accepted is there; what was refused left nothing behind.
    expect(
      (await bookings.find({ specialistId: new ObjectId(specialist.id) }).toArray())
        .map((b) => b.start.toISOString())
        .sort(),
    ).toEqual([before!, after!].map((s) => new Date(s).toISOString()).sort());
    expect(await world.db.collection('users').countDocuments({ email: 'x.mongo@example.com' })).toBe(0);
    const done = await firstSeen(
      async () =>
        (await bookings.countDocuments({ specialistId: new ObjectId(specialist.id), 'meeting.status': 'created' })) ===
        2,
      60_000,
    );
    expect(done).toBeDefined();
  });

  it('when Redis stops in s2s mode, then /readyz names redis, bookings still get meetings with one token, and Redis coming back is noticed', async () => {
    const redis = await startRedis();
    try {
      const server = await startServer(
        world.env({
          MEETING_PROVIDER: 's2s',
          ZOOM_ACCOUNT_ID: 'sandbox-account-id',
          ZOOM_CLIENT_ID: 'sandbox-s2s-client-id',
          ZOOM_CLIENT_SECRET: 'sandbox-s2s-client-secret',
          ZOOM_S2S_HOST_USER: 'sandbox.user@example.com',
          REDIS_URL: redis.url,
        }),
      );
      servers.push(server);
      const specialist = await readySpecialist(server.url, 'Rae', { zoom: false });
      // A user of the platform's Zoom account whom no admin approved: the shared host (ZOOM_S2S_HOST_USER) holds the
      // meetings; either way every call goes with the one account token this test counts.
      for (const email of [specialist.email, 'sandbox.user@example.com']) {
        await fetch(`${world.sandbox.url}/_sandbox/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email }),
        });
      }
      const customer = await register(server.url, 'customer', 'Cleo');
      const slots = await freeSlots(server.url, specialist.id);
      const book = (start: string) =>
        call(server.url, 'POST', '/api/bookings', {
          token: customer.token,
          body: { specialistId: specialist.id, start },
        });
      const tokenCalls = async () =>
        (
          (await (
            await fetch(`${world.sandbox.url}/_sandbox/calls?route=${encodeURIComponent('POST /oauth/token')}`)
          ).json()) as { count: number }
        ).count;
      const first = await book(slots[0]!);
      // On failure, the server's own words say why (e.g. a host Zoom does not know).
      if (first.body.meeting?.status !== 'created') console.log(server.output().split('\n').slice(-15).join('\n'));
      expect(first.body.meeting?.status).toBe('created');
      const beforeOutage = await tokenCalls();

      await redis.stop();
      const ready = await call(server.url, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error.message).toContain('redis');
      const whileDown = await book(slots[1]!);
      expect(whileDown.status).toBe(201);
      expect(whileDown.body.meeting.status).toBe('created');
      expect(await tokenCalls()).toBe(beforeOutage); // the in-memory copy served while Redis was away
      const login = await call(server.url, 'POST', '/api/auth/login', {
        body: { email: customer.email, password: 'correct horse battery' },
      });
      expect(login.status).toBe(200);

      await redis.start();
      const restartedAt = Date.now();
      const readyAt = await firstSeen(async () => (await call(server.url, 'GET', '/readyz')).status === 200, 30_000);
      process.stdout.write(`[faults] Redis back: /readyz 200 after ${secondsBetween(restartedAt, readyAt)} s\n`);
      expect(readyAt).toBeDefined();
      expect((await book(slots[2]!)).body.meeting?.status).toBe('created');
      // The restarted Redis is empty: at most one new token for the whole instance.
      expect(await tokenCalls()).toBeLessThanOrEqual(beforeOutage + 1);
      process.stdout.write(
        `[faults] Redis: ${beforeOutage} token call(s) before the outage, ${await tokenCalls()} in all\n`,
      );
    } finally {
      await redis.stop();
    }
  });

  it('when SIGTERM arrives while a meeting creation hangs and MongoDB and SMTP vanish, then the process still ends within SHUTDOWN_GRACE_MS plus a few seconds', async () => {
    const server = await startServer(world.env({ SHUTDOWN_GRACE_MS: '2000', ZOOM_HTTP_TIMEOUT_MS: '120000' }));
    servers.push(server);
    const specialist = await readySpecialist(server.url, 'Hang');
    const customer = await register(server.url, 'customer', 'Cleo');
    const [slot] = await freeSlots(server.url, specialist.id);
    await fetch(`${world.sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: '*', hang: true, times: 'Infinity' }),
    });
    const inFlight = call(server.url, 'POST', '/api/bookings', {
      token: customer.token,
      body: { specialistId: specialist.id, start: slot },
    }).catch((e: Error) => e);
    await sleep(1500);
    world.mongoProxy.cut();
    world.smtp.setRefusing(true);
    const termAt = Date.now();
    server.kill('SIGTERM');
    const exit = await within('the server exits after SIGTERM', 60_000, server.exited);
    const seconds = (exit.at - termAt) / 1000;
    process.stdout.write(
      `[faults] SIGTERM with a hung Zoom call and MongoDB cut: exited ${exit.code} after ${seconds} s\n`,
    );
    await inFlight;
    world.mongoProxy.restore();
    await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    world.smtp.setRefusing(false);
    expect(seconds).toBeLessThan(2 + 8);
    expect(server.output()).toMatch(/"msg":"Stopped/);
  });
});
