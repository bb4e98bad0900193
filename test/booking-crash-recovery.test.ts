import { Types } from 'mongoose';
import { BookingClaimModel } from '../src/models/booking-claim.model';
import { BookingModel } from '../src/models/booking.model';
import { OutboxMailModel } from '../src/models/outbox-mail.model';
import { createTestApp, registerUser } from './support/app';
import { drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { sandboxEnv } from './support/zoom';
import { createSmtpTransport } from '../src/services/mail/mail-transport';

const NOW = '2026-11-23T08:00:00.000Z';

/**
 * The booking document is the meeting's durable job. These tests leave it as a request that died right after storing
 * it would (its inline attempt claimed, Zoom never called), and check that the meeting poller finishes the work.
 */
describe('a booking whose request died before its meeting existed', () => {
  const s = useStack({ now: NOW });

  /** What POST /api/bookings has written when the process dies just before calling Zoom. */
  async function bookingLeftByACrash() {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const id = new Types.ObjectId();
    const start = new Date('2026-11-24T09:00:00Z');
    const end = new Date('2026-11-24T10:00:00Z');
    const lockedUntil = new Date(s.clock.now().getTime() + 120_000);
    await BookingClaimModel.insertMany(
      [0, 5, 10].map((m) => ({
        specialistId: specialist.user.id,
        cell: new Date(start.getTime() + m * 60_000),
        bookingId: id,
        createdAt: s.clock.now(),
      })),
    );
    await BookingModel.create({
      _id: id,
      specialistId: specialist.user.id,
      customerId: customer.user.id,
      start,
      end,
      durationMinutes: 60,
      topic: 'After the crash',
      meeting: {
        status: 'pending',
        provider: 'user',
        attempts: 1,
        firstAttemptAt: s.clock.now(),
        hostZoomUserId: 'me',
        lockedUntil,
        nextAttemptAt: lockedUntil,
      },
    });
    return { id: id.toString(), specialist, customer };
  }

  const meetingsOf = (id: string) => s.sandbox.meetings().filter((m) => (m.agenda ?? '').includes(`[ref:${id}]`));

  it('when its claim has not lapsed yet, then the poller leaves it alone', async () => {
    const { id } = await bookingLeftByACrash();
    await drainJobs(s.container);
    expect((await BookingModel.findById(id).lean())!.meeting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(meetingsOf(id)).toHaveLength(0);
  });

  it('when its claim has lapsed, then the poller creates the meeting once and both confirmations go out once', async () => {
    const { id, specialist, customer } = await bookingLeftByACrash();
    s.clock.advance(121_000);
    await drainJobs(s.container);
    await drainJobs(s.container);

    const booking = (await BookingModel.findById(id).lean())!;
    expect(booking.meeting).toMatchObject({ status: 'created', attempts: 2, lockedUntil: null, nextAttemptAt: null });
    expect(meetingsOf(id)).toHaveLength(1);
    expect(booking.zoomMeetingId).toBe(String(meetingsOf(id)[0]!.id));
    expect(meetingsOf(id)[0]).toMatchObject({ topic: 'After the crash', agenda: `[ref:${id}]` });
    expect(booking.confirmationMailedAt).not.toBeNull();
    expect(s.smtp.to(customer.user.email).map((m) => m.subject)).toEqual([expect.stringContaining('is confirmed')]);
    expect(s.smtp.to(specialist.user.email).map((m) => m.subject)).toEqual(['New booking!']);
    const mails = await OutboxMailModel.find({ dedupeKey: new RegExp(`^booking:${id}:`) }).lean();
    expect(mails.map((m) => m.status)).toEqual(['sent', 'sent']);
  });

  it('when two instances poll the lapsed booking at once, then only one of them creates the meeting', async () => {
    const { id, customer } = await bookingLeftByACrash();
    const other = createTestApp({
      clock: s.clock,
      env: sandboxEnv(s.sandbox),
      mailTransport: createSmtpTransport(s.smtp.url),
    });
    s.clock.advance(121_000);
    await Promise.all([drainJobs(s.container), drainJobs(other.container)]);

    expect(meetingsOf(id)).toHaveLength(1);
    expect((await BookingModel.findById(id).lean())!.meeting).toMatchObject({ status: 'created', attempts: 2 });
    expect(s.smtp.to(customer.user.email)).toHaveLength(1);
  });
});
