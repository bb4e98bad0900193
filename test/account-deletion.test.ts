import mongoose from 'mongoose';
import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { CalendarFeedModel } from '../src/models/calendar-feed.model';
import { JobModel } from '../src/models/job.model';
import { RetiredGrantModel } from '../src/models/retired-grant.model';
import { StrayMeetingModel } from '../src/models/stray-meeting.model';
import { UserOAuthTokenModel } from '../src/models/user-oauth-token.model';
import { UserModel } from '../src/models/user.model';
import { ZoomBusyModel } from '../src/models/zoom-busy.model';
import { registerUser, uniqueEmail } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { calendarFixture, startFeedServer, type FeedServer } from './support/feed-server';
import { useStack } from './support/stack';
import { authorizeAtZoom, zoomCallback } from './support/zoom';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';

/** Every stored document that mentions `needle` (a name or an address), by collection. */
async function mentions(needle: string): Promise<string[]> {
  const found: string[] = [];
  // jongodb has no listCollections: every collection belongs to a model.
  for (const model of Object.values(mongoose.models)) {
    for (const doc of await model.find().lean()) {
      if (JSON.stringify(doc).toLowerCase().includes(needle.toLowerCase())) found.push(model.collection.name);
    }
  }
  return [...new Set(found)];
}

describe('deleting an account', () => {
  const s = useStack({ now: NOW });
  const del = (token: string, body: object = {}) =>
    request(s.app).delete('/api/me').set('Authorization', `Bearer ${token}`).send(body);

  it('when a specialist deletes their account, then upcoming bookings are cancelled with mails and Zoom deletions, the grant is revoked, past bookings keep only facts, and nothing of them remains', async () => {
    const specialist = await readySpecialist(s.app, { name: 'Sam Deleteme' });
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo Stays' });
    const past = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-23T10:00:00Z',
      topic: 'Past topic',
      notes: 'Past notes',
    });
    const upcoming = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-25T08:00:00Z',
      topic: 'Upcoming topic',
    });
    expect([past.status, upcoming.status]).toEqual([201, 201]);
    await drainJobs(s.container);
    s.clock.set('2026-11-23T12:00:00Z'); // the first booking is over
    const login = await request(s.app)
      .post('/api/auth/login')
      .send({ email: specialist.user.email, password: specialist.password });

    const refused = await del(specialist.token, { password: 'not my password' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('WRONG_PASSWORD');
    expect((await del(specialist.token)).body.error.code).toBe('REAUTHENTICATION_REQUIRED'); // signed in long ago
    expect(await UserModel.exists({ _id: specialist.user.id })).not.toBeNull();

    const deleted = await del(specialist.token, { password: specialist.password });
    expect(deleted.status).toBe(204);
    await drainJobs(s.container);

    for (const token of [specialist.token, login.body.token]) {
      expect((await request(s.app).get('/api/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    }
    expect(
      (
        await request(s.app)
          .post('/api/auth/login')
          .send({ email: specialist.user.email, password: specialist.password })
      ).status,
    ).toBe(401);
    // Zoom: the upcoming meeting deleted, the grant revoked; no token of theirs is stored.
    expect(s.sandbox.meetings().find((m) => String(m.id) === upcoming.body.meeting.zoomMeetingId)).toBeUndefined();
    expect(s.sandbox.calls('POST /oauth/revoke')).toBe(1);
    expect(await UserOAuthTokenModel.countDocuments({ userId: specialist.user.id })).toBe(0);
    // The customer heard about the cancellation.
    expect(s.smtp.to(customer.user.email).map((m) => m.subject)).toContainEqual(expect.stringMatching(/cancelled/i));
    // Bookings keep only the facts.
    const [pastStored, upcomingStored] = await Promise.all([
      BookingModel.findById(past.body.id).lean(),
      BookingModel.findById(upcoming.body.id).lean(),
    ]);
    expect(pastStored).toMatchObject({ status: 'confirmed', topic: null, notes: null, zoomJoinUrl: null });
    expect(upcomingStored).toMatchObject({ status: 'cancelled', topic: null });
    // Once the cancellation mails have gone out, the sweep purges their copies and the account's last record.
    s.clock.advance(3 * 60_000);
    await s.container.services.accountDeletion.resumeDeletions();
    expect(await UserModel.exists({ _id: specialist.user.id })).toBeNull();
    expect(await mentions(specialist.user.email)).toEqual([]);
    expect(await mentions('Sam Deleteme')).toEqual([]);
    // The customer's own account and history still work.
    const list = await request(s.app).get('/api/bookings').set('Authorization', `Bearer ${customer.token}`);
    expect(list.status).toBe(200);
  });

  it('when a customer deletes right after signing in, then no password is needed and their upcoming booking is cancelled', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer', { name: 'Quick Leaver' });
    const booking = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-26T08:00:00Z',
    });
    await drainJobs(s.container);
    expect((await del(customer.token)).status).toBe(204);
    await drainJobs(s.container);
    expect(await BookingModel.findById(booking.body.id).lean()).toMatchObject({ status: 'cancelled' });
    expect(s.smtp.to(specialist.user.email).map((m) => m.subject)).toContainEqual(expect.stringMatching(/cancelled/i));
    s.clock.advance(3 * 60_000);
    await s.container.services.accountDeletion.resumeDeletions();
    expect(await mentions(customer.user.email)).toEqual([]);
  });

  it('when Zoom cannot delete a meeting, then every token dies at once and the deletion finishes after Zoom does', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const booking = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-27T08:00:00Z',
    });
    await drainJobs(s.container);
    s.sandbox.inject({ route: 'DELETE /v2/meetings/:meetingId', status: 503, times: Infinity });
    const res = await del(specialist.token, { password: specialist.password });
    expect(res.status).toBe(202);
    expect((await request(s.app).get('/api/me').set('Authorization', `Bearer ${specialist.token}`)).status).toBe(401);
    expect(await UserModel.exists({ _id: specialist.user.id })).not.toBeNull();
    expect(await UserOAuthTokenModel.countDocuments({ userId: specialist.user.id, isRevoked: false })).toBe(1);

    s.sandbox.clearFaults();
    s.clock.advance(3 * 60_000);
    await drainJobs(s.container); // the cancel's meeting deletion retries
    await s.container.services.accountDeletion.resumeDeletions();
    expect(s.sandbox.meetings().find((m) => String(m.id) === booking.body.meeting.zoomMeetingId)).toBeUndefined();
    expect(await UserModel.exists({ _id: specialist.user.id })).toBeNull();
    expect(await UserOAuthTokenModel.countDocuments({ userId: specialist.user.id })).toBe(0);
  });
});

describe('a specialist whose deletion is under way', () => {
  const s = useStack({ now: NOW });

  it('when the deletion waits for Zoom, then the specialist is no longer listed, shown or bookable, and no new meeting is made', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-27T08:00:00Z' });
    await drainJobs(s.container);
    s.sandbox.inject({ route: 'DELETE /v2/meetings/:meetingId', status: 503, times: Infinity });
    const res = await request(s.app)
      .delete('/api/me')
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ password: specialist.password });
    expect(res.status).toBe(202);
    const meetingsBefore = s.sandbox.meetings().length;

    const list = await request(s.app).get('/api/specialists').set('Authorization', `Bearer ${customer.token}`);
    expect(JSON.stringify(list.body)).not.toContain(specialist.user.id);
    expect((await request(s.app).get(`/api/specialists/${specialist.user.id}`)).status).toBe(404);
    const slots = await request(s.app).get(
      `/api/specialists/${specialist.user.id}/slots?from=2026-11-24&to=2026-11-25`,
    );
    expect(slots.status).toBe(404);
    const again = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T08:00:00Z',
    });
    expect(`${again.status} ${again.body.error?.code}`).toBe('404 NOT_FOUND');
    await drainJobs(s.container);
    expect(s.sandbox.meetings()).toHaveLength(meetingsBefore);
  });

  it('when a booking lands just after the deletion began (its read came first), then the sweep cancels it before the account goes', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await request(s.app)
      .delete('/api/me')
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ password: specialist.password });
    expect(res.status).toBe(204);
    // As if a booking request had read the specialist before the intent and inserted after the request's pass.
    const late = await BookingModel.create({
      specialistId: specialist.user.id,
      customerId: customer.user.id,
      start: new Date('2026-11-26T08:00:00Z'),
      end: new Date('2026-11-26T09:00:00Z'),
      durationMinutes: 60,
      status: 'confirmed',
      meeting: { provider: 'user' },
    });
    expect(await UserModel.exists({ _id: specialist.user.id })).not.toBeNull(); // kept while a late booking may land
    s.clock.advance(3 * 60_000);
    await s.container.services.accountDeletion.resumeDeletions();
    await drainJobs(s.container);
    await s.container.services.accountDeletion.resumeDeletions();
    expect(await BookingModel.findById(late._id).lean()).toMatchObject({ status: 'cancelled' });
    expect(await UserModel.exists({ _id: specialist.user.id })).toBeNull();
  });
});

describe('deleting a specialist with calendars and a previous Zoom account', () => {
  const s = useStack({ now: NOW, env: { CALENDAR_FEED_ALLOW_PRIVATE: 'true' } });
  let feeds: FeedServer;
  beforeAll(async () => {
    feeds = await startFeedServer();
    feeds.serve('/all-day.ics', { status: 200, body: calendarFixture('all-day.ics') });
  });
  afterAll(() => feeds.close());

  it('when they delete the account, then their calendar feeds, Zoom busy copy, previous Zoom grants and moved-meeting records go too', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const booked = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-25T10:00:00Z',
    });
    expect(booked.status).toBe(201);
    await drainJobs(s.container);
    const feed = await request(s.app)
      .post('/api/specialists/me/calendars')
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ url: `${feeds.base}/all-day.ics`, label: 'Private' });
    expect(feed.status).toBe(201);
    // A reconnect to another Zoom account leaves a retired grant behind (the old account's meetings moved).
    const newZoomEmail = uniqueEmail('second-zoom');
    const { redirect, cookie } = await authorizeAtZoom(s.app, specialist.token, newZoomEmail);
    expect((await zoomCallback(s.app, redirect.search, cookie)).status).toBe(302);
    await drainJobs(s.container);
    await s.container.services.zoomBusy.sync(specialist.user.id);
    const id = specialist.user.id;
    expect(await RetiredGrantModel.countDocuments({ specialistId: id })).toBe(1);
    expect(await CalendarFeedModel.countDocuments({ specialistId: id })).toBe(1);
    expect(await ZoomBusyModel.countDocuments({ specialistId: id })).toBe(1);
    const revokes = s.sandbox.calls('POST /oauth/revoke');

    const login = await request(s.app)
      .post('/api/auth/login')
      .send({ email: specialist.user.email, password: specialist.password });
    const deleted = await request(s.app).delete('/api/me').set('Authorization', `Bearer ${login.body.token}`).send({});
    expect(deleted.status).toBe(204);
    await drainJobs(s.container);
    s.clock.advance(3 * 60_000);
    await s.container.services.accountDeletion.resumeDeletions();

    expect(await UserModel.exists({ _id: id })).toBeNull();
    expect(s.sandbox.calls('POST /oauth/revoke')).toBe(revokes + 1); // the current grant (the old one went after the move)
    const left = await Promise.all([
      CalendarFeedModel.countDocuments({ specialistId: id }),
      ZoomBusyModel.countDocuments({ specialistId: id }),
      RetiredGrantModel.countDocuments({ specialistId: id }),
      StrayMeetingModel.countDocuments({ specialistId: id }),
      UserOAuthTokenModel.countDocuments({ userId: id }),
    ]);
    expect(left).toEqual([0, 0, 0, 0, 0]);
    expect(await JobModel.countDocuments({ key: `calendar-sync-feed:${feed.body.id}` })).toBe(0);
    expect(await mentions(specialist.zoomEmail)).toEqual([]);
    expect(await mentions(newZoomEmail)).toEqual([]);
    expect(await mentions(String(feeds.base))).toEqual([]);
  });

  it('when the previous Zoom account still holds a meeting to delete, then the deletion waits for it and revokes that grant too', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const booked = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-26T10:00:00Z',
    });
    await drainJobs(s.container);
    const oldMeeting = booked.body.meeting.zoomMeetingId as string;
    // The old account refuses deletions for now: the move leaves its meeting to be deleted later.
    s.sandbox.inject({ route: 'DELETE /v2/meetings/:meetingId', status: 503, times: Infinity });
    const { redirect, cookie } = await authorizeAtZoom(s.app, specialist.token, uniqueEmail('third-zoom'));
    expect((await zoomCallback(s.app, redirect.search, cookie)).status).toBe(302);
    await drainJobs(s.container);
    expect(s.sandbox.meetings().some((m) => String(m.id) === oldMeeting)).toBe(true);
    const login = await request(s.app)
      .post('/api/auth/login')
      .send({ email: specialist.user.email, password: specialist.password });

    const revokes = s.sandbox.calls('POST /oauth/revoke');
    const res = await request(s.app).delete('/api/me').set('Authorization', `Bearer ${login.body.token}`).send({});
    expect(res.status).toBe(202);
    expect(await UserModel.exists({ _id: specialist.user.id })).not.toBeNull();

    s.sandbox.clearFaults();
    s.clock.advance(10 * 60_000);
    await drainJobs(s.container);
    await s.container.services.accountDeletion.resumeDeletions();
    await drainJobs(s.container);
    s.clock.advance(3 * 60_000);
    await s.container.services.accountDeletion.resumeDeletions();
    expect(s.sandbox.meetings().some((m) => String(m.id) === oldMeeting)).toBe(false);
    expect(s.sandbox.meetings().filter((m) => m.agenda?.includes(booked.body.id))).toEqual([]);
    expect(await UserModel.exists({ _id: specialist.user.id })).toBeNull();
    expect(await RetiredGrantModel.countDocuments({ specialistId: specialist.user.id })).toBe(0);
    expect(s.sandbox.calls('POST /oauth/revoke')).toBe(revokes + 2); // the current grant and the previous one
  });
});

describe('exporting one’s data', () => {
  const s = useStack({ now: NOW, env: { CALENDAR_FEED_ALLOW_PRIVATE: 'true' } });
  let feeds: FeedServer;
  beforeAll(async () => {
    feeds = await startFeedServer();
    feeds.serve('/secret-abc123/basic.ics', { status: 200, body: calendarFixture('all-day.ics') });
  });
  afterAll(() => feeds.close());

  it('when a specialist exports, then account, bookings, availability and Zoom metadata come back, never a token or hash', async () => {
    const specialist = await readySpecialist(s.app, { name: 'Sam Export' });
    const customer = await registerUser(s.app, 'customer');
    await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z', topic: 'CV' });
    await drainJobs(s.container);
    const feedUrl = `${feeds.base}/secret-abc123/basic.ics`;
    const feed = await request(s.app)
      .post('/api/specialists/me/calendars')
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ url: feedUrl, label: 'Home' });
    expect(feed.status).toBe(201);
    const res = await request(s.app).get('/api/me/export').set('Authorization', `Bearer ${specialist.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    expect(res.body).toMatchObject({
      account: { id: specialist.user.id, email: specialist.user.email, name: 'Sam Export' },
      sessions: [expect.objectContaining({ current: true })],
      bookings: [expect.objectContaining({ as: 'specialist', topic: 'CV', customerId: customer.user.id })],
      availability: expect.objectContaining({
        timezone: 'Europe/Berlin',
        slotMinutes: 60,
        allowGuests: true,
        zoomMeetingsBusy: true,
        meetingSettings: expect.objectContaining({ autoRecording: 'zoom_default' }),
      }),
      calendars: [expect.objectContaining({ id: feed.body.id, label: 'Home', host: '127.0.0.1' })],
      zoomConnection: expect.objectContaining({ zoomEmail: specialist.zoomEmail, revoked: false }),
      s2sHost: null,
    });
    const grant = (await UserOAuthTokenModel.findOne({ userId: specialist.user.id }).lean())!;
    const user = (await UserModel.findById(specialist.user.id).lean())!;
    const text = JSON.stringify(res.body);
    for (const secret of [grant.zoomAccessToken!, grant.zoomRefreshToken!, user.passwordHash, specialist.token]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/argon2|passwordHash|RefreshToken|AccessToken|startUrl|csrf|secret-abc123|urlSealed/i);
  });
});
