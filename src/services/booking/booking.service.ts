import { createHash } from 'node:crypto';
import { isValidObjectId, Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { isDuplicateKeyError, NotFoundError, UnprocessableError } from '../../lib/errors';
import type { SpecialistProfileRecord } from '../../models/specialist-profile.model';
import type { UserDto } from '../auth/user.service';
import type { BookingMeetingService } from './booking-meeting.service';
import { compareAndSet } from '../../db/compare-and-set';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { IdempotencyKeyModel } from '../../models/idempotency-key.model';
import { fitsAvailability } from '../specialist/slot-calculator';
import { cellsFor, claimCells, releaseCells, releaseInserted } from './calendar-claims.service';
import { toBookingDto, type BookingDto, type Viewer } from './booking.dto';
import { newBookingRecord, partyOf } from './new-booking';
import type { BookingJobs } from './booking-jobs.service';
import type { MeetingHost } from './meeting-host.service';
import { ZoomNotConnectedError } from '../zoom/zoom.errors';
import type { BookingPolicyService } from './booking-policy.service';
import type { BookingReminders } from './booking-reminder.service';
import { toRules, type SpecialistService } from '../specialist/specialist.service';
import type { ServiceMetrics } from '../metrics/metrics';
import { toMeetingSettings } from '../specialist/meeting-settings';
import type { BookingRateLimits } from './booking-rate.service';
import { assertCalendarFree } from '../calendar/calendar-busy';

export interface NewBooking {
  specialistId: string;
  start: string;
  durationMinutes?: number;
  topic?: string;
  notes?: string;
}

const settledValue = <T>(result: PromiseSettledResult<T>): T => {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
};
const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** The caller, as authentication found it (its account, when it was read there). */
export interface Customer {
  userId: string;
  user?: UserDto;
}

/** Creating, moving and cancelling bookings. Meetings and mail follow through durable jobs (booking-jobs). */
export function createBookingService(deps: {
  clock: Clock;
  specialists: SpecialistService;
  /** The caller's account (refuses a deleted one): AuthService.account. */
  accountOf(userId: string): Promise<UserDto>;
  host: MeetingHost;
  meetings: BookingMeetingService;
  jobs: BookingJobs;
  publicBaseUrl: string;
  /** Cancellation notice and daily limit; day seats and reminders follow every change. */
  policy: Pick<BookingPolicyService, 'assertMayChange' | 'withDaySeat' | 'settleDaySeats'>;
  reminders: Pick<BookingReminders, 'sync' | 'plan'>;
  metrics?: Pick<ServiceMetrics, 'bookingCreated' | 'bookingCancelled' | 'bookingMoved'>;
  /** RESCHEDULE_LIMIT_PER_BOOKING and BOOKING_RATE_PER_HOUR (customers). */
  limits: BookingRateLimits;
}) {
  const now = () => deps.clock.now();

  function checkBookable(profile: SpecialistProfileRecord | null, start: Date, durationMinutes: number | undefined) {
    if (!profile)
      throw new UnprocessableError('This specialist has not published availability', 'OUTSIDE_AVAILABILITY');
    const rules = toRules(profile);
    const duration = durationMinutes ?? rules.slotMinutes;
    const t = now().getTime();
    if (start.getTime() < t + rules.minNoticeMinutes * 60_000) {
      throw new UnprocessableError(`Bookings need ${rules.minNoticeMinutes} minutes' notice`, 'TOO_SHORT_NOTICE');
    }
    if (start.getTime() >= t + rules.maxDaysAhead * 86_400_000) {
      throw new UnprocessableError(`Bookings open at most ${rules.maxDaysAhead} days ahead`, 'BEYOND_HORIZON');
    }
    if (!fitsAvailability(rules, start, duration)) {
      throw new UnprocessableError('This time is outside the specialist’s availability', 'OUTSIDE_AVAILABILITY');
    }
    return { rules, duration, end: new Date(start.getTime() + duration * 60_000) };
  }

  async function load(bookingId: string, viewer: Viewer): Promise<BookingRecord> {
    if (!isValidObjectId(bookingId)) throw new NotFoundError('Booking');
    const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
    const mine =
      booking &&
      (viewer.role === 'admin' ||
        [booking.customerId, booking.specialistId].some((id) => id.toString() === viewer.userId));
    // Not "403": whether someone else's booking exists is not the caller's business.
    if (!booking || !mine) throw new NotFoundError('Booking');
    return booking;
  }

  async function replay(scope: string, requestHash: string, viewer: Viewer): Promise<BookingDto | undefined> {
    const existing = await IdempotencyKeyModel.findOne({ scope }).lean();
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) {
      throw new UnprocessableError('This Idempotency-Key was used with a different request', 'IDEMPOTENCY_KEY_REUSED');
    }
    for (let i = 0; i < 100; i += 1) {
      const booking = await BookingModel.findById(existing.bookingId).lean<BookingRecord>();
      if (booking) return toBookingDto(booking, viewer, deps.publicBaseUrl);
      if (!(await IdempotencyKeyModel.exists({ scope }))) return undefined; // the first request failed
      await new Promise((resolve) => setTimeout(resolve, 50)); // the first request is still in flight
    }
    return undefined;
  }

  return {
    load,

    /**
     * Books a slot: reads the specialist's user, rules and Zoom grant once (at the same time), claims the calendar
     * cells, inserts the booking (which is also the meeting's durable job, claimed for this request's attempt) and
     * creates the meeting inline. The confirmation mails follow right after the response.
     */
    async create(
      customer: Customer,
      input: NewBooking,
      idempotencyKey?: string,
    ): Promise<{ booking: BookingDto; replayed: boolean }> {
      const customerId = customer.userId;
      const viewer: Viewer = { userId: customerId, role: 'customer' };
      const scope = idempotencyKey ? `booking:${customerId}:${idempotencyKey}` : undefined;
      const requestHash = hashOf(input);
      // A replay answers from the key alone, so the account is checked first there.
      const known = customer.user ?? (scope ? await deps.accountOf(customerId) : undefined);
      if (scope) {
        const previous = await replay(scope, requestHash, viewer);
        if (previous) return { booking: previous, replayed: true };
      }
      const start = new Date(input.start);
      const specialistId = input.specialistId;
      if (!isValidObjectId(specialistId)) throw new NotFoundError('Specialist');
      // Everything the booking needs to know, read at once; a refused account wins over the other answers.
      // The customer's hourly rate is taken at the same time (given back below if the booking is then refused).
      const [customerRead, specialistRead, accessRead, rateRead] = await Promise.allSettled([
        known ?? deps.accountOf(customerId),
        deps.specialists.profileOf(specialistId),
        deps.host.access(specialistId),
        deps.limits.takeChange(viewer),
      ]);
      const giveBack = rateRead.status === 'fulfilled' ? rateRead.value : async () => {};
      const checked = await Promise.resolve()
        .then(async () => {
          const customerDto = settledValue(customerRead);
          const { user: specialist, profile } = settledValue(specialistRead);
          const access = settledValue(accessRead);
          const bookable = checkBookable(profile, start, input.durationMinutes);
          if (!access) throw new ZoomNotConnectedError();
          settledValue(rateRead);
          // Stored feed copies only: no fetch in the request.
          await assertCalendarFree(specialistId, start, bookable.end, bookable.rules.bufferMinutes);
          return { customerDto, specialist, profile, access, ...bookable };
        })
        .catch(async (error: unknown) => {
          await giveBack();
          throw error;
        });
      const { customerDto, specialist, profile, access, rules, duration, end } = checked;

      const bookingId = new Types.ObjectId();
      if (scope) {
        try {
          await IdempotencyKeyModel.create({ scope, requestHash, bookingId, createdAt: now() });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          await giveBack();
          const previous = await replay(scope, requestHash, viewer);
          if (previous) return { booking: previous, replayed: true };
          throw error;
        }
      }
      try {
        const cells = cellsFor(start, end, rules.bufferMinutes);
        // the daily limit (no extra read: the profile read above is handed over)
        await deps.policy.withDaySeat({ specialistId, bookingId, start, profile }, () =>
          claimCells(specialistId, bookingId, cells, now(), { newBooking: true }),
        );
      } catch (error) {
        if (scope) await IdempotencyKeyModel.deleteOne({ scope, bookingId });
        await giveBack();
        throw error;
      }
      // The booking is the meeting's durable job: if this process dies now, another one creates the meeting.
      const t = now();
      const record = newBookingRecord({
        _id: bookingId,
        specialistId,
        customerId,
        start,
        end,
        durationMinutes: duration,
        topic: input.topic ?? null,
        notes: input.notes ?? null,
        idempotencyKey: idempotencyKey ?? null,
        meeting: deps.meetings.claimedAtInsert(t, deps.host.knownHostUserId(specialistId)),
        at: t,
      });
      // Every field is set above (the schema's defaults included), so mongoose need not hydrate it (lean).
      await BookingModel.insertMany([record], { lean: true });
      deps.metrics?.bookingCreated();
      await deps.reminders.plan(record); // durable before the inline Zoom attempt
      const booking = await deps.jobs.firstAttempt(
        record,
        {
          meeting: {
            customerName: customerDto.name,
            timezone: profile!.timezone ?? specialist.timezone,
            settings: toMeetingSettings(profile),
          },
          parties: { customer: partyOf(customerDto), specialist: partyOf(specialist) },
        },
        access,
      );
      return { booking: toBookingDto(booking, viewer, deps.publicBaseUrl), replayed: false };
    },

    async reschedule(bookingId: string, viewer: Viewer, startIso: string): Promise<BookingDto> {
      const booking = await load(bookingId, viewer);
      if (booking.status !== 'confirmed')
        throw new UnprocessableError('Only confirmed bookings can be moved', 'BOOKING_NOT_ACTIVE');
      await deps.policy.assertMayChange(booking, viewer); // cancellation notice
      deps.limits.assertMayMove(booking, viewer);
      const start = new Date(startIso);
      const { profile } = await deps.specialists.profileOf(booking.specialistId.toString());
      const { rules, end } = checkBookable(profile, start, booking.durationMinutes);
      if (start.getTime() === booking.start.getTime()) return toBookingDto(booking, viewer, deps.publicBaseUrl);
      await assertCalendarFree(booking.specialistId.toString(), start, end, rules.bufferMinutes);
      const cells = cellsFor(start, end, rules.bufferMinutes);
      const specialistId = booking.specialistId.toString();
      const target = { specialistId, bookingId: booking._id, start, movingFrom: booking.start };
      const giveBack = await deps.limits.takeChange(viewer);
      const inserted = await deps.policy
        .withDaySeat(target, () => claimCells(specialistId, booking._id, cells, now()))
        .catch(async (error: unknown) => {
          await giveBack();
          throw error;
        });
      const byCustomer = viewer.role === 'customer' ? 1 : 0;
      const won = await compareAndSet(
        BookingModel,
        { _id: booking._id, status: 'confirmed', sequence: booking.sequence },
        { $set: { start, end, staleCellsSince: now() }, $inc: { sequence: 1, customerMoves: byCustomer } },
      );
      const moved = won ? await BookingModel.findById(booking._id).lean<BookingRecord>() : null;
      if (!moved) {
        // Another change won the race: give back only what this attempt took, never the winner's cells.
        await releaseInserted(booking._id, inserted);
        await deps.policy.settleDaySeats(booking._id);
        await giveBack();
        throw new UnprocessableError('The booking changed meanwhile; reload and try again', 'BOOKING_CHANGED');
      }
      deps.metrics?.bookingMoved();
      await releaseCells(booking._id, cells);
      await compareAndSet(
        BookingModel,
        { _id: booking._id, sequence: moved.sequence },
        { $set: { staleCellsSince: null } },
      );
      await deps.policy.settleDaySeats(booking._id);
      await deps.reminders.sync(bookingId);
      await deps.jobs.rescheduled(bookingId);
      return toBookingDto(moved, viewer, deps.publicBaseUrl);
    },

    async cancel(bookingId: string, viewer: Viewer): Promise<BookingDto> {
      const booking = await load(bookingId, viewer);
      await deps.policy.assertMayChange(booking, viewer); // cancellation notice
      const won = await compareAndSet(
        BookingModel,
        { _id: booking._id, status: 'confirmed' },
        { $set: { status: 'cancelled', cancelledAt: now(), cancelledBy: viewer.role }, $inc: { sequence: 1 } },
      );
      const cancelled = await BookingModel.findById(booking._id).lean<BookingRecord>();
      if (!won) return toBookingDto(cancelled ?? booking, viewer, deps.publicBaseUrl); // already cancelled: idempotent
      deps.metrics?.bookingCancelled();
      await releaseCells(booking._id);
      await deps.policy.settleDaySeats(booking._id);
      await deps.reminders.sync(bookingId);
      await deps.jobs.cancelled(bookingId);
      return toBookingDto(cancelled!, viewer, deps.publicBaseUrl);
    },
  };
}

export type BookingService = ReturnType<typeof createBookingService>;
