import request from 'supertest';
import { createAdmin, registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

const NOW = '2026-11-23T08:00:00.000Z';
const icsOf = (mail: { attachments: Array<{ contentType: string; content: Buffer }> }) =>
  mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString();

describe('cancelling, rescheduling and reading bookings', () => {
  const s = useStack({ now: NOW });

  async function booked(start = '2026-11-24T08:00:00Z') {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer', { timezone: 'Asia/Tokyo' });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
    expect(res.status).toBe(201);
    await drainJobs(s.container);
    return { specialist, customer, booking: res.body };
  }

  it('when the customer cancels, then the Zoom meeting is deleted, the slot is free again and both get a CANCEL invitation', async () => {
    const { specialist, customer, booking } = await booked();
    const res = await request(s.app)
      .post(`/api/bookings/${booking.id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', sequence: 1, cancelledAt: NOW, meeting: { joinUrl: null } });
    expect(s.sandbox.meetings().find((m) => String(m.id) === booking.meeting.zoomMeetingId)).toBeUndefined();
    await drainJobs(s.container);
    for (const email of [customer.user.email, specialist.user.email]) {
      const cancel = s.smtp.to(email).find((m) => /cancelled/.test(m.subject ?? ''))!;
      expect(icsOf(cancel)).toContain('METHOD:CANCEL');
      expect(icsOf(cancel)).toContain('SEQUENCE:1');
      expect(icsOf(cancel)).toContain(`UID:booking-${booking.id}@specialist-booking`);
    }
    const slots = await request(s.app).get(
      `/api/specialists/${specialist.user.id}/slots?from=2026-11-24&to=2026-11-24`,
    );
    expect(slots.body.slots.map((s: { start: string }) => s.start)).toContain('2026-11-24T08:00:00.000Z');
    const again = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T08:00:00Z',
    });
    expect(again.status).toBe(201);
    // Cancelling twice is harmless.
    const twice = await request(s.app)
      .post(`/api/bookings/${booking.id}/cancel`)
      .set('Authorization', `Bearer ${specialist.token}`);
    expect(twice.status).toBe(200);
  });

  it('when the specialist reschedules, then Zoom is updated and both get the updated invitation with a higher SEQUENCE', async () => {
    const { specialist, customer, booking } = await booked('2026-11-24T09:00:00Z');
    s.sandbox.resetCalls();
    const res = await request(s.app)
      .post(`/api/bookings/${booking.id}/reschedule`)
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ start: '2026-11-24T10:15:00Z' });
    expect(res.status).toBe(422); // 11:15 Berlin is off the hourly grid
    const moved = await request(s.app)
      .post(`/api/bookings/${booking.id}/reschedule`)
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ start: '2026-11-24T10:00:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      start: '2026-11-24T10:00:00.000Z',
      end: '2026-11-24T11:00:00.000Z',
      sequence: 1,
    });
    expect(s.sandbox.calls('PATCH /v2/meetings/:meetingId')).toBe(1);
    const zoomMeeting = s.sandbox.meetings().find((m) => String(m.id) === booking.meeting.zoomMeetingId)!;
    expect(zoomMeeting.start_time).toBe('2026-11-24T10:00:00Z');
    await drainJobs(s.container);
    const mail = s.smtp.to(customer.user.email).find((m) => /moved/.test(m.subject ?? ''))!;
    expect(mail.text).toContain('Tuesday, 24 November 2026, 19:00–20:00 (Asia/Tokyo)');
    expect(icsOf(mail)).toContain('METHOD:REQUEST');
    expect(icsOf(mail)).toContain('SEQUENCE:1');
    expect(icsOf(mail)).toContain('DTSTART:20261124T100000Z');
    // The old time is free, the new one taken.
    const other = await registerUser(s.app, 'customer');
    expect(
      (await book(s.app, other.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' })).status,
    ).toBe(201);
    expect(
      (await book(s.app, other.token, { specialistId: specialist.user.id, start: '2026-11-24T10:00:00Z' })).status,
    ).toBe(409);
  });

  it('when moving onto another booking, then 409 and the booking keeps its time', async () => {
    const { specialist, customer, booking } = await booked('2026-11-25T08:00:00Z');
    const other = await registerUser(s.app, 'customer');
    expect(
      (await book(s.app, other.token, { specialistId: specialist.user.id, start: '2026-11-25T12:00:00Z' })).status,
    ).toBe(201);
    const res = await request(s.app)
      .post(`/api/bookings/${booking.id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-11-25T12:00:00Z' });
    expect(res.status).toBe(409);
    const after = await request(s.app)
      .get(`/api/bookings/${booking.id}`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(after.body).toMatchObject({ start: '2026-11-25T08:00:00.000Z', sequence: 0 });
    // Moving by one slot onto its own old time is fine.
    const shift = await request(s.app)
      .post(`/api/bookings/${booking.id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-11-25T09:00:00Z' });
    expect(shift.status).toBe(200);
  });

  it('when listing, then each party sees only their own bookings, filtered and paginated; strangers get 404', async () => {
    const { specialist, customer, booking } = await booked('2026-11-26T08:00:00Z');
    const second = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-26T10:00:00Z',
    });
    await request(s.app)
      .post(`/api/bookings/${second.body.id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);

    const mine = await request(s.app).get('/api/bookings?pageSize=1').set('Authorization', `Bearer ${customer.token}`);
    expect(mine.body).toMatchObject({ page: 1, pageSize: 1, total: 2 });
    expect(mine.body.items[0].id).toBe(booking.id);
    const confirmed = await request(s.app)
      .get('/api/bookings?status=confirmed')
      .set('Authorization', `Bearer ${specialist.token}`);
    expect(confirmed.body.items.map((b: { id: string }) => b.id)).toEqual([booking.id]);
    expect(confirmed.body.items[0].meeting.startUrl).toContain('/start');
    const window = await request(s.app)
      .get('/api/bookings?from=2026-11-26T09:00:00Z&to=2026-11-27T00:00:00Z')
      .set('Authorization', `Bearer ${customer.token}`);
    expect(window.body.items.map((b: { id: string }) => b.id)).toEqual([second.body.id]);

    const stranger = await registerUser(s.app, 'customer');
    expect(
      (await request(s.app).get('/api/bookings').set('Authorization', `Bearer ${stranger.token}`)).body.total,
    ).toBe(0);
    expect(
      (await request(s.app).get(`/api/bookings/${booking.id}`).set('Authorization', `Bearer ${stranger.token}`)).status,
    ).toBe(404);
    expect(
      (await request(s.app).post(`/api/bookings/${booking.id}/cancel`).set('Authorization', `Bearer ${stranger.token}`))
        .status,
    ).toBe(404);
    const admin = await createAdmin(s.container);
    const asAdmin = await request(s.app)
      .get(`/api/bookings/${booking.id}`)
      .set('Authorization', `Bearer ${admin.token}`);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.meeting.startUrl).toContain('/start');
    const badQuery = await request(s.app)
      .get('/api/bookings?pageSize=1000')
      .set('Authorization', `Bearer ${customer.token}`);
    expect(badQuery.status).toBe(400);
  });
});
