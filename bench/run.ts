/**
 * `npm run bench`: our server as a user starts it (compiled, `node dist/server.js`, a child process) against the
 * Zoom sandbox answering every call 50 ms late, and in the same run the floor (bench/floor.ts: a bare endpoint making
 * the one Zoom call a booking needs). MongoDB is reached through a counting proxy (bench/mongo-proxy.ts), so round
 * trips are counted by command without touching production code. Prints one table and writes bench/results.json.
 * Speed targets live here, not in timed tests. Env: BENCH_MONGODB_URI (default: the embedded engine),
 * BENCH_SKIP_BUILD=1 (reuse dist/), BENCH_LOG_LEVEL (the server's LOG_LEVEL, default info as `npm start`),
 * BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server).
 */
import { execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { startMongoEngine } from '../src/db/mongo-engine';
import { startZoomSandbox, type ZoomSandbox } from '../src/zoom-sandbox/zoom-sandbox';
import { createClient, percentile, runConcurrently, type Client, type Reply } from './http-client';
import { startMongoProxy, type MongoProxy } from './mongo-proxy';
import { startChild } from './processes';
import { renderTable, type Results } from './report';

const SPECIALISTS = 32;
const SEQUENTIAL = 60;
const LOAD = { bookings: 192, connections: [16, 64] };
const STORM = { grants: 16, bookingsPerGrant: 6, connections: 64 };
const JOBS_PROCESS_EVERY_MS = 250;
const DAY_MS = 86_400_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const summary = (run: { latencies: number[]; wallMs: number }) => ({
  perSecond: (1000 * run.latencies.length) / run.wallMs,
  p50: percentile(run.latencies, 0.5),
  p99: percentile(run.latencies, 0.99),
});
const byName = (names: string[]) => {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
};

interface Specialist {
  id: string;
  token: string;
}

/** Hands out distinct (specialist, slot) pairs: 30-minute slots from tomorrow 00:00 UTC on. */
function slotSource() {
  const first = Math.ceil(Date.now() / DAY_MS) * DAY_MS + DAY_MS;
  const next = new Map<string, number>();
  return (s: Specialist) => {
    const i = next.get(s.id) ?? 0;
    next.set(s.id, i + 1);
    return new Date(first + i * 30 * 60_000).toISOString();
  };
}

async function setup(api: Client, count: number, prefix: string): Promise<Specialist[]> {
  const made: Specialist[] = [];
  for (let i = 0; i < count; i += 1) {
    const reg = await api.request('POST', '/api/auth/register', {
      body: {
        role: 'specialist',
        name: `S ${i}`,
        email: `${prefix}${i}@bench.test`,
        password: 'bench pw 1',
        timezone: 'UTC',
      },
    });
    const token = reg.body.token as string;
    const weekly = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({
      day,
      start: '00:00',
      end: '24:00',
    }));
    const rules = {
      timezone: 'UTC',
      weekly,
      slotMinutes: 30,
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      maxDaysAhead: 365,
    };
    await api.request('PUT', '/api/specialists/me/availability', { token, body: rules });
    const connect = await api.request('GET', '/api/zoom/connect', { token });
    const authorize = new URL(connect.body.authorizeUrl as string);
    authorize.searchParams.set('login_hint', `${prefix}${i}.zoom@bench.test`);
    const zoom = await fetch(authorize, { redirect: 'manual' });
    // The callback completes only with the cookie the connect answer set (the browser that asked).
    const cookie = connect.setCookie?.find((c) => c.startsWith('zoom_connect='))?.split(';')[0];
    const callback = await api.request('GET', `/api/zoom/callback${new URL(zoom.headers.get('location')!).search}`, {
      cookie,
    });
    if (!String(callback.location).endsWith('zoom=connected')) throw new Error(`connect failed: ${callback.location}`);
    made.push({ id: reg.body.user.id as string, token });
  }
  return made;
}

/** An access token of the sandbox's default user, for the floor (authorization code grant, auto-approved). */
async function floorToken(sandbox: ZoomSandbox): Promise<string> {
  const redirectUri = 'http://floor.invalid/callback';
  const authorize = await fetch(
    `${sandbox.oauthBaseUrl}/oauth/authorize?response_type=code&client_id=sandbox-client-id&state=s&redirect_uri=${encodeURIComponent(redirectUri)}`,
    { redirect: 'manual' },
  );
  const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
  const token = await fetch(`${sandbox.oauthBaseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('sandbox-client-id:sandbox-client-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
  });
  return ((await token.json()) as { access_token: string }).access_token;
}

const mailCount = (dir: string) => {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0;
  }
};

/** Waits until `mails` have been written and no MongoDB work has happened for `quietMs`; returns when work ended. */
async function settle(proxy: MongoProxy, outbox: string, mails: number, quietMs = 300, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (mailCount(outbox) < mails) {
    if (Date.now() > deadline) throw new Error(`only ${mailCount(outbox)} of ${mails} mails were written`);
    await sleep(10);
  }
  let seen = proxy.mark();
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    await sleep(20);
    const now = proxy.mark();
    if (proxy.since(seen).length > 0) quietSince = Date.now();
    seen = now;
  }
}

async function main() {
  if (!process.env.BENCH_SKIP_BUILD) execSync('npm run build', { stdio: 'inherit' });
  const engine = await startMongoEngine({ uri: process.env.BENCH_MONGODB_URI });
  const target = new URL(engine.uri);
  const proxy = await startMongoProxy({ host: target.hostname, port: Number(target.port || 27017) });
  const dbName = `bench_${Date.now()}`;
  let tokenRefusals = 0;
  const sandbox = await startZoomSandbox({
    autoApprove: true,
    dailyMeetingWriteLimit: 1_000_000,
    logger: (line) => {
      if (line.startsWith('POST /oauth/token -> 4')) tokenRefusals += 1;
    },
  });
  sandbox.inject({ route: '*', delayMs: 50, times: Infinity });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-data-'));
  const outbox = path.join(dataDir, 'outbox');
  const { child: server, match } = await startChild(
    [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), 'dist/server.js'],
    {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      MONGODB_URI: `mongodb://127.0.0.1:${proxy.port}/${dbName}`,
      PUBLIC_BASE_URL: 'http://bench.invalid',
      ZOOM_USER_MANAGED_CLIENT_ID: 'sandbox-client-id',
      ZOOM_USER_MANAGED_CLIENT_SECRET: 'sandbox-client-secret',
      ZOOM_OAUTH_BASE_URL: sandbox.oauthBaseUrl,
      ZOOM_API_BASE_URL: sandbox.apiBaseUrl,
      JOBS_PROCESS_EVERY_MS: String(JOBS_PROCESS_EVERY_MS),
      SIGNUP_MAX_PER_IP: '100000',
      // One customer books every slot of the bench: the per-customer hourly limit is not what it measures.
      BOOKING_RATE_PER_HOUR: '100000',
    },
    /Listening on http:\/\/[^:]+:(\d+)/,
  );
  const { child: floor, match: floorMatch } = await startChild(
    ['--import', 'tsx', 'bench/floor.ts'],
    { ZOOM_API_BASE_URL: sandbox.apiBaseUrl, ZOOM_ACCESS_TOKEN: await floorToken(sandbox) },
    /FLOOR_PORT=(\d+)/,
  );
  const api = createClient(`http://127.0.0.1:${match[1]}`);
  const bare = createClient(`http://127.0.0.1:${floorMatch[1]}`);
  const engineName = engine.name === 'external' ? `external (${target.host})` : engine.name;
  console.log(`MongoDB engine: ${engineName}; node ${process.version}; setting up ${SPECIALISTS} specialists…`);

  const specialists = await setup(api, SPECIALISTS, 'spec');
  const customers: string[] = [];
  for (let i = 0; i < 8; i += 1) {
    const reg = await api.request('POST', '/api/auth/register', {
      body: { role: 'customer', name: `C ${i}`, email: `cust${i}@bench.test`, password: 'bench pw 1', timezone: 'UTC' },
    });
    customers.push(reg.body.token as string);
  }
  const slotFor = slotSource();
  let n = 0;
  const book = (s: Specialist, options: { onResponse?: () => void } = {}): Promise<Reply> => {
    n += 1;
    return api.request('POST', '/api/bookings', {
      token: customers[n % customers.length],
      body: { specialistId: s.id, start: slotFor(s), topic: `Bench ${n}` },
      ...options,
    });
  };
  const floorCall = () =>
    bare.request('POST', '/book', { body: { start: new Date(Date.now() + DAY_MS).toISOString() } });
  const check = (reply: Reply) => {
    if (reply.status !== 201 || reply.body?.meeting?.status !== 'created')
      throw new Error(`booking failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  };

  // Sign-up hashes passwords with argon2id (64 MiB each): that peak belongs to sign-up, not to bookings.
  const setupPeakRssMiB = server.peakRssMiB();
  server.resetPeakRss();
  floor.resetPeakRss();

  // Warm-up (JIT, connection pools), then the idle cost: what the server spends with nothing to do (job polling).
  for (let i = 0; i < 10; i += 1) {
    check(await book(specialists[i % SPECIALISTS]!));
    await floorCall();
  }
  await settle(proxy, outbox, 2 * n);
  const idle = { mark: proxy.mark(), cpu: server.cpuMs(), at: Date.now() };
  await sleep(3000);
  const idleCpuPerMs = (server.cpuMs() - idle.cpu) / (Date.now() - idle.at);
  const idleTrips = proxy.since(idle.mark).length + proxy.idlePollsSince(idle.mark);

  // 1. One at a time: latency, round trips in the request and after it, CPU.
  console.log(`one at a time: ${SEQUENTIAL} bookings…`);
  const seq = { ours: [] as number[], floor: [] as number[], request: [] as string[], after: [] as string[] };
  let cpu0 = server.cpuMs();
  const floorCpu0 = floor.cpuMs();
  let t0 = Date.now();
  for (let i = 0; i < SEQUENTIAL; i += 1) {
    const before = proxy.mark();
    let atResponse = before;
    const reply = await book(specialists[i % SPECIALISTS]!, { onResponse: () => (atResponse = proxy.mark()) });
    check(reply);
    await settle(proxy, outbox, 2 * n);
    seq.ours.push(reply.ms);
    seq.request.push(...proxy.since(before, atResponse).map((t) => t.name));
    seq.after.push(...proxy.since(atResponse).map((t) => t.name));
    seq.floor.push((await floorCall()).ms);
  }
  const seqCpu = (server.cpuMs() - cpu0 - idleCpuPerMs * (Date.now() - t0)) / SEQUENTIAL;
  // The floor's CPU per call, measured the same way: a yardstick for how expensive CPU is on this machine right now.
  const floorSeqCpu = (floor.cpuMs() - floorCpu0) / SEQUENTIAL;

  // 2. Under load: many specialists, distinct slots.
  const load: Results['load'] = [];
  for (const connections of LOAD.connections) {
    console.log(`${connections} connections: ${LOAD.bookings} bookings…`);
    const tasks = Array.from({ length: LOAD.bookings }, (_, i) => () => book(specialists[i % SPECIALISTS]!));
    cpu0 = server.cpuMs();
    t0 = Date.now();
    const ours = await runConcurrently(tasks, connections);
    if (ours.failures.length) throw new Error(`failed bookings: ${JSON.stringify(ours.failures.slice(0, 3))}`);
    await settle(proxy, outbox, 2 * n);
    const cpu = (server.cpuMs() - cpu0 - idleCpuPerMs * (Date.now() - t0)) / LOAD.bookings;
    const floorCpuStart = floor.cpuMs();
    const floorRun = await runConcurrently(
      Array.from({ length: LOAD.bookings }, () => floorCall),
      connections,
    );
    load.push({
      connections,
      ours: summary(ours),
      floor: summary(floorRun),
      cpuMsPerBooking: cpu,
      floorCpuMsPerCall: (floor.cpuMs() - floorCpuStart) / LOAD.bookings,
    });
  }

  // 3. Expiry storm: N grants reach their expiry at once (their stored expiry moved to the past), then bookings for
  //    them arrive concurrently. Exactly one token call per grant, no invalid_grant.
  console.log(`expiry storm: ${STORM.grants} grants × ${STORM.bookingsPerGrant} bookings…`);
  const stormers = specialists.slice(0, STORM.grants);
  const direct = await MongoClient.connect(engine.uri);
  await direct
    .db(dbName)
    .collection('useroauthtokens')
    .updateMany(
      { userId: { $in: stormers.map((s) => new ObjectId(s.id)) } },
      { $set: { zoomAccessTokenExpiry: new Date(Date.now() - 1000) } },
    );
  await direct.close();
  sandbox.resetCalls();
  tokenRefusals = 0;
  const storm = await runConcurrently(
    Array.from({ length: STORM.grants * STORM.bookingsPerGrant }, (_, i) => () => book(stormers[i % STORM.grants]!)),
    STORM.connections,
  );
  await settle(proxy, outbox, 2 * n);
  const refreshes = sandbox
    .requests('POST /oauth/token')
    .filter((r) => (r.body as Record<string, string>).grant_type === 'refresh_token').length;

  const results: Results = {
    at: new Date().toISOString(),
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD']).stdout.toString().trim(),
    engine: engineName,
    node: process.version,
    zoomLatencyMs: 50,
    logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
    sequential: {
      count: SEQUENTIAL,
      ours: { p50: percentile(seq.ours, 0.5), p95: percentile(seq.ours, 0.95) },
      floor: { p50: percentile(seq.floor, 0.5), p95: percentile(seq.floor, 0.95) },
      cpuMsPerBooking: seqCpu,
      floorCpuMsPerCall: floorSeqCpu,
    },
    roundTrips: {
      request: { perBooking: seq.request.length / SEQUENTIAL, byCommand: perBooking(byName(seq.request)) },
      after: { perBooking: seq.after.length / SEQUENTIAL, byCommand: perBooking(byName(seq.after)) },
      idlePerSecond: idleTrips / 3,
    },
    idleCpuMsPerSecond: idleCpuPerMs * 1000,
    machineLoad: os.loadavg()[0]!,
    load,
    peakRssMiB: server.peakRssMiB(),
    setupPeakRssMiB,
    floorPeakRssMiB: floor.peakRssMiB(),
    storm: {
      grants: STORM.grants,
      bookings: STORM.grants * STORM.bookingsPerGrant,
      failures: storm.failures.length,
      tokenCalls: refreshes,
      tokenRefusals,
      p99: percentile(storm.latencies, 0.99),
    },
  };
  console.log(renderTable(results));
  writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('Results written to bench/results.json');

  api.close();
  bare.close();
  await server.stop();
  await floor.stop();
  await sandbox.close();
  await proxy.close();
  await engine.stop();

  function perBooking(counts: Record<string, number>) {
    return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Math.round((v / SEQUENTIAL) * 100) / 100]));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
