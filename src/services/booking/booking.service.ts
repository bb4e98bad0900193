import { createHash, randomUUID } from 'node:crypto';
import { isValidObjectId, Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { ConflictError, isDuplicateKeyError, NotFoundError, UnprocessableError } from '../../lib/errors';
import type { SpecialistProfileRecord } from '../../models/specialist-profile.model';
import type { UserDto } from '../auth/user.service';
import type { BookingMeetingService } from './booking-meeting.service';
import { compareAndSet } from '../../db/compare-and-set';
import { BookingModel, customerMaySee, type BookingRecord } from '../../models/booking.model';
import { IDEMPOTENCY_LEASE_MS, IdempotencyKeyModel } from '../../models/idempotency-key.model';
import { fitsAvailability } from '../specialist/slot-calculator';
import { cellsFor, claimCells, releaseCells, releaseInserted } from './calendar-claims.service';
import { toBookingDto, type BookingDto, type BookingLinks, type Viewer } from './booking.dto';
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
import { GuestsNotAllowedError } from './booking.errors';
import { assertCalendarFree, assertFreeIn, calendarBusyAround } from '../calendar/calendar.module';

export interface NewBooking {
  specialistId: string;
  start: string;
  durationMinutes?: number;
  topic?: string;
  notes?: string;
}

/** A booking made without an account (the guest booking service proved the address with an emailed code). */
export interface GuestBooker {
  email: string;
  name: string;
  timezone: string;
}

export interface CreateOptions {
  /** Booked as this guest: the specialist must allow guests, and the booking belongs to the address. */
  guest?: GuestBooker;
  /** The Idempotency-Key's scope (default `booking:<customerId>`): a guest's keys belong to the address. */
  keyScope?: string;
}

const settledValue = <T>(result: PromiseSettledResult<T>): T => {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
};
const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** The request attempt that owns an Idempotency-Key, and the booking it is making under it. */
interface KeyLease {
  bookingId: Types.ObjectId;
  owner: string;
  /** Taken over from a request that died: the booking's cells may already be held. */
  takenOver?: boolean;
}
const newOwner = () => randomUUID();
const keyReused = () =>
  new UnprocessableError('This Idempotency-Key was used with a different request', 'IDEMPOTENCY_KEY_REUSED');
/** The booking's customer as a viewer (a guest booking's address counts as theirs). */
const customerOf = (b: BookingRecord): Viewer => ({
  userId: b.customerId.toString(),
  role: 'customer',
  provenEmail: b.guest?.email ?? null,
});

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
  links: BookingLinks;
  /** Cancellation notice and daily limit; day seats and reminders follow every change. */
  policy: Pick<BookingPolicyService, 'assertMayChange' | 'withDaySeat' | 'settleDaySeats'>;
  reminders: Pick<BookingReminders, 'sync' | 'plan'>;
  metrics?: Pick<ServiceMetrics, 'bookingCreated' | 'bookingCancelled' | 'bookingMoved'>;
  /** RESCHEDULE_LIMIT_PER_BOOKING and BOOKING_RATE_PER_HOUR (customers). */
  limits: BookingRateLimits;
}) {
  const now = () => deps.clock.now();

  function checkBookable(
    profile: SpecialistProfileRecord | null,
    start: Date,
    durationMinutes: number | undefined,
    guest = false,
  ) {
    if (!profile)
      throw new UnprocessableError('This specialist has not published availability', 'OUTSIDE_AVAILABILITY');
    if (guest && profile.allowGuests === false) throw new GuestsNotAllowedError();
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
      (viewer.role === 'admin' || booking.specialistId.toString() === viewer.userId || customerMaySee(booking, viewer));
    // Not "403": whether someone else's booking exists is not the caller's business.
    if (!booking || !mine) throw new NotFoundError('Booking');
    return booking;
  }

  /**
   * What a request with an Idempotency-Key finds: the booking the key produced (a replay), the key taken over from a
   * request that died before its booking existed (its lease lapsed: this request completes the booking under the
   * key's bookingId), or nothing (the key is free). While the owner's lease runs, it waits for the booking.
   */
  async function settleKey(
    scope: string,
    requestHash: string,
    viewer: Viewer,
  ): Promise<{ booking: BookingDto } | { takeover: KeyLease } | undefined> {
    const waitUntil = Date.now() + IDEMPOTENCY_LEASE_MS + 5_000; // real time: the injected clock may stand still
    for (;;) {
      const existing = await IdempotencyKeyModel.findOne({ scope }).lean();
      if (!existing) return undefined; // never used, or its first request failed and gave it back
      if (existing.requestHash !== requestHash) throw keyReused();
      const booked = await BookingModel.findById(existing.bookingId).lean<BookingRecord>();
      if (booked) return { booking: toBookingDto(booked, viewer, deps.links) };
      const leaseUntil = existing.leaseUntil ?? new Date(existing.createdAt.getTime() + IDEMPOTENCY_LEASE_MS);
      if (now() >= leaseUntil) {
        // Compare-and-set on the owner: of several retries, exactly one takes the key over.
        const lease = { bookingId: existing.bookingId, owner: newOwner(), takenOver: true };
        const won = await compareAndSet(
          IdempotencyKeyModel,
          { scope, owner: existing.owner ?? null },
          { $set: { owner: lease.owner, leaseUntil: new Date(now().getTime() + IDEMPOTENCY_LEASE_MS) } },
        );
        if (won) return { takeover: lease };
        continue; // another retry took it over: wait for its booking
      }
      if (Date.now() > waitUntil) {
        throw new ConflictError('A request with this Idempotency-Key is still in progress', 'IDEMPOTENCY_KEY_IN_USE');
      }
      await new Promise((resolve) => setTimeout(resolve, 100)); // the owner is still in flight
    }
  }

  /** A refused takeover gives the key back, with what the dead request held for its booking (cells, day seat). */
  async function abandonKey(scope: string, lease: KeyLease): Promise<void> {
    const gone = await IdempotencyKeyModel.deleteOne({ scope, owner: lease.owner });
    if (!lease.takenOver || gone.deletedCount !== 1) return; // a fresh request released its own already
    if (await BookingModel.exists({ _id: lease.bookingId })) return;
    await releaseCells(lease.bookingId);
    await deps.policy.settleDaySeats(lease.bookingId);
  }

  return {
    load,

    /**
     * The booking an Idempotency-Key already made, as its customer sees it (nothing when the key is free or its
     * booking does not exist yet); IDEMPOTENCY_KEY_REUSED when the key was used with another request. A read only:
     * the guest path checks the code before it shows a replay.
     */
    async replayOf(scope: string, input: NewBooking): Promise<BookingDto | undefined> {
      const existing = await IdempotencyKeyModel.findOne({ scope }).lean();
      if (!existing) return undefined;
      if (existing.requestHash !== hashOf(input)) throw keyReused();
      const booked = await BookingModel.findById(existing.bookingId).lean<BookingRecord>();
      return booked ? toBookingDto(booked, customerOf(booked), deps.links) : undefined;
    },

    /**
     * Books a slot: reads the specialist's user, rules and Zoom grant once (at the same time), claims the calendar
     * cells, inserts the booking (which is also the meeting's durable job, claimed for this request's attempt) and
     * creates the meeting inline. The confirmation mails follow right after the response.
     */
    async create(
      customer: Customer,
      input: NewBooking,
      idempotencyKey?: string,
      options: CreateOptions = {},
    ): Promise<{ booking: BookingDto; replayed: boolean }> {
      const customerId = customer.userId;
      const { guest } = options;
      const viewer: Viewer = { userId: customerId, role: 'customer', provenEmail: guest?.email };
      const scope = idempotencyKey ? `${options.keyScope ?? `booking:${customerId}`}:${idempotencyKey}` : undefined;
      const requestHash = hashOf(input);
      // A replay answers from the key alone, so the account is checked first there.
      const known = customer.user ?? (scope ? await deps.accountOf(customerId) : undefined);
      let lease: KeyLease | undefined; // the key this request owns (stored now, or taken over from a dead request)
      if (scope) {
        const found = await settleKey(scope, requestHash, viewer);
        if (found && 'booking' in found) return { booking: found.booking, replayed: true };
        lease = found?.takeover;
      }
      const start = new Date(input.start);
      const specialistId = input.specialistId;
      if (!isValidObjectId(specialistId)) throw new NotFoundError('Specialist');
      // Everything the booking needs to know, read at once; a refused account wins over the other answers.
      // The customer's hourly rate is taken at the same time (given back below if the booking is then refused).
      // The stored calendar copies are read alongside (stored copies only: no fetch in the request).
      const [customerRead, specialistRead, accessRead, rateRead, busyRead] = await Promise.allSettled([
        known ?? deps.accountOf(customerId),
        deps.specialists.profileOf(specialistId),
        deps.host.access(specialistId),
        deps.limits.takeChange(viewer),
        calendarBusyAround(specialistId, start),
      ]);
      const giveRate = rateRead.status === 'fulfilled' ? rateRead.value : async () => {};
      const giveBack = async () => {
        await giveRate();
        if (scope && lease) await abandonKey(scope, lease);
      };
      const checked = await Promise.resolve()
        .then(async () => {
          const customerDto = settledValue(customerRead);
          const { user: specialist, profile } = settledValue(specialistRead);
          const access = settledValue(accessRead);
          const bookable = checkBookable(profile, start, input.durationMinutes, Boolean(guest));
          if (!access) throw new ZoomNotConnectedError();
          settledValue(rateRead);
          assertFreeIn(settledValue(busyRead), {
            start,
            end: bookable.end,
            bufferMinutes: bookable.rules.bufferMinutes,
            zoomMeetingsBusy: profile?.zoomMeetingsBusy !== false,
          });
          return { customerDto, specialist, profile, access, ...bookable };
        })
        .catch(async (error: unknown) => {
          await giveBack();
          throw error;
        });
      const { customerDto, specialist, profile, access, rules, duration, end } = checked;

      if (scope && !lease) {
        const mine = { bookingId: new Types.ObjectId(), owner: newOwner() };
        try {
          const leaseUntil = new Date(now().getTime() + IDEMPOTENCY_LEASE_MS);
          await IdempotencyKeyModel.create({ scope, requestHash, createdAt: now(), leaseUntil, ...mine });
          lease = mine;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          // A request with the same key got there first: its booking, or the key when that request has died.
          const found = await settleKey(scope, requestHash, viewer).catch(async (cause: unknown) => {
            await giveBack();
            throw cause;
          });
          if (found && 'takeover' in found) lease = found.takeover;
          else {
            await giveBack();
            if (found) return { booking: found.booking, replayed: true };
            throw error;
          }
        }
      }
      const bookingId = lease?.bookingId ?? new Types.ObjectId();
      try {
        const cells = cellsFor(start, end, rules.bufferMinutes);
        // the daily limit (no extra read: the profile read above is handed over); a takeover keeps the cells the
        // dead request may have claimed for the same bookingId
        await deps.policy.withDaySeat({ specialistId, bookingId, start, profile }, () =>
          claimCells(specialistId, bookingId, cells, now(), { newBooking: !lease?.takenOver }),
        );
      } catch (error) {
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
        meeting: deps.meetings.claimedAtInsert(t, access.hostUserId ?? deps.host.knownHostUserId(specialistId)),
        guest: guest ?? null,
        at: t,
      });
      // Every field is set above (the schema's defaults included), so mongoose need not hydrate it (lean).
      try {
        await BookingModel.insertMany([record], { lean: true });
      } catch (error) {
        // A slow owner and the request that took its key over both got here: the first insert is the booking.
        const stored =
          scope && isDuplicateKeyError(error) && (await BookingModel.findById(bookingId).lean<BookingRecord>());
        if (!stored) throw error;
        await giveRate();
        return { booking: toBookingDto(stored, viewer, deps.links), replayed: true };
      }
      deps.metrics?.bookingCreated();
      await deps.reminders.plan(record); // durable before the inline Zoom attempt
      const booking = await deps.jobs.firstAttempt(
        record,
        {
          meeting: {
            customerName: guest?.name ?? customerDto.name,
            timezone: profile!.timezone ?? specialist.timezone,
            settings: toMeetingSettings(profile),
          },
          parties: {
            customer: partyOf(guest ? { id: customerId, ...guest } : customerDto),
            specialist: partyOf(specialist),
          },
        },
        access,
      );
      return { booking: toBookingDto(booking, viewer, deps.links), replayed: false };
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
      if (start.getTime() === booking.start.getTime()) return toBookingDto(booking, viewer, deps.links);
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
      return toBookingDto(moved, viewer, deps.links);
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
      if (!won) return toBookingDto(cancelled ?? booking, viewer, deps.links); // already cancelled: idempotent
      deps.metrics?.bookingCancelled();
      await releaseCells(booking._id);
      await deps.policy.settleDaySeats(booking._id);
      await deps.reminders.sync(bookingId);
      await deps.jobs.cancelled(bookingId);
      return toBookingDto(cancelled!, viewer, deps.links);
    },
  };
}

export type BookingService = ReturnType<typeof createBookingService>;
