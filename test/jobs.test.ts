import { ManualClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import { JobModel } from '../src/models/job.model';
import { createMongoJobQueue } from '../src/services/jobs/mongo-job-queue';
import { useTestDatabase } from './support/database';

describe('durable job queue', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const clock = new ManualClock('2026-11-23T08:00:00Z');
  const logger = createLogger('silent');
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  function queue(runs: Map<string, number>, name = 'count') {
    const q = createMongoJobQueue({ clock, logger, pollMs: 60_000 });
    q.define(name, async ({ id }) => {
      runs.set(id!, (runs.get(id!) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 2));
    });
    return q;
  }

  it('when four instances drain the same 40 jobs at once, then every job runs exactly once and is removed', async () => {
    const runs = new Map<string, number>();
    const instances = Array.from({ length: 4 }, () => queue(runs));
    for (let i = 0; i < 40; i += 1) await instances[0]!.schedule('count', `count:${i}`, { id: String(i) }, clock.now());
    await Promise.all(instances.map((q) => q.runDue()));
    expect(runs.size).toBe(40);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(await JobModel.countDocuments({ name: 'count' })).toBe(0);
  });

  it('when a job is scheduled twice with one key, then it exists once, at the later time', async () => {
    const runs = new Map<string, number>();
    const q = queue(runs, 'once');
    await q.schedule('once', 'once:a', { id: 'a' }, clock.now());
    await q.schedule('once', 'once:a', { id: 'a' }, new Date(clock.now().getTime() + 60_000));
    expect(await JobModel.countDocuments({ key: 'once:a' })).toBe(1);
    expect(await q.runDue()).toBe(0);
    clock.advance(61_000);
    expect(await q.runDue()).toBe(1);
    expect(runs.get('a')).toBe(1);
  });

  it('when several jobs are scheduled at once, twice and from two instances together, then each key exists once, at the latest time', async () => {
    const runs = new Map<string, number>();
    const [a, b] = [queue(runs, 'many'), queue(runs, 'many')];
    const later = new Date(clock.now().getTime() + 60_000);
    const jobs = (at: Date) => ['x', 'y', 'z'].map((id) => ({ name: 'many', key: `many:${id}`, data: { id }, at }));
    await Promise.all([a.scheduleMany(jobs(clock.now())), b.scheduleMany(jobs(clock.now()))]);
    await a.scheduleMany(jobs(later));
    expect(await JobModel.countDocuments({ name: 'many' })).toBe(3);
    expect(await a.runDue()).toBe(0);
    clock.advance(61_000);
    expect(await a.runDue()).toBe(3);
    expect([...runs.entries()].sort()).toEqual([
      ['x', 1],
      ['y', 1],
      ['z', 1],
    ]);
  });

  it('when a handler throws, then the job is retried later with backoff; a worker that died loses its lease', async () => {
    let calls = 0;
    const q = createMongoJobQueue({ clock, logger, pollMs: 60_000, leaseMs: 30_000, errorBackoffMs: () => 10_000 });
    q.define('flaky', async () => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
    });
    await q.schedule('flaky', 'flaky:1', {}, clock.now());
    await q.runDue();
    const failed = await JobModel.findOne({ key: 'flaky:1' }).lean();
    expect(failed).toMatchObject({ attempts: 1, lastError: 'boom', lockedUntil: null });
    expect(await q.runDue()).toBe(0);
    clock.advance(10_001);
    await q.runDue();
    expect(calls).toBe(2);
    expect(await JobModel.countDocuments({ key: 'flaky:1' })).toBe(0);

    // A job leased by a worker that crashed is taken over once the lease lapses.
    await JobModel.create({
      key: 'flaky:2',
      name: 'flaky',
      data: {},
      runAt: clock.now(),
      lockedUntil: new Date(clock.now().getTime() + 30_000),
      lockedBy: 'dead-worker',
    });
    expect(await q.runDue()).toBe(0);
    clock.advance(30_001);
    expect(await q.runDue()).toBe(1);
  });
});
