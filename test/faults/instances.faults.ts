import { startRedis, startServer, stopServers, within, type ServerProcess } from './support/processes';
import {
  call,
  freeSlots,
  mailKey,
  readySpecialist,
  register,
  startWorld,
  waitUntil,
  type World,
} from './support/world';

/**
 * SMTP has no idempotency: a message handed to SMTP by a process killed before it marked the message sent goes out
 * again once that claim lapses. What must hold: every mail arrives, and a repeat is the same message (same
 * Message-ID). Returns how many repeats there were.
 */
function expectEveryMailOnceOrRepeatedAsItself(received: World['smtp']['received'], expected: number): number {
  const messageIds = new Map<string, Set<string>>();
  for (const mail of received) {
    const key = mailKey(mail);
    messageIds.set(key, (messageIds.get(key) ?? new Set()).add(mail.messageId ?? '(none)'));
  }
  expect(messageIds.size).toBe(expected);
  expect([...messageIds].filter(([, ids]) => ids.size !== 1 || ids.has('(none)'))).toEqual([]);
  return received.length - messageIds.size;
}
const distinctMails = (received: World['smtp']['received']) => new Set(received.map(mailKey)).size;

/** Two instances on one database and one Redis; one is SIGKILLed mid-burst and never comes back. */
describe('two instances, one killed', () => {
  let world: World;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    world = await startWorld();
    redis = await startRedis();
  });
  afterAll(async () => {
    await stopServers(servers);
    await redis.stop();
    await world.close();
  });

  it('when one of two instances dies mid-burst, then the other finishes every meeting and mail, a repeated mail only as the same message (leases expire, jobs are taken over)', async () => {
    const env = world.env({ REDIS_URL: redis.url });
    const [a, b] = await Promise.all([startServer(env), startServer(env)]);
    servers.push(a!, b!);
    const specialists = await Promise.all(['Ann', 'Ben'].map((n) => readySpecialist(b!.url, n)));
    const customer = await register(b!.url, 'customer', 'Cleo');
    const slots = await Promise.all(specialists.map((s) => freeSlots(b!.url, s.id)));
    // Zoom answers slowly, so A dies with meeting creations of its own in flight (their jobs wait out A's lease).
    await fetch(`${world.sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'POST /v2/users/:userId/meetings', delayMs: 1500, times: 'Infinity' }),
    });
    const ids = new Set<string>();
    let killed = false;
    // Half the requests go to each instance; A's share stops when it dies.
    const worker = async (n: number) => {
      for (let i = n; i < 100; i += 4) {
        const target = i % 2 === 0 ? a! : b!;
        if (target === a && killed) continue;
        const res = await call(target.url, 'POST', '/api/bookings', {
          token: customer.token,
          body: { specialistId: specialists[i % 2]!.id, start: slots[i % 2]![Math.floor(i / 2)]! },
        }).catch(() => undefined);
        if (res?.status === 201) ids.add(res.body.id as string);
      }
    };
    const burst = Promise.all([0, 1, 2, 3].map(worker));
    await waitUntil('30 bookings', async () => ids.size >= 30, 120_000, 20);
    await new Promise((resolve) => setTimeout(resolve, 800)); // A's next bookings are stored and waiting on Zoom
    a!.kill('SIGKILL');
    killed = true;
    const killedAt = Date.now();
    const pendingAtKill = await world.db.collection('bookings').countDocuments({ 'meeting.status': 'pending' });
    await within('the burst’s requests in flight settle', 60_000, burst);
    await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });

    const bookings = world.db.collection('bookings');
    const total = await bookings.countDocuments();
    await waitUntil(
      'instance B finished every meeting and mail',
      async () =>
        (await bookings.countDocuments({ 'meeting.status': 'created' })) === total &&
        distinctMails(world.smtp.received) >= 2 * total,
      300_000,
    );
    const finishedS = Math.round((Date.now() - killedAt) / 1000);
    expect(pendingAtKill).toBeGreaterThan(0);
    const stored = await bookings.find().toArray();
    for (const id of ids) expect(stored.some((s) => s._id.toString() === id)).toBe(true);
    const meetings = (await (await fetch(`${world.sandbox.url}/_sandbox/meetings`)).json()) as Array<{ topic: string }>;
    expect(meetings).toHaveLength(total);
    const repeats = expectEveryMailOnceOrRepeatedAsItself(world.smtp.received, 2 * total);
    process.stdout.write(
      `[faults] two instances: ${ids.size} bookings answered, ${total} stored, ${pendingAtKill} meetings pending (A's and B's in flight) when A died; B finished everything ${finishedS} s after A died; ${2 * total} mails, ${repeats} delivered again with the same Message-ID\n`,
    );
  });
});
