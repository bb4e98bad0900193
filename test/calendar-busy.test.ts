import { DateTime } from 'luxon';
import request from 'supertest';
import { registerUser } from './support/app';
import { book, readySpecialist } from './support/booking';
import { calendarFixture, startFeedServer, type FeedServer } from './support/feed-server';
import { useStack } from './support/stack';

const everyDay = (timezone: string, start: string, end: string) => ({
  timezone,
  weekly: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({ day, start, end })),
  slotMinutes: 60,
  bufferMinutes: 0,
  minNoticeMinutes: 60,
  maxDaysAhead: 40,
  headline: 'Calendars',
});

describe('busy times from calendar feeds', () => {
  // Monday 19 Oct 2026: Berlin leaves summer time on 25 Oct, New York on 1 Nov.
  const stack = useStack({ now: '2026-10-19T06:00:00Z', env: { CALENDAR_FEED_ALLOW_PRIVATE: 'true' } });
  let feeds: FeedServer;
  beforeAll(async () => {
    feeds = await startFeedServer();
    for (const name of ['weekly-dst.ics', 'all-day.ics', 'transparent-cancelled.ics'])
      feeds.serve(`/${name}`, { status: 200, body: calendarFixture(name) });
  });
  afterAll(() => feeds.close());

  async function specialistWithFeeds(timezone: string, start: string, end: string) {
    const s = await readySpecialist(stack.app, { availability: everyDay(timezone, start, end) });
    for (const name of ['weekly-dst.ics', 'all-day.ics', 'transparent-cancelled.ics']) {
      const res = await request(stack.app)
        .post('/api/specialists/me/calendars')
        .set('Authorization', `Bearer ${s.token}`)
        .send({ url: `${feeds.base}/${name}`, label: name });
      expect(res.status).toBe(201);
    }
    return s;
  }

  /** Free slot starts per local day, as "HH:mm" in the specialist's zone. */
  async function localSlots(id: string, timezone: string, from: string, to: string) {
    const res = await request(stack.app).get(`/api/specialists/${id}/slots?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    const byDay: Record<string, string[]> = {};
    for (const s of res.body.slots as Array<{ start: string }>) {
      const local = DateTime.fromISO(s.start, { zone: timezone });
      (byDay[local.toISODate()!] ??= []).push(local.toFormat('HH:mm'));
    }
    return byDay;
  }

  it('when a weekly New York event has a moved and a deleted occurrence across both DST changes, then exactly its slots are blocked in Berlin and in Tokyo', async () => {
    const berlin = await specialistWithFeeds('Europe/Berlin', '09:00', '12:00');
    const b = await localSlots(berlin.user.id, 'Europe/Berlin', '2026-10-20', '2026-11-17');
    expect(b['2026-10-20']).toEqual(['09:00', '11:00']); // 04:00 EDT = 10:00 CEST
    expect(b['2026-10-27']).toEqual(['10:00', '11:00']); // 04:00 EDT = 09:00 CET
    expect(b['2026-11-03']).toEqual(['09:00', '10:00', '11:00']); // moved away…
    expect(b['2026-11-04']).toEqual(['09:00', '10:00']); // …to Wednesday 05:00 EST = 11:00 CET
    expect(b['2026-11-10']).toEqual(['09:00', '10:00', '11:00']); // EXDATE
    expect(b['2026-11-17']).toEqual(['09:00', '11:00']); // 04:00 EST = 10:00 CET

    const tokyo = await specialistWithFeeds('Asia/Tokyo', '16:00', '20:00');
    const t = await localSlots(tokyo.user.id, 'Asia/Tokyo', '2026-10-20', '2026-11-17');
    expect(t['2026-10-20']).toEqual(['16:00', '18:00', '19:00']); // 08:00Z = 17:00 JST
    expect(t['2026-10-27']).toEqual(['16:00', '18:00', '19:00']);
    expect(t['2026-11-03']).toEqual(['16:00', '17:00', '18:00', '19:00']);
    expect(t['2026-11-04']).toEqual(['16:00', '17:00', '18:00']); // 10:00Z = 19:00 JST
    expect(t['2026-11-10']).toEqual(['16:00', '17:00', '18:00', '19:00']);
    expect(t['2026-11-17']).toEqual(['16:00', '17:00', '19:00']); // 09:00Z = 18:00 JST
  });

  it('when an all-day event, a floating event, a transparent and a cancelled one are in the feeds, then only the first two block, in the specialist’s zone', async () => {
    const berlin = await specialistWithFeeds('Europe/Berlin', '09:00', '12:00');
    const b = await localSlots(berlin.user.id, 'Europe/Berlin', '2026-10-21', '2026-10-23');
    expect(b['2026-10-21']).toEqual(['09:00', '10:00', '11:00']); // transparent 10:00, cancelled 11:00
    expect(b['2026-10-22']).toBeUndefined(); // the whole Berlin day
    expect(b['2026-10-23']).toEqual(['10:00', '11:00']); // floating 09:00 read as Berlin time
    const tokyo = await specialistWithFeeds('Asia/Tokyo', '16:00', '20:00');
    const t = await localSlots(tokyo.user.id, 'Asia/Tokyo', '2026-10-21', '2026-10-23');
    expect(t['2026-10-22']).toBeUndefined(); // the whole Tokyo day
    expect(t['2026-10-21']).toEqual(['16:00', '17:00', '18:00', '19:00']);
  });

  it('when a booking or a move overlaps a busy time, then 409 CALENDAR_BUSY, and nothing is fetched in the request', async () => {
    const berlin = await specialistWithFeeds('Europe/Berlin', '09:00', '12:00');
    const customer = await registerUser(stack.app, 'customer');
    const fetchedBefore = feeds.requests.length;
    const busy = await book(stack.app, customer.token, { specialistId: berlin.user.id, start: '2026-10-20T08:00:00Z' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('CALENDAR_BUSY');
    const ok = await book(stack.app, customer.token, { specialistId: berlin.user.id, start: '2026-10-20T07:00:00Z' });
    expect(ok.status).toBe(201);
    const move = await request(stack.app)
      .post(`/api/bookings/${ok.body.id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-10-27T08:00:00Z' });
    expect(move.status).toBe(409);
    expect(move.body.error.code).toBe('CALENDAR_BUSY');
    expect(feeds.requests.length).toBe(fetchedBefore);
  });
});
