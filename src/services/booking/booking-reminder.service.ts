import type { Clock } from '../../lib/clock';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import type { JobQueue } from '../jobs/job-queue';
import { reminderMails } from '../mail/booking-reminder-mail.templates';
import type { MailOutbox } from '../mail/mail-outbox.service';
import type { BookingMailContext } from '../mail/booking-mail.templates';

export const JOB_BOOKING_REMINDER = 'booking-reminder';

const keyOf = (bookingId: string, offset: number, sequence: number) =>
  `${JOB_BOOKING_REMINDER}:${bookingId}:${offset}:${sequence}`;

/**
 * Reminders before each confirmed booking, one durable job per booking, offset and booking version (`sequence`).
 * The job key makes each planned once; the job lease runs it on one instance; the outbox dedupe key (same triple)
 * sends its mail once even if a lease expires mid-run. A job whose version is no longer the booking's does nothing.
 */
export function createBookingReminders(deps: {
  jobs: JobQueue;
  mail: MailOutbox;
  clock: Clock;
  /** REMINDER_OFFSETS_MINUTES: minutes before the start. */
  offsetsMinutes: number[];
  /** The notifier's mail context (parties, join, start and manage links). */
  context: (booking: BookingRecord) => Promise<BookingMailContext>;
}) {
  const now = () => deps.clock.now();

  deps.jobs.define(JOB_BOOKING_REMINDER, async ({ bookingId, offset, sequence }) => {
    const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
    // Cancelled, moved (a newer version has its own reminders) or already begun: nothing to say.
    if (!booking || booking.status !== 'confirmed' || String(booking.sequence) !== sequence) return;
    if (booking.start.getTime() <= now().getTime()) return;
    for (const mail of reminderMails(await deps.context(booking), Number(offset))) await deps.mail.enqueue(mail);
  });

  async function plan(booking: BookingRecord): Promise<void> {
    if (booking.status !== 'confirmed') return;
    const bookingId = booking._id.toString();
    const ahead = deps.offsetsMinutes
      .map((offset) => ({ offset, at: new Date(booking.start.getTime() - offset * 60_000) }))
      .filter(({ at }) => at.getTime() > now().getTime());
    await Promise.all(
      ahead.map(({ offset, at }) => {
        const data = { bookingId, offset: String(offset), sequence: String(booking.sequence) };
        return deps.jobs.schedule(JOB_BOOKING_REMINDER, keyOf(bookingId, offset, booking.sequence), data, at);
      }),
    );
  }

  return {
    /**
     * Makes the planned reminders match the booking as it is now: the previous version's are dropped; a confirmed
     * booking gets one per offset still ahead (an offset already past is covered by the confirmation or move mail).
     * Call after every create, move and cancel. Idempotent.
     */
    async sync(bookingId: string): Promise<void> {
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (!booking) return;
      const { sequence } = booking;
      if (sequence > 0) for (const o of deps.offsetsMinutes) await deps.jobs.cancel(keyOf(bookingId, o, sequence - 1));
      await plan(booking);
    },

    /** Plans a booking's reminders from the record in hand (a new booking has no earlier version to drop). */
    plan,
  };
}

export type BookingReminders = ReturnType<typeof createBookingReminders>;
