import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../src/lib/logger';
import { BookingModel } from '../src/models/booking.model';
import { MANAGE_LINK_PURPOSE } from '../src/services/booking/manage-link.service';
import { createTestApp, registerUser } from './support/app';
import { BERLIN_WEEKDAYS, book, drainJobs, readySpecialist } from './support/booking';
import { manageTokenIn } from './support/manage';
import { useStack } from './support/stack';
import { sandboxEnv } from './support/zoom';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';
const INVALID = { error: { code: 'MANAGE_LINK_INVALID', message: 'Booking not found' } };

describe('manage links: a customer changes a booking from their mail without signing in', () => {
  const s = useStack({ now: NOW });

  async function booked(start: string) {
    const specialist = await readySpecialist(s.app, { name: 'Sam Specialist' });
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo', timezone: 'America/New_York' });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start, topic: 'CV review' });
    expect(res.status).toBe(201);
    await drainJobs(s.container);
    const confirmation = s.smtp.to(customer.user.email).find((m) => /confirmed/.test(m.subject ?? ''));
    return { specialist, customer, booking: res.body, token: manageTokenIn(confirmation) };
  }

  it('when the customer opens the link from the confirmation mail, then they see the booking but nothing that starts the meeting', async () => {
    const { specialist, booking, token } = await booked('2026-11-24T08:00:00Z');
    const specialistMail = s.smtp.to(specialist.user.email)[0]!;
    expect(specialistMail.text).not.toContain('/manage/');
    const res = await request(s.app).get(`/api/manage/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      token,
      booking: expect.objectContaining({
        id: booking.id,
        start: '2026-11-24T08:00:00.000Z',
        status: 'confirmed',
        topic: 'CV review',
        specialistName: 'Sam Specialist',
        meeting: expect.objectContaining({ status: 'created', joinUrl: booking.meeting.joinUrl }),
      }),
      specialist: { id: specialist.user.id, name: 'Sam Specialist', timezone: 'Europe/Berlin' },
      changeableUntil: '2026-11-24T08:00:00.000Z',
    });
    expect(res.body.booking.meeting).not.toHaveProperty('startUrl');
    expect(res.body.booking).not.toHaveProperty('customerEmail');
  });

  it('when the customer cancels through the link, then the meeting is deleted, both are mailed and the link is dead (404)', async () => {
    const { specialist, customer, booking, token } = await booked('2026-11-24T10:00:00Z');
    const res = await request(s.app).post(`/api/manage/${token}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token: null, booking: { id: booking.id, status: 'cancelled', sequence: 1 } });
    const stored = await BookingModel.findById(booking.id).lean();
    expect(stored).toMatchObject({ status: 'cancelled', cancelledBy: 'customer' });
    expect(s.sandbox.meetings().find((m) => String(m.id) === booking.meeting.zoomMeetingId)).toBeUndefined();
    await drainJobs(s.container);
    expect(s.smtp.to(specialist.user.email).map((m) => m.subject)).toContain('Booking with Cleo was cancelled');
    const cancelMail = s.smtp.to(customer.user.email).find((m) => /cancelled/.test(m.subject ?? ''));
    expect(cancelMail!.text).toContain('http://frontend.test/manage/');

    for (const again of [
      request(s.app).get(`/api/manage/${token}`),
      request(s.app).post(`/api/manage/${token}/cancel`),
      request(s.app).post(`/api/manage/${token}/reschedule`).send({ start: '2026-11-24T12:00:00Z' }),
    ]) {
      const r = await again;
      expect(r.status).toBe(404);
      expect(r.body).toEqual(INVALID);
    }
  });

  it('when a token is tampered with, expired, or names no booking, then the answer is the same 404 every time', async () => {
    const { specialist, booking, customer, token } = await booked('2026-11-25T08:00:00Z');
    const [header, payload, signature] = token.split('.');
    const flipped = `${header}.${payload}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    const jwt = s.container.services.jwt;
    const future = new Date('2026-12-01T00:00:00Z');
    const otherCustomer = await jwt.signLink(MANAGE_LINK_PURPOSE, `${booking.id}.${specialist.user.id}.0`, future);
    const noBooking = await jwt.signLink(MANAGE_LINK_PURPOSE, `665f1b2c9d3e4a0012345678.${customer.user.id}.0`, future);
    const startLinkToken = await jwt.signLink('meeting-start', booking.id, future);
    for (const bad of [flipped, 'not-a-token', otherCustomer, noBooking, startLinkToken]) {
      const res = await request(s.app).get(`/api/manage/${encodeURIComponent(bad)}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(INVALID);
    }
    expect((await request(s.app).get(`/api/manage/${token}`)).status).toBe(200);
    // The session ends at 09:00 UTC: from then on the link is dead.
    s.clock.set('2026-11-25T09:00:00Z');
    const expired = await request(s.app).get(`/api/manage/${token}`);
    expect(expired.status).toBe(404);
    expect(expired.body).toEqual(INVALID);
  });

  it('when the customer reschedules through the link, then the same rules apply and both the old and the new link show the new time', async () => {
    const { specialist, customer, booking, token } = await booked('2026-11-26T08:00:00Z');
    const other = await registerUser(s.app, 'customer');
    expect(
      (await book(s.app, other.token, { specialistId: specialist.user.id, start: '2026-11-26T12:00:00Z' })).status,
    ).toBe(201);
    const conflict = await request(s.app)
      .post(`/api/manage/${token}/reschedule`)
      .send({ start: '2026-11-26T12:00:00Z' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('BOOKING_CONFLICT');
    const offGrid = await request(s.app)
      .post(`/api/manage/${token}/reschedule`)
      .send({ start: '2026-11-26T10:15:00Z' });
    expect(offGrid.status).toBe(422);
    expect(offGrid.body.error.code).toBe('OUTSIDE_AVAILABILITY');
    const invalid = await request(s.app).post(`/api/manage/${token}/reschedule`).send({ start: 'tomorrow' });
    expect(invalid.status).toBe(400);

    s.sandbox.resetCalls();
    const moved = await request(s.app).post(`/api/manage/${token}/reschedule`).send({ start: '2026-11-26T14:00:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body.booking).toMatchObject({ id: booking.id, start: '2026-11-26T14:00:00.000Z', sequence: 1 });
    expect(moved.body.token).toEqual(expect.any(String));
    expect(moved.body.token).not.toBe(token);
    expect(s.sandbox.calls('PATCH /v2/meetings/:meetingId')).toBe(1);
    // The link in the first confirmation follows the booking to its new time.
    const viaOldLink = await request(s.app).get(`/api/manage/${token}`);
    expect(viaOldLink.status).toBe(200);
    expect(viaOldLink.body).toMatchObject({ token: moved.body.token, booking: { start: '2026-11-26T14:00:00.000Z' } });
    expect((await request(s.app).get(`/api/manage/${moved.body.token}`)).body.booking.start).toBe(
      '2026-11-26T14:00:00.000Z',
    );
    await drainJobs(s.container);
    const movedMail = s.smtp.to(customer.user.email).find((m) => /moved/.test(m.subject ?? ''));
    expect(movedMail!.text).toContain('Thursday, 26 November 2026, 09:00–10:00 (America/New_York)');
    expect(manageTokenIn(movedMail)).toBe(moved.body.token);
  });

  it('when a booking was moved later, then the first mail’s link works past the old end, until the new session is over or a cancel', async () => {
    const { customer, booking, token } = await booked('2026-11-30T08:00:00Z');
    const moved = await request(s.app)
      .post(`/api/bookings/${booking.id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-12-02T08:00:00Z' });
    expect(moved.status).toBe(200);
    // After the old session's end, before the new one's.
    s.clock.set('2026-12-01T12:00:00Z');
    const later = await request(s.app).get(`/api/manage/${token}`);
    expect(later.status).toBe(200);
    expect(later.body.booking).toMatchObject({ start: '2026-12-02T08:00:00.000Z', specialistName: 'Sam Specialist' });
    s.clock.set('2026-12-02T09:00:00Z');
    expect((await request(s.app).get(`/api/manage/${token}`)).body).toEqual(INVALID);

    // Cancelled through the newest link: every earlier link is dead too.
    s.clock.set(NOW);
    const other = await booked('2026-11-30T12:00:00Z');
    const move = await request(s.app)
      .post(`/api/manage/${other.token}/reschedule`)
      .send({ start: '2026-11-30T14:00:00Z' });
    expect(move.status).toBe(200);
    expect((await request(s.app).post(`/api/manage/${move.body.token}/cancel`)).status).toBe(200);
    for (const link of [other.token, move.body.token]) {
      const res = await request(s.app).get(`/api/manage/${link}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(INVALID);
    }
  });

  it('when a booking is moved twice, far ahead, then the first mail’s link works past its signed expiry until the session is over', async () => {
    const specialist = await readySpecialist(s.app, { availability: { ...BERLIN_WEEKDAYS, maxDaysAhead: 365 } });
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo' });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' });
    expect(res.status).toBe(201);
    await drainJobs(s.container);
    const first = manageTokenIn(s.smtp.to(customer.user.email).find((m) => /confirmed/.test(m.subject ?? '')));
    const once = await request(s.app).post(`/api/manage/${first}/reschedule`).send({ start: '2027-11-19T09:00:00Z' });
    expect(once.status).toBe(200);
    s.clock.set('2027-11-01T09:00:00Z');
    const twice = await request(s.app).post(`/api/manage/${first}/reschedule`).send({ start: '2028-10-19T08:00:00Z' });
    expect(twice.status).toBe(200);
    // Past the first link's own `exp` (the first end + 400 days): the booking, confirmed and ahead, keeps it alive.
    s.clock.set('2028-01-05T08:00:00Z');
    const later = await request(s.app).get(`/api/manage/${first}`);
    expect(later.status).toBe(200);
    expect(later.body.booking).toMatchObject({ id: res.body.id, start: '2028-10-19T08:00:00.000Z', sequence: 2 });
    // A link already mailed with an `exp` long past works the same; a tampered one is still 404.
    const jwt = s.container.services.jwt;
    const signedLongAgo = await jwt.signLink(
      MANAGE_LINK_PURPOSE,
      `${res.body.id}.${customer.user.id}.0`,
      new Date(NOW),
    );
    expect((await request(s.app).get(`/api/manage/${signedLongAgo}`)).status).toBe(200);
    const [header, payload, signature] = first.split('.');
    const flipped = `${header}.${payload}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    expect((await request(s.app).get(`/api/manage/${flipped}`)).body).toEqual(INVALID);
    // The moved session is over: every link is dead.
    s.clock.set('2028-10-19T09:00:00Z');
    for (const link of [first, once.body.token, twice.body.token, signedLongAgo]) {
      expect((await request(s.app).get(`/api/manage/${link}`)).body).toEqual(INVALID);
    }
  });

  it('when the OpenAPI document is read, then it describes the three manage routes and the availability policies', async () => {
    const doc = (await request(s.app).get('/openapi.json')).body;
    expect(Object.keys(doc.paths['/api/manage/{token}'])).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/manage/{token}/cancel'])).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/manage/{token}/reschedule'])).toEqual(['post']);
    expect(doc.paths['/api/manage/{token}'].get.security).toBeUndefined();
    expect(Object.keys(doc.paths['/api/manage/{token}/reschedule'].post.responses).sort()).toEqual(
      ['200', '400', '404', '409', '422', '429'].sort(),
    );
    expect(doc.components.schemas.ManagedBooking.required).toEqual(
      expect.arrayContaining(['token', 'booking', 'specialist', 'changeableUntil']),
    );
    expect(Object.keys(doc.components.schemas.AvailabilityRequest.properties)).toEqual(
      expect.arrayContaining(['cancelNoticeMinutes', 'maxBookingsPerDay']),
    );
  });

  it('when a manage link is used, then its token never reaches the request log', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    const app = createTestApp({
      clock: s.clock,
      env: { ...sandboxEnv(s.sandbox), LOG_LEVEL: 'info' },
      logger: createLogger('info', sink),
    }).app;
    const { token } = await booked('2026-11-27T08:00:00Z');
    expect((await request(app).get(`/api/manage/${token}`)).status).toBe(200);
    expect((await request(app).get(`/manage/${token}`)).status).toBeLessThan(500);
    expect(logged).toContain('/api/manage/[redacted]');
    expect(logged).not.toContain(token.split('.')[1]!);
  });
});
