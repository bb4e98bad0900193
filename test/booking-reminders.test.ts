import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { JobModel } from '../src/models/job.model';
import { OutboxMailModel } from '../src/models/outbox-mail.model';
import { createSmtpTransport } from '../src/services/mail/mail-transport';
import { createTestApp, registerUser, testConfig, type TestApp } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { manageTokenIn } from './support/manage';
import { useStack } from './support/stack';
import { sandboxEnv } from './support/zoom';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';
const reminders = (mails: ParsedMail[]) => mails.filter((m) => /^Reminder/.test(m.subject ?? ''));
const reminderJobs = (bookingId: string) =>
  JobModel.find({ key: new RegExp(`^booking-reminder:${bookingId}:`) }).lean();

describe('reminders before each booking (REMINDER_OFFSETS_MINUTES=1440,60)', () => {
  const s = useStack({ now: NOW });
  let second: TestApp;
  beforeAll(() => {
    // A second instance on the same database, clock, Zoom and SMTP: it polls the same jobs.
    second = createTestApp({
      clock: s.clock,
      env: sandboxEnv(s.sandbox),
      mailTransport: createSmtpTransport(s.smtp.url),
    });
  });
  /** Both instances run due jobs at the same moment, twice over, then mail is delivered. */
  async function bothInstancesRun() {
    for (let i = 0; i < 3; i += 1) {
      await Promise.all([s.container.services.jobs.runDue(), second.container.services.jobs.runDue()]);
    }
    await drainJobs(s.container);
  }

  async function booked(start: string) {
    const specialist = await readySpecialist(s.app, { name: 'Sam Specialist' });
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo', timezone: 'America/New_York' });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
    expect(res.status).toBe(201);
    await drainJobs(s.container);
    return { specialist, customer, booking: res.body };
  }

  it('when two instances poll the queue, then each party gets each reminder exactly once, in their zone, with their links', async () => {
    const { specialist, customer, booking } = await booked('2026-11-25T09:00:00Z');
    expect((await reminderJobs(booking.id)).map((j) => [j.key, j.runAt.toISOString()]).sort()).toEqual([
      [`booking-reminder:${booking.id}:1440:0`, '2026-11-24T09:00:00.000Z'],
      [`booking-reminder:${booking.id}:60:0`, '2026-11-25T08:00:00.000Z'],
    ]);
    s.clock.set('2026-11-24T08:59:00Z');
    await bothInstancesRun();
    expect(reminders(s.smtp.to(customer.user.email))).toHaveLength(0);

    s.clock.set('2026-11-24T09:00:00Z');
    await bothInstancesRun();
    await bothInstancesRun();
    const [toCustomer, ...moreToCustomer] = reminders(s.smtp.to(customer.user.email));
    const [toSpecialist, ...moreToSpecialist] = reminders(s.smtp.to(specialist.user.email));
    expect([moreToCustomer, moreToSpecialist]).toEqual([[], []]);
    expect(toCustomer!.subject).toBe('Reminder: your session with Sam Specialist starts in 24 hours');
    expect(toCustomer!.text).toContain('Wednesday, 25 November 2026, 04:00–05:00 (America/New_York)');
    expect(toCustomer!.text).toContain(booking.meeting.joinUrl);
    expect((await request(s.app).get(`/api/manage/${manageTokenIn(toCustomer)}`)).status).toBe(200);
    expect(toCustomer!.text).not.toContain('/start');
    expect(toSpecialist!.subject).toBe('Reminder: your session with Cleo starts in 24 hours');
    expect(toSpecialist!.text).toContain('Wednesday, 25 November 2026, 10:00–11:00 (Europe/Berlin)');
    expect(toSpecialist!.text).toMatch(new RegExp(`http://api\\.test/api/bookings/${booking.id}/start\\?token=`));
    expect(toSpecialist!.text).not.toContain('/manage/');

    s.clock.set('2026-11-25T08:00:00Z');
    await bothInstancesRun();
    expect(reminders(s.smtp.to(customer.user.email)).map((m) => m.subject)).toEqual([
      'Reminder: your session with Sam Specialist starts in 24 hours',
      'Reminder: your session with Sam Specialist starts in 1 hour',
    ]);
    expect(reminders(s.smtp.to(specialist.user.email))).toHaveLength(2);
    expect(await reminderJobs(booking.id)).toEqual([]);
    expect(await OutboxMailModel.countDocuments({ dedupeKey: new RegExp(`^booking:${booking.id}:reminder:`) })).toBe(4);
  });

  it('when the booking is rescheduled, then reminders follow the new time and none comes for the old one', async () => {
    const { specialist, customer, booking } = await booked('2026-11-26T09:00:00Z');
    const moved = await request(s.app)
      .post(`/api/bookings/${booking.id}/reschedule`)
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ start: '2026-11-27T13:00:00Z' });
    expect(moved.status).toBe(200);
    expect((await reminderJobs(booking.id)).map((j) => [j.key, j.runAt.toISOString()]).sort()).toEqual([
      [`booking-reminder:${booking.id}:1440:1`, '2026-11-26T13:00:00.000Z'],
      [`booking-reminder:${booking.id}:60:1`, '2026-11-27T12:00:00.000Z'],
    ]);
    // The old time's reminder moments pass in silence.
    s.clock.set('2026-11-25T09:00:00Z');
    await bothInstancesRun();
    s.clock.set('2026-11-26T08:00:00Z');
    await bothInstancesRun();
    expect(reminders(s.smtp.to(customer.user.email))).toEqual([]);
    s.clock.set('2026-11-26T13:00:00Z');
    await bothInstancesRun();
    s.clock.set('2026-11-27T12:00:00Z');
    await bothInstancesRun();
    const got = reminders(s.smtp.to(customer.user.email));
    expect(got.map((m) => m.subject)).toEqual([
      'Reminder: your session with Sam Specialist starts in 24 hours',
      'Reminder: your session with Sam Specialist starts in 1 hour',
    ]);
    for (const mail of got) expect(mail.text).toContain('Friday, 27 November 2026, 08:00–09:00 (America/New_York)');
    expect(reminders(s.smtp.to(specialist.user.email))).toHaveLength(2);
  });

  it('when the booking is cancelled, then its reminders are dropped', async () => {
    const { customer, booking } = await booked('2026-11-30T09:00:00Z');
    expect(await reminderJobs(booking.id)).toHaveLength(2);
    const res = await request(s.app)
      .post(`/api/bookings/${booking.id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(res.status).toBe(200);
    expect(await reminderJobs(booking.id)).toEqual([]);
    s.clock.set('2026-11-30T08:30:00Z');
    await bothInstancesRun();
    expect(reminders(s.smtp.to(customer.user.email))).toEqual([]);
  });

  it('when an offset has already passed at booking time, then that reminder is skipped (the confirmation covers it)', async () => {
    s.clock.set('2026-11-24T07:00:00Z');
    const { booking } = await booked('2026-11-24T12:00:00Z');
    expect((await reminderJobs(booking.id)).map((j) => j.key)).toEqual([`booking-reminder:${booking.id}:60:0`]);
  });

  it('when the meeting is still pending at reminder time, then both reminders say so', async () => {
    s.clock.set('2026-11-24T07:00:00Z');
    s.sandbox.inject({ route: 'POST /v2/users/:userId/meetings', status: 503, times: Infinity });
    const { specialist, customer, booking } = await booked('2026-11-24T12:00:00Z');
    expect(booking.meeting.status).toBe('pending');
    s.clock.set('2026-11-24T11:00:00Z');
    s.sandbox.inject({ route: 'POST /v2/users/:userId/meetings', status: 503, times: Infinity });
    await bothInstancesRun();
    const [toCustomer] = reminders(s.smtp.to(customer.user.email));
    const [toSpecialist] = reminders(s.smtp.to(specialist.user.email));
    expect(toCustomer!.text).toContain('The Zoom meeting is still pending');
    expect(toCustomer!.text).not.toContain('Join the Zoom meeting');
    expect(toCustomer!.text).toContain('http://frontend.test/manage/');
    expect(toSpecialist!.text).toContain('The Zoom meeting is still pending');
    expect(toSpecialist!.text).not.toContain('/start?token=');
  });

  it('when REMINDER_OFFSETS_MINUTES is set, then it is read as distinct minutes, earliest reminder first, or none', () => {
    expect(testConfig().reminders.offsetsMinutes).toEqual([1440, 60]);
    expect(testConfig({ REMINDER_OFFSETS_MINUTES: '60, 1440,60' }).reminders.offsetsMinutes).toEqual([1440, 60]);
    expect(testConfig({ REMINDER_OFFSETS_MINUTES: 'none' }).reminders.offsetsMinutes).toEqual([]);
    expect(() => loadConfig({ REMINDER_OFFSETS_MINUTES: 'an hour' })).toThrow(/REMINDER_OFFSETS_MINUTES/);
  });
});
