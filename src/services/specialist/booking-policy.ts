import { DateTime } from 'luxon';
import type { Slot } from './slot-calculator';

/** The specialist's booking policies (cancellation notice, daily limit), saved with the availability. */
export interface BookingPolicy {
  /** A customer may cancel or reschedule until this many minutes before the start (0 = until the start). */
  cancelNoticeMinutes: number;
  /** At most this many confirmed bookings per local day in the specialist's zone; null = no limit. */
  maxBookingsPerDay: number | null;
}

export function toPolicy(profile: { cancelNoticeMinutes?: number | null; maxBookingsPerDay?: number | null }) {
  return {
    cancelNoticeMinutes: profile.cancelNoticeMinutes ?? 0,
    maxBookingsPerDay: profile.maxBookingsPerDay ?? null,
  } satisfies BookingPolicy;
}

/** 'YYYY-MM-DD' of an instant in a zone. */
export function localDayOf(at: Date | string, timezone: string): string {
  const dt =
    typeof at === 'string' ? DateTime.fromISO(at, { zone: timezone }) : DateTime.fromJSDate(at, { zone: timezone });
  return dt.toISODate()!;
}

/** Slots on days that already hold `maxBookingsPerDay` confirmed bookings are not offered. */
export function withoutFullDays(
  slots: Slot[],
  booked: Array<{ start: Date }>,
  timezone: string,
  maxBookingsPerDay: number | null,
): Slot[] {
  if (!maxBookingsPerDay) return slots;
  const perDay = new Map<string, number>();
  for (const b of booked) {
    const day = localDayOf(b.start, timezone);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  return slots.filter((s) => (perDay.get(localDayOf(s.start, timezone)) ?? 0) < maxBookingsPerDay);
}
