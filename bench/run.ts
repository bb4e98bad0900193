/**
 * `npm run bench`: the speed numbers behind the closing notes, measured on loopback (MongoDB engine per the test
 * harness order, the Zoom sandbox, mail to files). Speed targets live here, not in timed tests.
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createContainer } from '../src/container';
import { connectMongo, disconnectMongo, ensureIndexes } from '../src/db/mongo';
import { startMongoEngine } from '../src/db/mongo-engine';
import { ManualClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import { computeSlots } from '../src/services/specialist/slot-calculator';
import { createMongoJobQueue } from '../src/services/jobs/mongo-job-queue';
import { createFileTransport } from '../src/services/mail/mail-transport';
import { startZoomSandbox } from '../src/zoom-sandbox/zoom-sandbox';

const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main() {
  const engine = await startMongoEngine({ uri: loadConfig(process.env).mongo.uri });
  await connectMongo(engine.uri, `bench_${Date.now()}`);
  await ensureIndexes();
  const clock = new ManualClock('2026-11-23T08:00:00Z');
  const sandbox = await startZoomSandbox({ autoApprove: true, clock: { now: () => clock.nowMs() } });
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'x'.repeat(40),
    TOKEN_ENCRYPTION_KEY: 'b'.repeat(64),
    ZOOM_USER_MANAGED_CLIENT_ID: 'sandbox-client-id',
    ZOOM_USER_MANAGED_CLIENT_SECRET: 'sandbox-client-secret',
    ZOOM_OAUTH_BASE_URL: sandbox.oauthBaseUrl,
    ZOOM_API_BASE_URL: sandbox.apiBaseUrl,
    PUBLIC_BASE_URL: 'http://bench.test',
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
  });
  const logger = createLogger('silent');
  const container = createContainer({
    config,
    clock,
    logger,
    jobs: createMongoJobQueue({ clock, logger, pollMs: 60_000 }),
    mailTransport: createFileTransport(mkdtempSync(path.join(os.tmpdir(), 'bench-outbox-'))),
  });
  const server = createApp(container).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (
    method: string,
    url: string,
    token?: string,
    body?: unknown,
    redirect: 'follow' | 'manual' = 'follow',
  ) => {
    const res = await fetch(base + url, {
      method,
      redirect,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return {
      status: res.status,
      headers: res.headers,
      body: res.headers.get('content-type')?.includes('json') ? await res.json() : undefined,
    };
  };
  const register = async (role: string, i: number) =>
    (
      await call('POST', '/api/auth/register', undefined, {
        role,
        name: `${role} ${i}`,
        email: `${role}${i}@bench.test`,
        password: 'bench password',
        timezone: 'Europe/Berlin',
      })
    ).body as { token: string; user: { id: string } };

  console.log(`MongoDB engine: ${engine.name}; node ${process.version}`);

  // 1. Slot computation: 62 days, 15-minute slots, 200 busy intervals.
  const rules = {
    timezone: 'Europe/Berlin',
    weekly: ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day: day as 'mon', start: '08:00', end: '20:00' })),
    slotMinutes: 15,
    bufferMinutes: 10,
    minNoticeMinutes: 0,
    maxDaysAhead: 365,
  };
  const busy = Array.from({ length: 200 }, (_, i) => ({
    start: new Date(Date.UTC(2026, 11, 1 + (i % 60), 9 + (i % 8))),
    end: new Date(Date.UTC(2026, 11, 1 + (i % 60), 10 + (i % 8))),
  }));
  let t0 = performance.now();
  let slots = 0;
  for (let i = 0; i < 50; i += 1)
    slots = computeSlots(
      rules,
      { from: '2026-12-01', to: '2027-01-31' },
      busy,
      new Date('2026-11-23T00:00:00Z'),
    ).length;
  console.log(`computeSlots 62 days (${slots} free slots, 200 busy): ${ms((performance.now() - t0) / 50)} per call`);

  // 2. Token refresh at expiry: 200 concurrent callers in one process.
  const spec = await register('specialist', 0);
  const { authorizeUrl } = (await call('GET', '/api/zoom/connect', spec.token)).body as { authorizeUrl: string };
  const zoom = await fetch(authorizeUrl, { redirect: 'manual' });
  const cb = new URL(zoom.headers.get('location')!);
  await call('GET', `/api/zoom/callback${cb.search}`, undefined, undefined, 'manual');
  clock.advance(3600_000 + 1000);
  sandbox.resetCalls();
  t0 = performance.now();
  await Promise.all(Array.from({ length: 200 }, () => container.services.zoom.tokens.getAccessToken(spec.user.id)));
  console.log(
    `200 concurrent getAccessToken at expiry: ${ms(performance.now() - t0)}, Zoom token calls: ${sandbox.calls('POST /oauth/token')}`,
  );

  // 3. Booking latency through HTTP (meeting created inline in the specialist's Zoom).
  await call('PUT', '/api/specialists/me/availability', spec.token, {
    ...rules,
    slotMinutes: 30,
    bufferMinutes: 0,
    weekly: rules.weekly.map((w) => ({ ...w, start: '00:00', end: '24:00' })),
  });
  const customer = await register('customer', 0);
  const free = (await call('GET', `/api/specialists/${spec.user.id}/slots?from=2026-11-24&to=2026-12-20`)).body as {
    slots: Array<{ start: string }>;
  };
  const latencies: number[] = [];
  for (let i = 0; i < 100; i += 1) {
    const started = performance.now();
    const res = await call('POST', '/api/bookings', customer.token, {
      specialistId: spec.user.id,
      start: free.slots[i * 2]!.start,
    });
    if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
    latencies.push(performance.now() - started);
  }
  console.log(
    `POST /api/bookings x100 sequential: p50 ${ms(pct(latencies, 0.5))}, p95 ${ms(pct(latencies, 0.95))}, max ${ms(Math.max(...latencies))}`,
  );

  // 4. 50 concurrent bookings of one slot.
  t0 = performance.now();
  const race = await Promise.all(
    Array.from({ length: 50 }, () =>
      call('POST', '/api/bookings', customer.token, { specialistId: spec.user.id, start: free.slots[201]!.start }),
    ),
  );
  const created = race.filter((r) => r.status === 201).length;
  console.log(
    `50 concurrent bookings of one slot: ${ms(performance.now() - t0)}, 201s: ${created}, 409s: ${race.filter((r) => r.status === 409).length}`,
  );

  console.log(`RSS after run: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
  server.close();
  await sandbox.close();
  await disconnectMongo();
  await engine.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
