import ICAL from 'ical.js';
import request from 'supertest';
import { registerUser } from './support/app';
import { book, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

describe('subscribing to one’s bookings', () => {
  const stack = useStack({ now: '2026-10-19T06:00:00Z' });
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  /** The feed's path on our app (the URL carries PUBLIC_BASE_URL). */
  const pathOf = (url: string) => new URL(url).pathname;

  async function events(url: string) {
    const res = await request(stack.app).get(pathOf(url));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    const cal = new ICAL.Component(ICAL.parse(res.text));
    return cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  }

  it('when a customer and a specialist subscribe, then each sees the booking under the invitation’s UID with their own link, and a cancel shows as CANCELLED', async () => {
    const s = await readySpecialist(stack.app);
    const customer = await registerUser(stack.app, 'customer');
    const booked = await book(stack.app, customer.token, { specialistId: s.user.id, start: '2026-10-20T08:00:00Z' });
    expect(booked.status).toBe(201);
    const id = booked.body.id as string;
    expect(booked.body.meeting.joinUrl).toMatch(/^https?:\/\//);

    const mine = await request(stack.app).get('/api/me/calendar-feed').set(as(customer.token));
    expect(mine.status).toBe(200);
    expect(mine.body.url).toMatch(/^http:\/\/api\.test\/api\/calendar\/[\w-]{40,}\.ics$/);
    // Asking again gives the same address.
    expect((await request(stack.app).get('/api/me/calendar-feed').set(as(customer.token))).body.url).toBe(
      mine.body.url,
    );

    const [event] = await events(mine.body.url);
    expect(event!.uid).toBe(`booking-${id}@specialist-booking`);
    expect(event!.startDate.toJSDate().toISOString()).toBe('2026-10-20T08:00:00.000Z');
    expect(event!.endDate.toJSDate().toISOString()).toBe('2026-10-20T09:00:00.000Z');
    expect(event!.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(event!.component.getFirstPropertyValue('url')).toBe(booked.body.meeting.joinUrl);

    const theirs = await request(stack.app).get('/api/me/calendar-feed').set(as(s.token));
    const [hostEvent] = await events(theirs.body.url);
    expect(hostEvent!.uid).toBe(`booking-${id}@specialist-booking`);
    expect(String(hostEvent!.component.getFirstPropertyValue('url'))).toMatch(
      new RegExp(`^http://api\\.test/api/bookings/${id}/start\\?token=`),
    );
    expect(String(hostEvent!.description)).not.toContain(booked.body.meeting.joinUrl ?? '¤');

    const cancelled = await request(stack.app).post(`/api/bookings/${id}/cancel`).set(as(customer.token));
    expect(cancelled.status).toBe(200);
    const [after] = await events(mine.body.url);
    expect(after!.uid).toBe(`booking-${id}@specialist-booking`);
    expect(after!.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(after!.sequence).toBeGreaterThan(event!.sequence);
    expect(after!.component.getFirstPropertyValue('url')).toBeNull();
  });

  it('when the address is rotated, then the old one is dead at once and the new one works', async () => {
    const customer = await registerUser(stack.app, 'customer');
    const old = (await request(stack.app).get('/api/me/calendar-feed').set(as(customer.token))).body.url as string;
    const rotated = await request(stack.app).post('/api/me/calendar-feed/rotate').set(as(customer.token));
    expect(rotated.status).toBe(200);
    expect(rotated.body.url).not.toBe(old);
    expect((await request(stack.app).get(pathOf(old))).status).toBe(404);
    expect(await events(rotated.body.url)).toEqual([]);
    expect((await request(stack.app).get('/api/calendar/nonsense.ics')).status).toBe(404);
    expect((await request(stack.app).get('/api/me/calendar-feed')).status).toBe(401);
  });
});
