import { BookingModel } from '../src/models/booking.model';
import { JobModel } from '../src/models/job.model';
import { cellsFor, claimCells } from '../src/services/booking/calendar-claims.service';
import { createSmtpTransport } from '../src/services/mail/mail-transport';
import { createTestApp, registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { sandboxEnv } from './support/zoom';

const NOW = '2026-11-23T08:00:00.000Z';

/** What a crash between two writes leaves behind, set up as the crash leaves it, and what repairs it. */
describe('crash windows around a booking’s meeting', () => {
  const s = useStack({ now: NOW });
  const restarted = () =>
    createTestApp({ clock: s.clock, env: sandboxEnv(s.sandbox), mailTransport: createSmtpTransport(s.smtp.url) });

  it('when a crash left a saved meeting’s confirmation unqueued, then it goes out within 60 s of the restart, once', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' });
    expect(res.body.meeting.status).toBe('created');
    // The process died right after answering: its follow-up (queueing the confirmation) never ran.
    const after = restarted();
    s.clock.advance(30_000);
    await drainJobs(after.container);
    expect(s.smtp.to(customer.user.email).map((m) => m.subject)).toEqual([expect.stringContaining('is confirmed')]);
    expect(s.smtp.to(specialist.user.email).map((m) => m.subject)).toEqual(['New booking!']);
    await drainJobs(s.container); // the "dead" process's follow-up, had it run after all: nothing twice
    expect(s.smtp.to(customer.user.email)).toHaveLength(1);
  });

  it('when a crash came between a move and releasing the old time, then maintenance frees the old time', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const other = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-25T08:00:00Z' });
    // The move as far as the crash let it go: new cells claimed, the booking moved, the old cells still held.
    const start = new Date('2026-11-25T12:00:00Z');
    const end = new Date('2026-11-25T13:00:00Z');
    const booking = (await BookingModel.findById(res.body.id))!;
    await claimCells(specialist.user.id, booking._id, cellsFor(start, end, 15), s.clock.now());
    await BookingModel.updateOne(
      { _id: booking._id },
      { $set: { start, end, staleCellsSince: s.clock.now() }, $inc: { sequence: 1 } },
    );
    const oldTime = { specialistId: specialist.user.id, start: '2026-11-25T08:00:00Z' };
    expect((await book(s.app, other.token, oldTime)).status).toBe(409);
    s.clock.advance(11 * 60_000);
    await s.container.services.maintenance.sweep();
    expect((await book(s.app, other.token, oldTime)).status).toBe(201);
    const newTime = { specialistId: specialist.user.id, start: '2026-11-25T12:00:00Z' };
    expect((await book(s.app, other.token, newTime)).status).toBe(409);
    expect((await BookingModel.findById(res.body.id).lean())!.staleCellsSince).toBeNull();
  });

  it('when a crash came between a cancel and scheduling its meeting’s removal, then maintenance schedules it and the meeting goes', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-26T08:00:00Z' });
    await BookingModel.updateOne(
      { _id: res.body.id },
      { $set: { status: 'cancelled', cancelledAt: s.clock.now(), cancelledBy: 'customer' }, $inc: { sequence: 1 } },
    );
    s.clock.advance(2 * 60_000);
    await s.container.services.maintenance.sweep();
    await drainJobs(s.container);
    expect(s.sandbox.meetings().filter((m) => String(m.id) === res.body.meeting.zoomMeetingId)).toHaveLength(0);
    expect((await BookingModel.findById(res.body.id).lean())!.meeting).toMatchObject({ zoomDeleted: true });
  });

  it('when a job was scheduled again by a concurrent change, then cancelling it with the state it was left in keeps it', async () => {
    const jobs = s.container.services.jobs;
    const runAt = new Date(s.clock.now().getTime() + 45_000);
    await jobs.schedule('test-job', 'test-job:1', { bookingId: '1', change: 'a' }, runAt);
    await jobs.schedule('test-job', 'test-job:1', { bookingId: '1', change: 'b' }, runAt); // the concurrent change
    expect(await jobs.cancel('test-job:1', { runAt, data: { change: 'a' } })).toBe(false);
    expect(await JobModel.countDocuments({ key: 'test-job:1' })).toBe(1);
    // A job a worker holds is the worker's to finish.
    await JobModel.updateOne({ key: 'test-job:1' }, { $set: { lockedUntil: new Date(runAt.getTime() + 60_000) } });
    expect(await jobs.cancel('test-job:1', { runAt, data: { change: 'b' } })).toBe(false);
    await JobModel.updateOne({ key: 'test-job:1' }, { $set: { lockedUntil: null } });
    expect(await jobs.cancel('test-job:1', { runAt, data: { change: 'b' } })).toBe(true);
    expect(await JobModel.countDocuments({ key: 'test-job:1' })).toBe(0);
  });
});
