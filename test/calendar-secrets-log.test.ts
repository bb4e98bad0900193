import { Writable } from 'node:stream';
import request from 'supertest';
import { ManualClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import { createTestApp, registerUser } from './support/app';
import { useTestDatabase } from './support/database';
import { calendarFixture, startFeedServer } from './support/feed-server';

describe('calendar addresses are secrets', () => {
  it('when feeds are added, fail and are fetched, then no log line carries a feed address or a subscription token', async () => {
    const db = await useTestDatabase();
    const feeds = await startFeedServer();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    try {
      const { app, container } = createTestApp({
        clock: new ManualClock('2026-10-19T06:00:00Z'),
        env: { CALENDAR_FEED_ALLOW_PRIVATE: 'true' },
        logger: createLogger('info', sink),
      });
      const s = await registerUser(app, 'specialist');
      const secret = 'private-7f3a9c1e55d0/basic.ics';
      const url = feeds.serve(`/${secret}`, { status: 200, body: calendarFixture('all-day.ics') });
      const added = await request(app)
        .post('/api/specialists/me/calendars')
        .set('Authorization', `Bearer ${s.token}`)
        .send({ url, label: 'Home' });
      expect(added.status).toBe(201);
      feeds.serve(`/${secret}`, { status: 503 });
      await container.services.calendarFeeds.syncFeed(added.body.id);
      const sub = await request(app).get('/api/me/calendar-feed').set('Authorization', `Bearer ${s.token}`);
      const token = new URL(sub.body.url).pathname.split('/').pop()!.replace('.ics', '');
      expect((await request(app).get(`/api/calendar/${token}.ics`)).status).toBe(200);
      const all = lines.join('\n');
      expect(all).toContain('Calendar feed sync failed');
      expect(all).toContain('/api/calendar/[redacted]');
      expect(all).not.toContain('7f3a9c1e55d0');
      expect(all).not.toContain(token);
    } finally {
      await feeds.close();
      await db.drop();
    }
  });
});
