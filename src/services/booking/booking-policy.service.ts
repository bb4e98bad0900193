import { DateTime } from 'luxon';
import type { Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { isDuplicateKeyError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { BookingDaySeatModel } from '../../models/booking-day-seat.model';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { SpecialistProfileModel, type SpecialistProfileRecord } from '../../models/specialist-profile.model';
import { localDayOf, toPolicy } from '../specialist/booking-policy';
import type { Viewer } from './booking.dto';
import { DailyLimitReachedError, TooLateToChangeError } from './booking-policy.errors';

const ORPHAN_AGE_MS = 10 * 60_000;

/**
 * The specialist's policies at booking time: the cancellation notice for customers, and the daily limit. The limit
 * holds under concurrency because each booking on a limited day must win one of the day's numbered seats
 * (BookingDaySeat, unique per specialist/day/seat): plain inserts, no findOneAndUpdate, no transactions.
 */
export function createBookingPolicy(deps: { clock: Clock; logger: Logger }) {
  const now = () => deps.clock.now();
  const profileOf = (specialistId: string | Types.ObjectId) =>
    SpecialistProfileModel.findOne({ userId: specialistId }).lean<SpecialistProfileRecord>();

  /** Inserts the lowest free seat of the day for the booking; DailyLimitReachedError when none is left. */
  async function claimSeat(specialistId: string, bookingId: Types.ObjectId, day: string, zone: string, max: number) {
    const from = DateTime.fromISO(day, { zone });
    const [others, seats] = await Promise.all([
      BookingModel.find(
        {
          specialistId,
          status: 'confirmed',
          _id: { $ne: bookingId },
          start: { $gte: from.toJSDate(), $lt: from.plus({ days: 1 }).toJSDate() },
        },
        { _id: 1 },
      ).lean(),
      BookingDaySeatModel.find({ specialistId, day }).lean(),
    ]);
    // Bookings made before the limit was set hold no seat; they still count, so fewer seats are open.
    const seated = new Set(seats.map((s) => s.bookingId.toString()));
    const unseated = others.filter((b) => !seated.has(b._id.toString())).length;
    const taken = new Set(seats.map((s) => s.seat));
    for (let seat = 0; seat < max - unseated; seat += 1) {
      if (taken.has(seat)) continue;
      try {
        const doc = await BookingDaySeatModel.create({ specialistId, day, seat, bookingId, createdAt: now() });
        return doc._id;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error; // someone else won this seat: try the next one
      }
    }
    throw new DailyLimitReachedError(max);
  }

  return {
    /** Customers change a booking only until `cancelNoticeMinutes` before it starts; specialists and admins always. */
    async assertMayChange(booking: BookingRecord, viewer: Viewer): Promise<void> {
      if (viewer.role !== 'customer' || booking.status !== 'confirmed') return;
      const profile = await profileOf(booking.specialistId);
      const { cancelNoticeMinutes } = toPolicy(profile ?? {});
      if (booking.start.getTime() - now().getTime() < cancelNoticeMinutes * 60_000) {
        throw new TooLateToChangeError(cancelNoticeMinutes);
      }
    },

    /**
     * Runs `claim` (the calendar claim) holding a seat on the booking's local day when the specialist limits bookings
     * per day; the seat is given back if `claim` fails. A move within the booking's own day needs no new seat.
     */
    async withDaySeat<T>(
      target: {
        specialistId: string;
        bookingId: Types.ObjectId;
        start: Date;
        movingFrom?: Date;
        /** The specialist's profile when the caller has just read it (null: none published). */
        profile?: SpecialistProfileRecord | null;
      },
      claim: () => Promise<T>,
    ): Promise<T> {
      const profile = target.profile !== undefined ? target.profile : await profileOf(target.specialistId);
      const max = profile ? toPolicy(profile).maxBookingsPerDay : null;
      if (!profile || !max) return claim();
      const day = localDayOf(target.start, profile.timezone);
      const sameDay = target.movingFrom && localDayOf(target.movingFrom, profile.timezone) === day;
      const held = await BookingDaySeatModel.exists({ bookingId: target.bookingId, day });
      const seat =
        sameDay || held
          ? undefined
          : await claimSeat(target.specialistId, target.bookingId, day, profile.timezone, max);
      try {
        return await claim();
      } catch (error) {
        if (seat) await BookingDaySeatModel.deleteOne({ _id: seat });
        throw error;
      }
    },

    /** Seats follow the booking: none once cancelled, only its current day's after a move. */
    async settleDaySeats(bookingId: string | Types.ObjectId): Promise<void> {
      const seats = await BookingDaySeatModel.find({ bookingId }).lean();
      if (seats.length === 0) return;
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      const profile = booking ? await profileOf(booking.specialistId) : null;
      const keep = booking?.status === 'confirmed' && profile ? localDayOf(booking.start, profile.timezone) : null;
      const stale = seats.filter((s) => s.day !== keep).map((s) => s._id);
      if (stale.length > 0) await BookingDaySeatModel.deleteMany({ _id: { $in: stale } });
    },

    /**
     * Maintenance: seats of days already past are dropped; older seats whose booking was never stored, was
     * cancelled or moved to another day (a crash between two writes) are released. Batched: three reads, one delete.
     */
    async sweepSeats(): Promise<number> {
      const t = now();
      await BookingDaySeatModel.deleteMany({ day: { $lt: localDayOf(new Date(t.getTime() - 2 * 86_400_000), 'UTC') } });
      const seats = await BookingDaySeatModel.find({ createdAt: { $lt: new Date(t.getTime() - ORPHAN_AGE_MS) } })
        .limit(5000)
        .lean();
      if (seats.length === 0) return 0;
      const bookings = await BookingModel.find({ _id: { $in: seats.map((s) => s.bookingId) }, status: 'confirmed' })
        .limit(5000)
        .lean<BookingRecord[]>();
      const profiles = await SpecialistProfileModel.find({ userId: { $in: bookings.map((b) => b.specialistId) } })
        .limit(5000)
        .lean<SpecialistProfileRecord[]>();
      const zoneOf = new Map(profiles.map((p) => [p.userId.toString(), p.timezone]));
      const dayOf = new Map(
        bookings.map((b) => [b._id.toString(), localDayOf(b.start, zoneOf.get(b.specialistId.toString()) ?? 'UTC')]),
      );
      const stale = seats.filter((s) => dayOf.get(s.bookingId.toString()) !== s.day).map((s) => s._id);
      if (stale.length > 0) {
        await BookingDaySeatModel.deleteMany({ _id: { $in: stale } });
        deps.logger.warn({ seats: stale.length }, 'Released daily-limit seats a crash left behind');
      }
      return stale.length;
    },
  };
}

export type BookingPolicyService = ReturnType<typeof createBookingPolicy>;
