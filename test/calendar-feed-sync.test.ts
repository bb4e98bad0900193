import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createAdmin } from './support/app';
import { readySpecialist } from './support/booking';
import { calendarFixture, startFeedServer, type FeedServer } from './support/feed-server';
import { useStack } from './support/stack';
import { waitFor } from './support/wait';
import { CalendarFeedModel } from '../src/models/calendar-feed.model';

describe('calendar feed sync', () => {
  const stack = useStack({ now: '2026-10-19T06:00:00Z', env: { CALENDAR_FEED_ALLOW_PRIVATE: 'true' } });
  let feeds: FeedServer;
  beforeAll(async () => {
    feeds = await startFeedServer();
  });
  afterAll(() => feeds.close());

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('when the feed later answers 500 or garbage, then its last good copy keeps blocking and the error and its age show; after the stale hours the specialist and admins are told once', async () => {
    const admin = await createAdmin(stack.container);
    const s = await readySpecialist(stack.app);
    const secretPath = '/private-5ecret-abc/basic.ics';
    const url = feeds.serve(secretPath, {
      status: 200,
      body: calendarFixture('weekly-dst.ics'),
      headers: { etag: '"v1"' },
    });
    const added = await request(stack.app)
      .post('/api/specialists/me/calendars')
      .set(as(s.token))
      .send({ url, label: 'Work' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({
      id: expect.any(String),
      label: 'Work',
      host: '127.0.0.1',
      hint: '….ics',
      lastSyncAt: '2026-10-19T06:00:00.000Z',
      lastError: null,
      lastErrorAt: null,
      stale: false,
      busyCount: 4, // 20 Oct, 27 Oct, 4 Nov (moved), 17 Nov: 10 Nov is deleted, 24 Nov beyond the 30-day horizon
    });
    // The address is a secret: never in a response, sealed at rest.
    expect(JSON.stringify(added.body)).not.toContain('5ecret');
    const stored = await CalendarFeedModel.findById(added.body.id).lean();
    expect(stored!.urlSealed).not.toContain('5ecret');
    const id = added.body.id as string;

    // Unchanged: a conditional GET answered 304 keeps everything.
    stack.clock.advance(10 * 60_000);
    const same = await request(stack.app).post(`/api/specialists/me/calendars/${id}/sync`).set(as(s.token));
    expect(same.status).toBe(200);
    expect(feeds.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(same.body).toMatchObject({ lastError: null, busyCount: 4, lastSyncAt: '2026-10-19T06:10:00.000Z' });

    feeds.serve(secretPath, { status: 500, body: 'oops' });
    stack.clock.advance(10 * 60_000);
    const failed = await request(stack.app).post(`/api/specialists/me/calendars/${id}/sync`).set(as(s.token));
    expect(failed.body).toMatchObject({
      lastError: 'The calendar server answered HTTP 500',
      lastErrorAt: '2026-10-19T06:20:00.000Z',
      lastSyncAt: '2026-10-19T06:10:00.000Z',
      busyCount: 4,
    });
    feeds.serve(secretPath, { status: 200, body: '<html>not a calendar</html>' });
    const garbage = await request(stack.app).post(`/api/specialists/me/calendars/${id}/sync`).set(as(s.token));
    expect(garbage.body.lastError).toMatch(/^Not an iCalendar file/);
    expect(garbage.body.busyCount).toBe(4);
    const slots = await request(stack.app).get(`/api/specialists/${s.user.id}/slots?from=2026-10-20&to=2026-10-20`);
    expect(slots.body.slots.map((x: { start: string }) => x.start)).not.toContain('2026-10-20T08:00:00.000Z');

    // Stale: the sweep's sync finds it 24 h old and tells the specialist and the admins, once.
    stack.clock.advance(24 * 3_600_000);
    await stack.container.services.calendarFeeds.syncFeed(id);
    await stack.container.services.calendarFeeds.syncFeed(id);
    await stack.container.services.jobs.runDue();
    await waitFor(() => stack.smtp.to(admin.user.email).length === 1 && stack.smtp.to(s.user.email).length === 1);
    expect(stack.smtp.to(s.user.email)[0]!.subject).toBe('Calendar "Work" has not synced');
    expect(stack.smtp.to(s.user.email)[0]!.text).toContain('/specialist/profile');
    const fresh = await stack.container.services.jwt.signAccessToken({ userId: s.user.id, role: 'specialist' });
    const listed = await request(stack.app).get('/api/specialists/me/calendars').set(as(fresh));
    expect(listed.body.items).toEqual([expect.objectContaining({ id, stale: true, busyCount: 4 })]);
  });

  it('when a specialist adds a sixth feed, or a feed that is not a calendar, then 422', async () => {
    const s = await readySpecialist(stack.app);
    const bad = await request(stack.app)
      .post('/api/specialists/me/calendars')
      .set(as(s.token))
      .send({ url: feeds.serve('/missing.ics', { status: 404 }), label: 'Gone' });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({
      code: 'CALENDAR_FEED_INVALID',
      details: { reason: 'The calendar server answered HTTP 404' },
    });
    const url = feeds.serve('/ok.ics', { status: 200, body: calendarFixture('all-day.ics') });
    for (let i = 0; i < 5; i += 1) {
      const res = await request(stack.app)
        .post('/api/specialists/me/calendars')
        .set(as(s.token))
        .send({ url, label: `c${i}` });
      expect(res.status).toBe(201);
    }
    const sixth = await request(stack.app)
      .post('/api/specialists/me/calendars')
      .set(as(s.token))
      .send({ url, label: 'c6' });
    expect(sixth.status).toBe(422);
    expect(sixth.body.error.code).toBe('CALENDAR_FEED_LIMIT');
    const list = await request(stack.app).get('/api/specialists/me/calendars').set(as(s.token));
    const removed = await request(stack.app)
      .delete(`/api/specialists/me/calendars/${list.body.items[0].id}`)
      .set(as(s.token));
    expect(removed.status).toBe(204);
    expect((await request(stack.app).get('/api/specialists/me/calendars').set(as(s.token))).body.items).toHaveLength(4);
  });

  it('when the sweep runs, then each feed is synced by its own job, again every CALENDAR_SYNC_EVERY_MINUTES', async () => {
    const s = await readySpecialist(stack.app);
    const url = feeds.serve('/swept.ics', { status: 200, body: calendarFixture('all-day.ics') });
    const added = await request(stack.app)
      .post('/api/specialists/me/calendars')
      .set(as(s.token))
      .send({ url, label: 'S' });
    const before = feeds.requests.filter((r) => r.path === '/swept.ics').length;
    const { calendarFeeds, jobs } = stack.container.services;
    await calendarFeeds.ensureScheduled();
    let last = (await CalendarFeedModel.findById(added.body.id).lean())!.lastSyncAt!;
    for (const step of [1, 2]) {
      stack.clock.advance(10 * 60_000);
      await jobs.runDue(); // the sweep queues one job per feed, spaced a little
      stack.clock.advance(60_000);
      for (let i = 0; i < 2; i += 1) await jobs.runDue();
      const feed = await CalendarFeedModel.findById(added.body.id).lean();
      expect(feed!.lastSyncAt!.getTime()).toBeGreaterThan(last.getTime());
      last = feed!.lastSyncAt!;
      expect(feeds.requests.filter((r) => r.path === '/swept.ics').length).toBe(before + step);
    }
  });

  it('when a feed has a malformed value or a rule too costly to expand, then adding it is a 422 and a sync keeps the last good copy with the reason stored', async () => {
    const s = await readySpecialist(stack.app);
    const ics = (...lines: string[]) =>
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:h@x', ...lines, 'END:VEVENT', 'END:VCALENDAR'].join(
        '\r\n',
      );
    const malformed = ics('DTSTART:20261020T080000Z', 'DURATION:garbage');
    const bomb = ics(
      'DTSTART:20200101T000000Z',
      'DURATION:PT1H',
      'RRULE:FREQ=MINUTELY;BYMONTH=12;BYMONTHDAY=31;BYHOUR=23',
    );
    for (const [path, body, reason] of [
      ['/malformed.ics', malformed, /^The calendar could not be read \(/],
      ['/bomb.ics', bomb, /too complex to expand/],
    ] as const) {
      const t0 = Date.now();
      const res = await request(stack.app)
        .post('/api/specialists/me/calendars')
        .set(as(s.token))
        .send({ url: feeds.serve(path, { status: 200, body }), label: 'H' });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({
        code: 'CALENDAR_FEED_INVALID',
        details: { reason: expect.stringMatching(reason) },
      });
      expect(Date.now() - t0).toBeLessThan(4_000);
    }

    const path = '/turns-bad.ics';
    const added = await request(stack.app)
      .post('/api/specialists/me/calendars')
      .set(as(s.token))
      .send({ url: feeds.serve(path, { status: 200, body: calendarFixture('weekly-dst.ics') }), label: 'W' });
    expect(added.status).toBe(201);
    for (const [body, reason] of [
      [malformed, /^The calendar could not be read \(/],
      [bomb, /too complex to expand/],
    ] as const) {
      feeds.serve(path, { status: 200, body });
      stack.clock.advance(10 * 60_000);
      const synced = await request(stack.app)
        .post(`/api/specialists/me/calendars/${added.body.id}/sync`)
        .set(as(s.token));
      expect(synced.status).toBe(200);
      expect(synced.body).toMatchObject({
        lastError: expect.stringMatching(reason),
        lastSyncAt: '2026-10-19T06:00:00.000Z',
        busyCount: 4,
      });
    }
    // The stale check still runs after such a failure (no exception skips it).
    stack.clock.advance(24 * 3_600_000);
    await stack.container.services.calendarFeeds.syncFeed(added.body.id);
    expect((await CalendarFeedModel.findById(added.body.id).lean())!.staleNotifiedAt).toBeTruthy();
    const slots = await request(stack.app).get(`/api/specialists/${s.user.id}/slots?from=2026-10-27&to=2026-10-27`);
    expect(slots.body.slots.map((x: { start: string }) => x.start)).not.toContain('2026-10-27T08:00:00.000Z');
  });

  it('when a feed keeps failing for days, then the time past its last good expansion counts as busy (fail closed) until it syncs again', async () => {
    const s = await readySpecialist(stack.app);
    const daily = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'UID:d@x',
      'DTSTART;TZID=Europe/Berlin:20261019T100000',
      'DTEND;TZID=Europe/Berlin:20261019T110000',
      'RRULE:FREQ=DAILY',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const path = '/daily-then-down.ics';
    const added = await request(stack.app)
      .post('/api/specialists/me/calendars')
      .set(as(s.token))
      .send({ url: feeds.serve(path, { status: 200, body: daily }), label: 'D' });
    expect(added.status).toBe(201);
    const expandedUntil = (await CalendarFeedModel.findById(added.body.id).lean())!.expandedUntil!;
    feeds.serve(path, { status: 500 });
    stack.clock.advance(5 * 86_400_000);
    await stack.container.services.calendarFeeds.syncFeed(added.body.id); // fails: the last good copy stays
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const after = new Date(expandedUntil.getTime() + 86_400_000);
    const slots = await request(stack.app).get(
      `/api/specialists/${s.user.id}/slots?from=${day(after)}&to=${day(after)}`,
    );
    expect(slots.status).toBe(200);
    expect(slots.body.slots).toEqual([]);

    feeds.serve(path, { status: 200, body: daily });
    await stack.container.services.calendarFeeds.syncFeed(added.body.id);
    const back = await request(stack.app).get(
      `/api/specialists/${s.user.id}/slots?from=${day(after)}&to=${day(after)}`,
    );
    const starts = back.body.slots.map((x: { start: string }) => x.start);
    expect(starts.length).toBeGreaterThan(0);
    expect(starts).not.toContain(`${day(after)}T09:00:00.000Z`); // the daily event, 10:00 Berlin in winter
  });

  it('when the specialist changes time zone, then the next sync fetches the feed in full (no 304 keeps all-day events of the old zone)', async () => {
    const everyDay = (timezone: string) => ({
      timezone,
      weekly: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({
        day,
        start: '05:00',
        end: '12:00',
      })),
      slotMinutes: 60,
      bufferMinutes: 0,
      minNoticeMinutes: 60,
      maxDaysAhead: 30,
      headline: 'x',
    });
    const s = await readySpecialist(stack.app, { zoom: false, availability: everyDay('Europe/Berlin') });
    const url = feeds.serve('/tz-allday.ics', {
      status: 200,
      body: calendarFixture('all-day.ics'),
      headers: { etag: '"a"' },
    });
    const added = await request(stack.app)
      .post('/api/specialists/me/calendars')
      .set(as(s.token))
      .send({ url, label: 'x' });
    expect(added.status).toBe(201);
    const moved = await request(stack.app)
      .put('/api/specialists/me/availability')
      .set(as(s.token))
      .send(everyDay('Asia/Tokyo'));
    expect(moved.status).toBe(200);
    await stack.container.services.calendarFeeds.syncFeed(added.body.id);
    expect(feeds.requests.at(-1)!.headers['if-none-match']).toBeUndefined();
    const stored = await CalendarFeedModel.findById(added.body.id).lean();
    // 22 Oct in Tokyo
    expect(stored!.busy[0]).toEqual({ start: new Date('2026-10-21T15:00:00Z'), end: new Date('2026-10-22T15:00:00Z') });
    const slots = await request(stack.app).get(`/api/specialists/${s.user.id}/slots?from=2026-10-22&to=2026-10-22`);
    expect(slots.body.slots).toEqual([]); // the whole Tokyo day is off

    // In the same zone again, the conditional GET (and its 304) is back.
    await stack.container.services.calendarFeeds.syncFeed(added.body.id);
    expect(feeds.requests.at(-1)!.headers['if-none-match']).toBe('"a"');
  });

  it('when a sync now and the job sync one feed at the same moment, then one fetch runs at a time (no older body overwrites a newer)', async () => {
    const body = calendarFixture('weekly-dst.ics');
    let active = 0;
    let peak = 0;
    let delayMs = 0;
    let served = 0;
    const server = http.createServer((_req, res) => {
      served += 1;
      active += 1;
      peak = Math.max(peak, active);
      setTimeout(() => {
        active -= 1;
        res.writeHead(200, { 'content-type': 'text/calendar' }).end(body);
      }, delayMs);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/c.ics`;
      const s = await readySpecialist(stack.app, { zoom: false });
      const added = await request(stack.app)
        .post('/api/specialists/me/calendars')
        .set(as(s.token))
        .send({ url, label: 'x' });
      expect(added.status).toBe(201);
      delayMs = 300;
      peak = 0;
      const syncNow = () =>
        request(stack.app).post(`/api/specialists/me/calendars/${added.body.id}/sync`).set(as(s.token));
      const [a, b] = await Promise.all([
        syncNow(),
        syncNow(),
        stack.container.services.calendarFeeds.syncFeed(added.body.id),
      ]);
      expect(peak).toBe(1);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect([a.body.busyCount, b.body.busyCount]).toEqual([4, 4]);
      // The lease is given back: the next sync fetches again.
      const hits = served;
      await stack.container.services.calendarFeeds.syncFeed(added.body.id);
      expect(served).toBe(hits + 1);
      expect((await CalendarFeedModel.findById(added.body.id).lean())!.syncLockedUntil ?? null).toBeNull();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
