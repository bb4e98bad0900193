import request from 'supertest';
import { createTestApp, registerUser, testConfig } from './support/app';
import { useTestDatabase } from './support/database';
import { startFeedServer, calendarFixture, type FeedServer } from './support/feed-server';
import { ConfigError } from '../src/config';
import { createFeedFetcher, normaliseFeedUrl } from '../src/services/calendar/safe-fetch';

/** Names the tests resolve themselves: what a hostile DNS answer could say. */
const dns: Record<string, string[]> = {
  'loopback.example': ['127.0.0.1'],
  'private.example': ['10.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': ['93.184.215.14', '10.0.0.1'],
};
const resolve = async (host: string) => dns[host] ?? [];

describe('safe fetching of calendar feeds', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  let feeds: FeedServer;
  beforeAll(async () => {
    db = await useTestDatabase();
    feeds = await startFeedServer();
  });
  afterAll(async () => {
    await feeds.close();
    await db.drop();
  });

  // One app and specialist per configuration: registering (argon2) is the slow part.
  const made = new Map<string, Promise<{ app: ReturnType<typeof createTestApp>['app']; token: string }>>();
  async function addFeed(env: Record<string, string>, url: string) {
    const key = JSON.stringify(env);
    if (!made.has(key))
      made.set(
        key,
        (async () => {
          const { app } = createTestApp({ env, calendarFetch: { resolve } });
          return { app, token: (await registerUser(app, 'specialist')).token };
        })(),
      );
    const { app, token } = await made.get(key)!;
    const list = await request(app).get('/api/specialists/me/calendars').set('Authorization', `Bearer ${token}`);
    for (const f of list.body.items as Array<{ id: string }>)
      await request(app).delete(`/api/specialists/me/calendars/${f.id}`).set('Authorization', `Bearer ${token}`);
    return request(app)
      .post('/api/specialists/me/calendars')
      .set('Authorization', `Bearer ${token}`)
      .send({ url, label: 'x' });
  }
  const reasonOf = (res: request.Response) => {
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CALENDAR_FEED_INVALID');
    return res.body.error.details.reason as string;
  };

  it.each([
    ['https://loopback.example/cal.ics', /private or local address/],
    ['https://private.example/cal.ics', /private or local address/],
    ['https://metadata.example/latest/meta-data', /private or local address/],
    ['https://mixed.example/cal.ics', /private or local address/],
    ['https://127.0.0.1/cal.ics', /private or local address/],
    ['https://[::1]/cal.ics', /private or local address/],
    ['https://[::ffff:169.254.169.254]/cal.ics', /private or local address/],
    ['https://10.0.0.1/cal.ics', /private or local address/],
    ['https://169.254.169.254/cal.ics', /private or local address/],
    ['ftp://example.com/cal.ics', /must start with https/],
    ['not a url', /not a valid URL/],
  ])('when the switch is off and the address is %s, then it is refused before any connection', async (url, reason) => {
    expect(reasonOf(await addFeed({}, url))).toMatch(reason);
  });

  it('when the switch is off, then even a loopback calendar server is refused (and plain http is never allowed)', async () => {
    const url = feeds.serve('/real.ics', { status: 200, body: calendarFixture('all-day.ics') });
    const before = feeds.requests.length;
    expect(reasonOf(await addFeed({}, url))).toMatch(/private or local address/);
    expect(feeds.requests.length).toBe(before);
  });

  it.each([
    ['http://10.0.0.1/cal.ics'],
    ['http://169.254.169.254/latest/meta-data/'],
    ['http://private.example/cal.ics'],
    ['http://metadata.example/'],
  ])('when the switch is on and the feed redirects to %s, then the redirect is refused', async (target) => {
    const url = feeds.serve(`/redirect-${encodeURIComponent(target)}`, { status: 302, headers: { location: target } });
    expect(reasonOf(await addFeed({ CALENDAR_FEED_ALLOW_PRIVATE: 'true' }, url))).toMatch(/private or local address/);
  });

  it('when the feed redirects more than 3 times, or is larger than CALENDAR_FEED_MAX_BYTES, then it is refused', async () => {
    const hop = (n: number) => `/hop${n}.ics`;
    for (let n = 0; n < 4; n += 1) feeds.serve(hop(n), { status: 301, headers: { location: hop(n + 1) } });
    feeds.serve(hop(4), { status: 200, body: calendarFixture('all-day.ics') });
    const env = { CALENDAR_FEED_ALLOW_PRIVATE: 'true' };
    expect(reasonOf(await addFeed(env, `${feeds.base}${hop(0)}`))).toBe('More than 3 redirects');
    expect((await addFeed(env, `${feeds.base}${hop(1)}`)).status).toBe(201); // exactly 3
    const big = feeds.serve('/big.ics', { status: 200, body: 'X'.repeat(5000) });
    expect(reasonOf(await addFeed({ ...env, CALENDAR_FEED_MAX_BYTES: '2048' }, big))).toMatch(/larger than 2048 bytes/);
  });

  it('when webcal:// is given, then it is fetched as https://; and the switch is refused in production', () => {
    expect(normaliseFeedUrl('webcal://calendar.example.com/a/basic.ics').toString()).toBe(
      'https://calendar.example.com/a/basic.ics',
    );
    expect(() =>
      testConfig({
        NODE_ENV: 'production',
        CALENDAR_FEED_ALLOW_PRIVATE: 'true',
        MONGODB_URI: 'mongodb://db',
        FRONTEND_URL: 'https://app.example',
        ZOOM_REDIRECT_URI: 'https://app.example/api/zoom/callback',
      }),
    ).toThrow(ConfigError);
    expect(() =>
      testConfig({
        NODE_ENV: 'production',
        CALENDAR_FEED_ALLOW_PRIVATE: 'true',
        MONGODB_URI: 'mongodb://db',
        FRONTEND_URL: 'https://app.example',
        ZOOM_REDIRECT_URI: 'https://app.example/api/zoom/callback',
      }),
    ).toThrow(/CALENDAR_FEED_ALLOW_PRIVATE: must not be true in production/);
  });

  it('when the name server does not answer, then the fetch still ends at CALENDAR_FEED_TIMEOUT_MS', async () => {
    const fetcher = createFeedFetcher({
      timeoutMs: 300,
      maxBytes: 1000,
      allowPrivate: false,
      resolve: () => new Promise<string[]>(() => undefined), // a lookup that hangs
    });
    const t0 = Date.now();
    await expect(fetcher.fetch('https://feed.example/cal.ics')).rejects.toThrow('No answer within 300 ms');
    expect(Date.now() - t0).toBeLessThan(1_500);
  });
});
