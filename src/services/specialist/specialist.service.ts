import { DateTime } from 'luxon';
import { isValidObjectId, Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { BookingModel } from '../../models/booking.model';
import { SpecialistProfileModel, type SpecialistProfileRecord } from '../../models/specialist-profile.model';
import { UserModel } from '../../models/user.model';
import {
  availabilityProblems,
  computeSlots,
  type AvailabilityRules,
  type BusyInterval,
  type Slot,
} from './slot-calculator';
import type { MeetingHost } from '../booking/meeting-host.service';
import { toPolicy, withoutFullDays, type BookingPolicy } from './booking-policy';
import { toMeetingSettings } from './meeting-settings';
import type { MeetingSettings } from '../booking/meeting-input';
import { calendarBusyBetween } from '../calendar/calendar.module';

export interface AvailabilityInput extends AvailabilityRules, BookingPolicy {
  headline?: string;
  /** Absent: kept as saved (default on). */
  allowGuests?: boolean;
  /** Absent: the saved settings are kept. */
  meetingSettings?: MeetingSettings;
}

export interface SpecialistDto {
  id: string;
  name: string;
  headline: string;
  timezone: string;
  zoomConnected: boolean;
  /** Visitors without an account may book with an emailed code. */
  allowGuests: boolean;
}

const MAX_RANGE_DAYS = 62;

export function toRules(profile: SpecialistProfileRecord): AvailabilityRules {
  return {
    timezone: profile.timezone,
    weekly: profile.weekly.map((w) => ({
      day: w.day as AvailabilityRules['weekly'][number]['day'],
      start: w.start,
      end: w.end,
    })),
    slotMinutes: profile.slotMinutes,
    bufferMinutes: profile.bufferMinutes,
    minNoticeMinutes: profile.minNoticeMinutes,
    maxDaysAhead: profile.maxDaysAhead,
  };
}

/** Profiles, weekly availability and the free slots derived from them. */
export function createSpecialistService(deps: {
  clock: Clock;
  /** Whether the specialist can get meetings right now (their Zoom grant, or the platform account in s2s mode). */
  host: Pick<MeetingHost, 'canHost' | 'canHostMany'>;
}) {
  async function profileOf(specialistId: string) {
    if (!isValidObjectId(specialistId)) throw new NotFoundError('Specialist');
    // Both at once: one round trip of latency instead of two.
    const [user, profile] = await Promise.all([
      UserModel.findOne({ _id: specialistId, role: 'specialist' }).lean(),
      SpecialistProfileModel.findOne({ userId: specialistId }).lean<SpecialistProfileRecord>(),
    ]);
    if (!user) throw new NotFoundError('Specialist');
    return { user, profile };
  }

  /**
   * What others may see and book of a specialist: an account being deleted is gone for them at once (README
   * "Deletion"), while its existing bookings are still read through profileOf until they are cancelled.
   */
  async function listedProfileOf(specialistId: string) {
    const read = await profileOf(specialistId);
    if (read.user.deletingAt) throw new NotFoundError('Specialist');
    return read;
  }

  function toDto(
    user: { _id: Types.ObjectId; name: string; timezone: string },
    profile: SpecialistProfileRecord | null,
    zoomConnected: boolean,
  ): SpecialistDto {
    return {
      id: user._id.toString(),
      name: user.name,
      headline: profile?.headline ?? '',
      timezone: profile?.timezone ?? user.timezone,
      zoomConnected,
      allowGuests: profile?.allowGuests !== false,
    };
  }

  return {
    profileOf,
    listedProfileOf,

    async setAvailability(specialistId: string, input: AvailabilityInput) {
      const problems = availabilityProblems(input);
      if (problems.length > 0)
        throw new ValidationError(
          'Invalid availability',
          problems.map((message) => ({ message })),
        );
      const { headline, ...rules } = input;
      await SpecialistProfileModel.updateOne(
        { userId: specialistId },
        { $set: { ...rules, ...(headline === undefined ? {} : { headline }) } },
        { upsert: true },
      );
      const profile = await SpecialistProfileModel.findOne({ userId: specialistId }).lean<SpecialistProfileRecord>();
      return {
        headline: profile!.headline,
        ...toRules(profile!),
        ...toPolicy(profile!),
        meetingSettings: toMeetingSettings(profile),
        zoomMeetingsBusy: profile!.zoomMeetingsBusy !== false,
        allowGuests: profile!.allowGuests !== false,
      };
    },

    /** What the specialist saved last (the web app's availability form starts from it). */
    async getAvailability(specialistId: string) {
      const profile = await SpecialistProfileModel.findOne({ userId: specialistId }).lean<SpecialistProfileRecord>();
      if (!profile) throw new NotFoundError('Availability');
      return {
        headline: profile.headline,
        ...toRules(profile),
        ...toPolicy(profile),
        meetingSettings: toMeetingSettings(profile),
        zoomMeetingsBusy: profile.zoomMeetingsBusy !== false,
        allowGuests: profile.allowGuests !== false,
      };
    },

    async list(): Promise<SpecialistDto[]> {
      const users = await UserModel.find({ role: 'specialist', deletingAt: null }).sort({ name: 1 }).limit(500).lean();
      const profiles = await SpecialistProfileModel.find({ userId: { $in: users.map((u) => u._id) } }).lean<
        SpecialistProfileRecord[]
      >();
      const byUser = new Map(profiles.map((p) => [p.userId.toString(), p]));
      const connected = await deps.host.canHostMany(users.map((u) => u._id.toString()));
      return users.map((u) => toDto(u, byUser.get(u._id.toString()) ?? null, connected.has(u._id.toString())));
    },

    async get(specialistId: string): Promise<SpecialistDto> {
      const { user, profile } = await listedProfileOf(specialistId);
      return toDto(user, profile, await deps.host.canHost(specialistId));
    },

    async freeSlots(
      specialistId: string,
      range: { from: string; to: string },
    ): Promise<{ timezone: string; slots: Slot[] }> {
      const from = DateTime.fromISO(range.from, { zone: 'utc' });
      const to = DateTime.fromISO(range.to, { zone: 'utc' });
      if (!from.isValid || !to.isValid || to < from)
        throw new ValidationError('`to` must be a date on or after `from`');
      if (to.diff(from, 'days').days + 1 > MAX_RANGE_DAYS) {
        throw new ValidationError(`The range may cover at most ${MAX_RANGE_DAYS} days`);
      }
      const { profile } = await listedProfileOf(specialistId);
      if (!profile) return { timezone: 'UTC', slots: [] };
      // Local dates can be up to ±14 h from UTC: widen the busy window by two days on each side.
      const busy = await BookingModel.find({
        specialistId,
        status: 'confirmed',
        start: { $lt: to.plus({ days: 2 }).toJSDate() },
        end: { $gt: from.minus({ days: 2 }).toJSDate() },
      }).lean();
      const intervals: BusyInterval[] = busy.map((b) => ({ start: b.start, end: b.end }));
      intervals.push(
        ...(await calendarBusyBetween(
          specialistId,
          from.minus({ days: 2 }).toJSDate(),
          to.plus({ days: 2 }).toJSDate(),
        )),
      );
      const slots = computeSlots(toRules(profile), range, intervals, deps.clock.now());
      // days already at maxBookingsPerDay offer nothing
      return {
        timezone: profile.timezone,
        slots: withoutFullDays(slots, busy, profile.timezone, toPolicy(profile).maxBookingsPerDay),
      };
    },
  };
}

export type SpecialistService = ReturnType<typeof createSpecialistService>;
