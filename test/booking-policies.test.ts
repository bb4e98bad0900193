import { Types } from 'mongoose';
import request from 'supertest';
import { BookingDaySeatModel } from '../src/models/booking-day-seat.model';
import { BookingModel } from '../src/models/booking.model';
import { createSmtpTransport } from '../src/services/mail/mail-transport';
import { createAdmin, createTestApp, registerUser, type TestApp } from './support/app';
import { BERLIN_WEEKDAYS, book, drainJobs, readySpecialist } from './support/booking';
import { manageTokenIn } from './support/manage';
import { useStack } from './support/stack';
import { sandboxEnv } from './support/zoom';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';
const startsOn = (slots: Array<{ start: string }>, prefix: string) => slots.filter((x) => x.start.startsWith(prefix));

describe('specialist policies: cancellation notice and bookings per day', () => {
  const s = useStack({ now: NOW });
  let second: TestApp;
  beforeAll(() => {
    second = createTestApp({
      clock: s.clock,
      env: sandboxEnv(s.sandbox),
      mailTransport: createSmtpTransport(s.smtp.url),
    });
  });

  const slotsOf = async (specialistId: string, day: string) =>
    (await request(s.app).get(`/api/specialists/${specialistId}/slots?from=${day}&to=${day}`)).body.slots as Array<{
      start: string;
    }>;

  it('when availability is saved, then the policies come back with it (defaults: no notice, no limit) and bad values get 400', async () => {
    const specialist = await registerUser(s.app, 'specialist');
    const put = (body: object) =>
      request(s.app)
        .put('/api/specialists/me/availability')
        .set('Authorization', `Bearer ${specialist.token}`)
        .send(body);
    expect((await put(BERLIN_WEEKDAYS)).body).toMatchObject({ cancelNoticeMinutes: 0, maxBookingsPerDay: null });
    const saved = await put({ ...BERLIN_WEEKDAYS, cancelNoticeMinutes: 720, maxBookingsPerDay: 3 });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ cancelNoticeMinutes: 720, maxBookingsPerDay: 3, slotMinutes: 60 });
    const loaded = await request(s.app)
      .get('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${specialist.token}`);
    expect(loaded.body).toMatchObject({ cancelNoticeMinutes: 720, maxBookingsPerDay: 3 });
    for (const bad of [{ maxBookingsPerDay: 0 }, { cancelNoticeMinutes: -5 }, { maxBookingsPerDay: 1.5 }]) {
      const res = await put({ ...BERLIN_WEEKDAYS, ...bad });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('when a customer changes a booking inside the cancellation notice, then 422 TOO_LATE_TO_CHANGE; the specialist and admins still can', async () => {
    const specialist = await readySpecialist(s.app, {
      availability: { ...BERLIN_WEEKDAYS, cancelNoticeMinutes: 1440 },
    });
    const customer = await registerUser(s.app, 'customer');
    const make = async (start: string) => {
      const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    s.clock.set('2026-11-23T09:30:00Z');
    const soon = await make('2026-11-24T08:00:00Z'); // 22.5 hours ahead
    const later = await make('2026-11-25T08:00:00Z'); // 48 hours ahead
    const as = (token: string, path: string, body?: object) =>
      request(s.app).post(path).set('Authorization', `Bearer ${token}`).send(body);

    const cancel = await as(customer.token, `/api/bookings/${soon}/cancel`);
    expect(cancel.status).toBe(422);
    expect(cancel.body.error).toMatchObject({ code: 'TOO_LATE_TO_CHANGE', details: { cancelNoticeMinutes: 1440 } });
    const move = await as(customer.token, `/api/bookings/${soon}/reschedule`, { start: '2026-11-26T08:00:00Z' });
    expect(move.body.error.code).toBe('TOO_LATE_TO_CHANGE');
    await drainJobs(s.container);
    const token = manageTokenIn(
      s.smtp.to(customer.user.email).find((m) => /confirmed/.test(m.subject ?? '') && m.text?.includes('24 November')),
    );
    const viaLink = await request(s.app).post(`/api/manage/${token}/cancel`);
    expect(viaLink.status).toBe(422);
    expect(viaLink.body.error.code).toBe('TOO_LATE_TO_CHANGE');
    expect((await request(s.app).get(`/api/manage/${token}`)).body.changeableUntil).toBe('2026-11-23T08:00:00.000Z');
    expect((await BookingModel.findById(soon).lean())!.status).toBe('confirmed');

    expect((await as(customer.token, `/api/bookings/${later}/cancel`)).status).toBe(200);
    const bySpecialist = await as(specialist.token, `/api/bookings/${soon}/reschedule`, {
      start: '2026-11-24T09:00:00Z',
    });
    expect(bySpecialist.status).toBe(200);
    const admin = await createAdmin(s.container);
    const byAdmin = await as(admin.token, `/api/bookings/${soon}/cancel`);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.status).toBe('cancelled');
  });

  it('when a day holds maxBookingsPerDay bookings, then it offers no slots and one more booking gets 422 DAILY_LIMIT_REACHED', async () => {
    const specialist = await readySpecialist(s.app, { availability: { ...BERLIN_WEEKDAYS, maxBookingsPerDay: 2 } });
    const customer = await registerUser(s.app, 'customer');
    const id = specialist.user.id;
    const tryBook = (start: string) => book(s.app, customer.token, { specialistId: id, start });
    expect(startsOn(await slotsOf(id, '2026-11-24'), '2026-11-24')).toHaveLength(8);
    expect((await tryBook('2026-11-24T08:00:00Z')).status).toBe(201);
    const second = await tryBook('2026-11-24T15:00:00Z'); // 16:00 Berlin
    expect(second.status).toBe(201);
    expect(await slotsOf(id, '2026-11-24')).toEqual([]);
    const third = await tryBook('2026-11-24T12:00:00Z');
    expect(third.status).toBe(422);
    expect(third.body.error).toMatchObject({ code: 'DAILY_LIMIT_REACHED', details: { maxBookingsPerDay: 2 } });
    expect(startsOn(await slotsOf(id, '2026-11-25'), '2026-11-25').length).toBeGreaterThan(0);

    // Moving within the full day is fine; moving into it from another day is not.
    const move = (bookingId: string, start: string) =>
      request(s.app)
        .post(`/api/bookings/${bookingId}/reschedule`)
        .set('Authorization', `Bearer ${customer.token}`)
        .send({ start });
    expect((await move(second.body.id, '2026-11-24T13:00:00Z')).status).toBe(200);
    const other = await tryBook('2026-11-25T08:00:00Z');
    expect(other.status).toBe(201);
    const into = await move(other.body.id, '2026-11-24T10:00:00Z');
    expect(into.status).toBe(422);
    expect(into.body.error.code).toBe('DAILY_LIMIT_REACHED');

    // A cancel frees its place; a move out of the day frees it too.
    await request(s.app)
      .post(`/api/bookings/${second.body.id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(startsOn(await slotsOf(id, '2026-11-24'), '2026-11-24').length).toBeGreaterThan(0);
    expect((await move(other.body.id, '2026-11-24T10:00:00Z')).status).toBe(200);
    expect(await slotsOf(id, '2026-11-24')).toEqual([]);
    expect((await move(other.body.id, '2026-11-25T09:00:00Z')).status).toBe(200);
    expect((await tryBook('2026-11-24T12:00:00Z')).status).toBe(201);
    expect(await BookingDaySeatModel.countDocuments({ specialistId: id, day: '2026-11-24' })).toBe(2);
    expect(await BookingDaySeatModel.countDocuments({ specialistId: id, day: '2026-11-25' })).toBe(1);
  });

  it('when customers race for the last places of a day on two instances, then exactly maxBookingsPerDay win', async () => {
    const specialist = await readySpecialist(s.app, {
      availability: { ...BERLIN_WEEKDAYS, bufferMinutes: 0, maxBookingsPerDay: 2 },
    });
    const customers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => registerUser(s.app, 'customer')));
    const hours = ['08', '09', '10', '11', '12', '13'];
    const results = await Promise.all(
      customers.map((c, i) =>
        book(i % 2 ? second.app : s.app, c.token, {
          specialistId: specialist.user.id,
          start: `2026-11-26T${hours[i]}:00:00Z`,
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 422, 422, 422, 422]);
    for (const r of results.filter((x) => x.status === 422)) expect(r.body.error.code).toBe('DAILY_LIMIT_REACHED');
    expect(await BookingModel.countDocuments({ specialistId: specialist.user.id, status: 'confirmed' })).toBe(2);
    expect(await BookingDaySeatModel.countDocuments({ specialistId: specialist.user.id })).toBe(2);
  });

  it('when a limit is set on a day that already has bookings, then they count; seats a crash left behind are freed by maintenance', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const id = specialist.user.id;
    expect((await book(s.app, customer.token, { specialistId: id, start: '2026-11-27T08:00:00Z' })).status).toBe(201);
    await request(s.app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ ...BERLIN_WEEKDAYS, maxBookingsPerDay: 1 });
    const refused = await book(s.app, customer.token, { specialistId: id, start: '2026-11-27T10:00:00Z' });
    expect(refused.body.error?.code).toBe('DAILY_LIMIT_REACHED');

    // A crash between winning a seat and storing the booking leaves a seat with no booking.
    await BookingDaySeatModel.create({
      specialistId: id,
      day: '2026-11-30',
      seat: 0,
      bookingId: new Types.ObjectId(),
      createdAt: s.clock.now(),
    });
    expect((await book(s.app, customer.token, { specialistId: id, start: '2026-11-30T08:00:00Z' })).status).toBe(422);
    s.clock.advance(11 * 60_000);
    await s.container.services.maintenance.sweep();
    expect((await book(s.app, customer.token, { specialistId: id, start: '2026-11-30T08:00:00Z' })).status).toBe(201);
  });
});
