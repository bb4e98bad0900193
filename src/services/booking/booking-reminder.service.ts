import type { Clock } from '../../lib/clock';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import type { JobQueue } from '../jobs/job-queue';
import { reminderMails } from '../mail/booking-reminder-mail.templates';
import type { MailOutbox } from '../mail/mail-outbox.service';
import type { BookingMailContext } from '../mail/booking-mail.templates';

export const JOB_BOOKING_REMINDER = 'booking-reminder';
/** With reminders off, the meeting is still read from Zoom (and repaired) once before the session. */
export const JOB_MEETING_VERIFY = 'meeting-verify';

const keyOf = (bookingId: string, offset: number, sequence: number) =>
  `${JOB_BOOKING_REMINDER}:${bookingId}:${offset}:${sequence}`;
const verifyKeyOf = (bookingId: string, sequence: number) => `${JOB_MEETING_VERIFY}:${bookingId}:${sequence}`;

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
  /** Reads the meeting from Zoom and repairs it when missing or different (before each reminder). */
  verify?: (bookingId: string) => Promise<unknown>;
  /** MEETING_VERIFY_BEFORE_MINUTES: with no reminder offsets, when that check runs before the start. */
  verifyBeforeMs?: number;
}) {
  const now = () => deps.clock.now();
  const current = async (bookingId: string | undefined, sequence: string | undefined) => {
    const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
    // Cancelled, moved (a newer version has its own jobs) or already begun: nothing to do.
    if (!booking || booking.status !== 'confirmed' || String(booking.sequence) !== sequence) return null;
    return booking.start.getTime() > now().getTime() ? booking : null;
  };

  deps.jobs.define(JOB_BOOKING_REMINDER, async ({ bookingId, offset, sequence }) => {
    let booking = await current(bookingId, sequence);
    if (!booking) return;
    if (deps.verify) {
      // The link in the reminder must work: a meeting made again meanwhile raised the version, so read it again.
      await deps.verify(bookingId!);
      booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (!booking || booking.status !== 'confirmed') return;
    }
    for (const mail of reminderMails(await deps.context(booking), Number(offset))) await deps.mail.enqueue(mail);
  });

  deps.jobs.define(JOB_MEETING_VERIFY, async ({ bookingId, sequence }) => {
    if (await current(bookingId, sequence)) await deps.verify?.(bookingId!);
  });

  async function plan(booking: BookingRecord): Promise<void> {
    if (booking.status !== 'confirmed') return;
    const bookingId = booking._id.toString();
    if (deps.offsetsMinutes.length === 0 && deps.verify && deps.verifyBeforeMs) {
      const at = new Date(booking.start.getTime() - deps.verifyBeforeMs);
      const data = { bookingId, sequence: String(booking.sequence) };
      if (at > now()) await deps.jobs.schedule(JOB_MEETING_VERIFY, verifyKeyOf(bookingId, booking.sequence), data, at);
      return;
    }
    const ahead = deps.offsetsMinutes
      .map((offset) => ({ offset, at: new Date(booking.start.getTime() - offset * 60_000) }))
      .filter(({ at }) => at.getTime() > now().getTime());
    // One round trip for all of them: this runs in the booking request, before the inline Zoom attempt.
    await deps.jobs.scheduleMany(
      ahead.map(({ offset, at }) => ({
        name: JOB_BOOKING_REMINDER,
        key: keyOf(bookingId, offset, booking.sequence),
        data: { bookingId, offset: String(offset), sequence: String(booking.sequence) },
        at,
      })),
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
      if (sequence > 0 && deps.offsetsMinutes.length === 0)
        await deps.jobs.cancel(verifyKeyOf(bookingId, sequence - 1));
      await plan(booking);
    },

    /** Plans a booking's reminders from the record in hand (a new booking has no earlier version to drop). */
    plan,
  };
}

export type BookingReminders = ReturnType<typeof createBookingReminders>;
