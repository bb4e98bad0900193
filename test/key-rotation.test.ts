import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../src/lib/logger';
import { CalendarFeedModel } from '../src/models/calendar-feed.model';
import { CalendarSubscriptionModel } from '../src/models/calendar-subscription.model';
import { RetiredGrantModel } from '../src/models/retired-grant.model';
import { UserOAuthTokenModel } from '../src/models/user-oauth-token.model';
import { createSmtpTransport } from '../src/services/mail/mail-transport';
import { createTestApp, registerUser, TEST_ENCRYPTION_KEY, uniqueEmail, type TestApp } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { calendarFixture, startFeedServer, type FeedServer } from './support/feed-server';
import { useStack } from './support/stack';
import { authorizeAtZoom, sandboxEnv, zoomCallback } from './support/zoom';

const NOW = '2026-11-23T08:00:00.000Z';
const NEW_KEY = 'b'.repeat(64);
const DELETE = 'DELETE /v2/meetings/:meetingId';

/**
 * README "Rotating the encryption key": with TOKEN_ENCRYPTION_KEY_PREVIOUS set, everything sealed with the old key
 * is written again under the new one (when read, or by maintenance), so that removing the previous key breaks no
 * calendar feed, subscription address or unfinished reconnect move.
 */
describe('rotating TOKEN_ENCRYPTION_KEY', () => {
  const s = useStack({ now: NOW, env: { CALENDAR_FEED_ALLOW_PRIVATE: 'true' } });
  let feeds: FeedServer;
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  beforeAll(async () => {
    feeds = await startFeedServer();
  });
  afterAll(() => feeds.close());

  /** The same database, sandbox and clock under other keys: what each deploy of the rotation runs. */
  const appWith = (keys: Record<string, string>): TestApp =>
    createTestApp({
      clock: s.clock,
      env: { ...sandboxEnv(s.sandbox), CALENDAR_FEED_ALLOW_PRIVATE: 'true', ...keys },
      logger: createLogger('info', sink),
      mailTransport: createSmtpTransport(s.smtp.url),
    });
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  /**
   * Under the old key: a specialist with a booking, a calendar feed and a subscription address, who reconnected to
   * another Zoom account while the old account refused deletes: the move is unfinished, its retired grant active.
   */
  async function sealedWithOldKey() {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const booked = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-25T09:00:00Z',
    });
    const oldMeetingId = booked.body.meeting.zoomMeetingId as string;
    const url = feeds.serve(`/secret-${specialist.user.id}.ics`, {
      status: 200,
      body: calendarFixture('weekly-dst.ics'),
    });
    const feed = await request(s.app)
      .post('/api/specialists/me/calendars')
      .set(as(specialist.token))
      .send({ url, label: 'Work' });
    expect(feed.status).toBe(201);
    const subscription = (await request(s.app).get('/api/me/calendar-feed').set(as(specialist.token))).body.url;
    s.sandbox.inject({ route: DELETE, status: 503, times: Infinity });
    const { redirect, cookie } = await authorizeAtZoom(s.app, specialist.token, uniqueEmail('newzoom'));
    const callback = await zoomCallback(s.app, redirect.search, cookie);
    expect(callback.headers.location).toMatch(/zoom=connected/);
    const retired = await RetiredGrantModel.findOne({ specialistId: specialist.user.id }).lean();
    expect(retired).toMatchObject({ state: 'active', finishedAt: null });
    return { specialist, feedId: feed.body.id as string, subscription, oldMeetingId, retiredId: retired!._id };
  }

  async function sealedValues(x: Awaited<ReturnType<typeof sealedWithOldKey>>) {
    const [feed, sub, retired, grant] = await Promise.all([
      CalendarFeedModel.findById(x.feedId).lean(),
      CalendarSubscriptionModel.findOne({ userId: x.specialist.user.id }).lean(),
      RetiredGrantModel.findById(x.retiredId).lean(),
      UserOAuthTokenModel.findOne({ userId: x.specialist.user.id }).lean(),
    ]);
    return [feed!.urlSealed, sub!.tokenSealed, retired!.zoomRefreshToken, grant!.zoomRefreshToken] as string[];
  }

  /** After PREVIOUS is removed: the feed syncs, the address is the same and serves, the move finishes. */
  async function stillWorkingWithNewKeyOnly(x: Awaited<ReturnType<typeof sealedWithOldKey>>) {
    const after = appWith({ TOKEN_ENCRYPTION_KEY: NEW_KEY });
    const fetched = feeds.requests.length;
    const synced = await request(after.app)
      .post(`/api/specialists/me/calendars/${x.feedId}/sync`)
      .set(as(x.specialist.token));
    expect([synced.status, synced.body.lastError]).toEqual([200, null]);
    expect(feeds.requests.length).toBe(fetched + 1);
    const shown = await request(after.app).get('/api/me/calendar-feed').set(as(x.specialist.token));
    expect([shown.status, shown.body.url]).toEqual([200, x.subscription]);
    expect((await request(after.app).get(new URL(x.subscription).pathname)).status).toBe(200);
    s.sandbox.clearFaults();
    s.clock.advance(10 * 60_000);
    await drainJobs(after.container);
    expect(s.sandbox.meetings().some((m) => String(m.id) === x.oldMeetingId)).toBe(false);
    expect(await RetiredGrantModel.findById(x.retiredId).lean()).toMatchObject({ state: 'revoked' });
  }

  it('when maintenance runs during the rotation, then everything is re-sealed under the new key and it says the old key can go', async () => {
    const x = await sealedWithOldKey();
    const rotating = appWith({ TOKEN_ENCRYPTION_KEY: NEW_KEY, TOKEN_ENCRYPTION_KEY_PREVIOUS: TEST_ENCRYPTION_KEY });
    const current = `v2.${rotating.container.cipher.keyId}.`;
    expect((await sealedValues(x)).filter((v) => v.startsWith(current))).toEqual([]);
    await rotating.container.services.maintenance.sweep();
    expect((await sealedValues(x)).every((v) => v.startsWith(current))).toBe(true);
    const said = lines.filter((l) => l.msg === 'Re-sealed secrets under the current encryption key');
    expect(said.at(-1)).toMatchObject({
      resealed: { grants: 1, retiredGrants: 1, calendarFeeds: 1, calendarSubscriptions: 1 },
    });
    await rotating.container.services.maintenance.sweep();
    expect(lines.at(-1)).toMatchObject({
      msg: 'Nothing is sealed with the previous encryption key: TOKEN_ENCRYPTION_KEY_PREVIOUS can be removed',
    });
    await expect(
      appWith({ TOKEN_ENCRYPTION_KEY: NEW_KEY }).container.services.zoom.tokens.getAccessToken(x.specialist.user.id),
    ).resolves.toEqual(expect.any(String));
    await stillWorkingWithNewKeyOnly(x);
  });

  it('when the feed, the address and the retired grant are used during the rotation, then each is re-sealed as it is read', async () => {
    const x = await sealedWithOldKey();
    // As older releases retired a grant: the grant's values copied as they were, bound to the specialist's grant.
    const old = s.container.cipher;
    const rg = (await RetiredGrantModel.findById(x.retiredId).lean())!;
    const asGrant = (field: 'zoomAccessToken' | 'zoomRefreshToken') =>
      old.encrypt(old.decrypt(rg[field]!), { record: x.specialist.user.id, field });
    await RetiredGrantModel.updateOne(
      { _id: x.retiredId },
      { $set: { zoomAccessToken: asGrant('zoomAccessToken'), zoomRefreshToken: asGrant('zoomRefreshToken') } },
    );
    const rotating = appWith({ TOKEN_ENCRYPTION_KEY: NEW_KEY, TOKEN_ENCRYPTION_KEY_PREVIOUS: TEST_ENCRYPTION_KEY });
    const current = `v2.${rotating.container.cipher.keyId}.`;
    await request(rotating.app)
      .post(`/api/specialists/me/calendars/${x.feedId}/sync`)
      .set(as(x.specialist.token))
      .expect(200);
    await request(rotating.app).get('/api/me/calendar-feed').set(as(x.specialist.token)).expect(200);
    s.clock.advance(10 * 60_000);
    await drainJobs(rotating.container); // the move's job: the old account still refuses, the grant was read
    const [feed, sub, retired] = await sealedValues(x);
    expect([feed, sub, retired].map((v) => v!.startsWith(current))).toEqual([true, true, true]);
    await stillWorkingWithNewKeyOnly(x);
  });
});
