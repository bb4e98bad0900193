import { ManualClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import { JobModel } from '../src/models/job.model';
import { createMongoJobQueue } from '../src/services/jobs/mongo-job-queue';
import { createTestApp } from './support/app';
import { useTestDatabase } from './support/database';

const SECOND = 1000;

describe('recurring jobs run on their own interval', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const clock = new ManualClock('2026-11-23T08:00:00Z');
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());
  const job = (key: string) => JobModel.findOne({ key }).lean();
  beforeEach(() => JobModel.deleteMany({}));

  it('when the keep-alive sweep is set to every 0.25 minutes, then it runs every 15 s for an hour and its attempts stay 0', async () => {
    const { container } = createTestApp({ clock, env: { ZOOM_KEEPALIVE_EVERY_MINUTES: '0.25' } });
    const { jobs } = container.services;
    await container.services.grantHealth.keepalive.ensureScheduled();
    for (let run = 0; run < 240; run += 1) {
      expect(await jobs.runDue()).toBe(1);
      const sweep = await job('zoom-keepalive-sweep');
      expect(sweep).toMatchObject({ attempts: 0, runAt: new Date(clock.nowMs() + 15 * SECOND) });
      clock.advance(15 * SECOND - 1);
      expect(await jobs.runDue()).toBe(0);
      clock.advance(1);
    }
  });

  // 0.25 minutes is below the floor `{ retryAt }` grows to (30 s after five runs): only `{ nextRunAt }` keeps 15 s.
  it.each([
    ['meeting-reconcile-sweep', { MEETING_RECONCILE_EVERY_MINUTES: '0.25' }, 'meetingReconcile'],
    ['calendar-sync-sweep', { CALENDAR_SYNC_EVERY_MINUTES: '0.25' }, 'calendarFeeds'],
    ['zoom-busy-sweep', { CALENDAR_SYNC_EVERY_MINUTES: '0.25' }, 'zoomBusy'],
  ] as const)(
    'when %s is set to every 0.25 minutes, then it runs every 15 s and its attempts stay 0',
    async (key, env, service) => {
      const { container } = createTestApp({ clock, env });
      const { jobs } = container.services;
      await container.services[service].ensureScheduled();
      for (let run = 0; run < 20; run += 1) {
        expect(await jobs.runDue()).toBe(1);
        expect(await job(key)).toMatchObject({ attempts: 0, runAt: new Date(clock.nowMs() + 15 * SECOND) });
        clock.advance(15 * SECOND - 1);
        expect(await jobs.runDue()).toBe(0);
        clock.advance(1);
      }
    },
  );

  it('when a recurring job fails, then error backoff applies and resets after its next success', async () => {
    const q = createMongoJobQueue({ clock, logger: createLogger('silent'), pollMs: 60_000 });
    const failOn = new Set([2, 3, 5]);
    let runs = 0;
    q.define('tick', async () => {
      runs += 1;
      if (failOn.has(runs)) throw new Error(`run ${runs} failed`);
      return { nextRunAt: new Date(clock.nowMs() + 60 * SECOND) };
    });
    await q.schedule('tick', 'tick', {}, clock.now());
    const expected = [
      { attempts: 0, after: 60 }, // 1 ok
      { attempts: 1, after: 5 }, // 2 failed
      { attempts: 2, after: 10 }, // 3 failed
      { attempts: 0, after: 60 }, // 4 ok: failures forgotten
      { attempts: 1, after: 5 }, // 5 failed: backoff starts again at 5 s
      { attempts: 0, after: 60 }, // 6 ok
    ];
    for (const step of expected) {
      expect(await q.runDue()).toBe(1);
      const tick = await job('tick');
      expect({ attempts: tick!.attempts, after: (tick!.runAt.getTime() - clock.nowMs()) / SECOND }).toEqual(step);
      clock.set(tick!.runAt);
    }
    expect(runs).toBe(6);
  });
});
