import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';

describe('booking a specialist', () => {
  const s = useStack({ now: NOW });

  it('when a customer books a free slot, then the meeting is created in the specialist’s Zoom and both get mail with an invitation', async () => {
    const specialist = await readySpecialist(s.app, { name: 'Sam Specialist' });
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo Customer', timezone: 'America/New_York' });
    const res = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T08:00:00Z',
      topic: 'CV review',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      specialistId: specialist.user.id,
      customerId: customer.user.id,
      start: '2026-11-24T08:00:00.000Z',
      end: '2026-11-24T09:00:00.000Z',
      durationMinutes: 60,
      topic: 'CV review',
      status: 'confirmed',
      sequence: 0,
      meeting: {
        status: 'created',
        provider: 'user',
        zoomMeetingId: expect.any(String),
        joinUrl: expect.stringContaining('/j/'),
      },
    });
    expect(res.body.meeting).not.toHaveProperty('startUrl');

    const [meeting] = s.sandbox.meetings().filter((m) => String(m.id) === res.body.meeting.zoomMeetingId);
    expect(meeting).toMatchObject({
      type: 2,
      start_time: '2026-11-24T08:00:00Z',
      duration: 60,
      timezone: 'Europe/Berlin',
      host_email: specialist.zoomEmail,
    });
    expect(meeting!.topic).toContain('CV review');

    await drainJobs(s.container);
    const [toCustomer] = s.smtp.to(customer.user.email);
    const [toSpecialist] = s.smtp.to(specialist.user.email);
    expect(toCustomer!.subject).toBe('Your booking with Sam Specialist is confirmed');
    expect(toCustomer!.text).toContain('Tuesday, 24 November 2026, 03:00–04:00 (America/New_York)');
    expect(toCustomer!.text).toContain(res.body.meeting.joinUrl);
    expect(toCustomer!.html).toContain(res.body.meeting.joinUrl);
    expect(toCustomer!.text).not.toContain('/start');
    expect(toSpecialist!.subject).toBe('New booking!');
    expect(toSpecialist!.text).toContain('Tuesday, 24 November 2026, 09:00–10:00 (Europe/Berlin)');
    const startLink = /(http:\/\/api\.test\/api\/bookings\/\w+\/start\?token=[\w.-]+)/.exec(toSpecialist!.text!)![1]!;

    for (const mail of [toCustomer!, toSpecialist!]) {
      const ics = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
      const body = ics!.content.toString();
      expect(body).toContain('METHOD:REQUEST');
      expect(body).toContain(`UID:booking-${res.body.id}@specialist-booking`);
      expect(body).toContain('SEQUENCE:0');
      expect(body).toContain('DTSTART:20261124T080000Z');
    }

    // The start link from the email gives a fresh start_url fetched from Zoom each time.
    const url = new URL(startLink);
    const first = await request(s.app)
      .get(url.pathname + url.search)
      .redirects(0);
    const second = await request(s.app)
      .get(url.pathname + url.search)
      .redirects(0);
    expect(first.status).toBe(302);
    expect(first.headers.location).toMatch(/\/s\/\d+\?zak=/);
    expect(second.headers.location).not.toBe(first.headers.location);
    expect(s.sandbox.calls('GET /v2/meetings/:meetingId')).toBeGreaterThanOrEqual(2);

    // The specialist sees our start link, the customer sees none, also when reading the booking.
    const asSpecialist = await request(s.app)
      .get(`/api/bookings/${res.body.id}`)
      .set('Authorization', `Bearer ${specialist.token}`);
    expect(asSpecialist.body.meeting.startUrl).toBe(`http://api.test/api/bookings/${res.body.id}/start`);
    const asCustomer = await request(s.app)
      .get(`/api/bookings/${res.body.id}`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(asCustomer.body.meeting).not.toHaveProperty('startUrl');
    expect(JSON.stringify(asCustomer.body)).not.toContain('zak=');
  });

  it('when the same Idempotency-Key and body are sent again, then the same booking comes back without a second meeting or mail', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const body = { specialistId: specialist.user.id, start: '2026-11-24T10:00:00Z' };
    const first = await book(s.app, customer.token, body, 'key-1');
    const meetingsBefore = s.sandbox.meetings().length;
    const again = await book(s.app, customer.token, body, 'key-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(s.sandbox.meetings().length).toBe(meetingsBefore);
    const tooLong = await book(s.app, customer.token, body, 'k'.repeat(256));
    expect([tooLong.status, tooLong.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const other = await book(s.app, customer.token, { ...body, start: '2026-11-24T12:00:00Z' }, 'key-1');
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await drainJobs(s.container);
    expect(s.smtp.to(customer.user.email)).toHaveLength(1);
    expect(await BookingModel.countDocuments({ customerId: customer.user.id })).toBe(1);
  });

  it('when the Idempotency-Key is not visible ASCII, then 400 naming the header and nothing is booked', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(
      s.app,
      customer.token,
      { specialistId: specialist.user.id, start: '2026-11-24T11:00:00Z' },
      'two words',
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ in: 'headers', path: ['idempotency-key'], message: 'must be 1 to 255 visible ASCII characters' }],
    });
    expect(await BookingModel.countDocuments({ customerId: customer.user.id })).toBe(0);
  });

  it('when 50 customers book the same slot at once, then exactly one gets 201 and the rest 409', async () => {
    const specialist = await readySpecialist(s.app);
    const customers = await Promise.all(Array.from({ length: 5 }, () => registerUser(s.app, 'customer')));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        book(s.app, customers[i % 5]!.token, { specialistId: specialist.user.id, start: '2026-11-25T09:00:00Z' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('BOOKING_CONFLICT');
    expect(await BookingModel.countDocuments({ specialistId: specialist.user.id })).toBe(1);
  });

  it('when a booking overlaps another one or its buffer, then 409; outside availability, notice or horizon, then 422', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    expect(
      (await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-26T09:00:00Z' })).status,
    ).toBe(201);
    // 10:00 Berlin starts right when the 09:00–10:00 booking ends, but the 15-minute buffer forbids it.
    const buffer = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-26T10:00:00Z',
      durationMinutes: 30,
    });
    expect(buffer.status).toBe(409);
    const cases: Array<[string, string]> = [
      ['2026-11-28T09:00:00Z', 'OUTSIDE_AVAILABILITY'], // Saturday
      ['2026-11-24T08:30:00Z', 'OUTSIDE_AVAILABILITY'], // off the slot grid
      ['2026-11-23T08:00:00Z', 'TOO_SHORT_NOTICE'], // now
      ['2027-01-05T09:00:00Z', 'BEYOND_HORIZON'],
    ];
    for (const [start, code] of cases) {
      const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
      expect([res.status, res.body.error.code]).toEqual([422, code]);
    }
  });

  it('when the specialist has no Zoom connection, then 422 and nothing is stored', async () => {
    const specialist = await readySpecialist(s.app, { zoom: false });
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ZOOM_NOT_CONNECTED');
    expect(await BookingModel.countDocuments({ specialistId: specialist.user.id })).toBe(0);
  });

  it('when bad input arrives, then a clear 4xx and nothing changes', async () => {
    const customer = await registerUser(s.app, 'customer');
    const specialist = await readySpecialist(s.app, { zoom: false });
    const bad = await book(s.app, customer.token, { specialistId: 'nope', start: 'tomorrow', durationMinutes: 7 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string[] }) => d.path[0]).sort()).toEqual([
      'durationMinutes',
      'specialistId',
      'start',
    ]);
    const unknown = await book(s.app, customer.token, {
      specialistId: '665f1b2c9d3e4a0012345678',
      start: '2026-11-24T08:00:00Z',
    });
    expect(unknown.status).toBe(404);
    const byIdBad = await request(s.app)
      .get('/api/bookings/not-an-id')
      .set('Authorization', `Bearer ${customer.token}`);
    expect(byIdBad.status).toBe(400);
    const asSpecialist = await book(s.app, specialist.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T08:00:00Z',
    });
    expect(asSpecialist.status).toBe(403);
  });
});
