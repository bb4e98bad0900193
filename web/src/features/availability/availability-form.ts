import type { Availability, AvailabilityRequest, Day } from '../../lib/api-types';

export const DAYS: Array<{ day: Day; label: string }> = [
  { day: 'mon', label: 'Monday' },
  { day: 'tue', label: 'Tuesday' },
  { day: 'wed', label: 'Wednesday' },
  { day: 'thu', label: 'Thursday' },
  { day: 'fri', label: 'Friday' },
  { day: 'sat', label: 'Saturday' },
  { day: 'sun', label: 'Sunday' },
];

export interface WindowRow {
  key: number;
  day: Day;
  start: string;
  end: string;
}

export interface AvailabilityForm {
  headline: string;
  timezone: string;
  windows: WindowRow[];
  slotMinutes: string;
  bufferMinutes: string;
  minNoticeMinutes: string;
  maxDaysAhead: string;
  cancelNoticeMinutes: string;
  /** Empty = no limit. */
  maxBookingsPerDay: string;
  /** The specialist's own Zoom meetings (not made for bookings here) block their slots. */
  zoomMeetingsBusy: boolean;
  /** Visitors without an account may book with an emailed code. */
  allowGuests: boolean;
}

let nextKey = 1;
export const newWindow = (day: Day = 'mon', start = '09:00', end = '17:00'): WindowRow => ({ key: nextKey++, day, start, end });

/** Weekdays 09:00–17:00, hour-long slots: what most specialists start from. */
export function defaultAvailability(timezone: string): AvailabilityForm {
  return {
    headline: '',
    timezone,
    windows: (['mon', 'tue', 'wed', 'thu', 'fri'] as Day[]).map((d) => newWindow(d)),
    slotMinutes: '60',
    bufferMinutes: '15',
    minNoticeMinutes: '60',
    maxDaysAhead: '30',
    cancelNoticeMinutes: '0',
    maxBookingsPerDay: '',
    zoomMeetingsBusy: true,
    allowGuests: true,
  };
}

/** The form for what the API has saved. */
export function fromAvailability(saved: Availability | AvailabilityRequest): AvailabilityForm {
  return {
    headline: saved.headline ?? '',
    timezone: saved.timezone,
    windows: saved.weekly.map((w) => newWindow(w.day, w.start, w.end === '24:00' ? '00:00' : w.end)),
    slotMinutes: String(saved.slotMinutes),
    bufferMinutes: String(saved.bufferMinutes),
    minNoticeMinutes: String(saved.minNoticeMinutes),
    maxDaysAhead: String(saved.maxDaysAhead),
    cancelNoticeMinutes: String(saved.cancelNoticeMinutes ?? 0),
    maxBookingsPerDay: saved.maxBookingsPerDay ? String(saved.maxBookingsPerDay) : '',
    // The API's default is on.
    zoomMeetingsBusy: saved.zoomMeetingsBusy !== false,
    allowGuests: saved.allowGuests !== false,
  };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The form as the API wants it, or the problems in words (checked here too so people hear about them before saving). */
export function toAvailabilityRequest(form: AvailabilityForm): { body?: AvailabilityRequest; problems: string[] } {
  const problems: string[] = [];
  const number = (value: string, label: string, min: number, max: number, step = 1) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) problems.push(`${label} must be a whole number from ${min} to ${max}.`);
    else if (n % step !== 0) problems.push(`${label} must be a multiple of ${step}.`);
    return n;
  };
  const slotMinutes = number(form.slotMinutes, 'Slot length (minutes)', 5, 480, 5);
  const bufferMinutes = number(form.bufferMinutes, 'Buffer (minutes)', 0, 1440, 5);
  const minNoticeMinutes = number(form.minNoticeMinutes, 'Minimum notice (minutes)', 0, 525_600);
  const maxDaysAhead = number(form.maxDaysAhead, 'Book up to (days ahead)', 1, 365);
  const cancelNoticeMinutes = number(form.cancelNoticeMinutes, 'Cancellation notice (minutes)', 0, 525_600);
  const maxBookingsPerDay = form.maxBookingsPerDay.trim() === '' ? null : number(form.maxBookingsPerDay, 'Max bookings per day', 1, 1000);
  const weekly = form.windows.map(({ day, start, end }) => ({ day, start: start.slice(0, 5), end: end === '00:00' ? '24:00' : end.slice(0, 5) }));
  for (const w of weekly) {
    const label = DAYS.find((d) => d.day === w.day)?.label ?? w.day;
    if (!/^\d\d:\d\d$/.test(w.start) || !/^\d\d:\d\d$/.test(w.end)) problems.push(`${label}: enter both times.`);
    else if (toMinutes(w.end) <= toMinutes(w.start)) problems.push(`${label}: the end must be after the start.`);
    else if (toMinutes(w.start) % 5 !== 0 || toMinutes(w.end) % 5 !== 0) problems.push(`${label}: use times on 5-minute steps.`);
  }
  if (problems.length > 0) return { problems };
  return {
    problems,
    body: {
      timezone: form.timezone,
      weekly,
      slotMinutes,
      bufferMinutes,
      minNoticeMinutes,
      maxDaysAhead,
      cancelNoticeMinutes,
      maxBookingsPerDay,
      zoomMeetingsBusy: form.zoomMeetingsBusy,
      allowGuests: form.allowGuests,
      ...(form.headline.trim() ? { headline: form.headline.trim() } : {}),
    },
  };
}
