import { DateTime, IANAZone } from 'luxon';
import { isValidTimeZone } from '../../lib/timezone';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export interface WeeklyWindow {
  day: Weekday;
  start: string;
  end: string;
} // "HH:mm" 24h local; end > start; end may be "24:00"
export interface AvailabilityRules {
  timezone: string; // IANA
  weekly: WeeklyWindow[];
  slotMinutes: number; // slot length, also the step between slot starts within a window
  bufferMinutes: number; // required free gap before and after every busy interval (existing bookings)
  minNoticeMinutes: number; // a slot must start at least this long after `now`
  maxDaysAhead: number; // a slot must start before now + maxDaysAhead days
}
export interface BusyInterval {
  start: Date;
  end: Date;
}
export interface Slot {
  start: string;
  end: string;
} // UTC ISO instants like '2026-03-29T07:00:00.000Z' (Date.toISOString())

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DAY_MINUTES = 1440;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A window as minutes after local midnight; end may be 1440. */
interface Span {
  start: number;
  end: number;
}

/**
 * Free slots whose start lies on local calendar dates from..to (inclusive, 'YYYY-MM-DD' in the specialist's zone),
 * sorted, no duplicates.
 */
export function computeSlots(
  rules: AvailabilityRules,
  range: { from: string; to: string },
  busy: BusyInterval[],
  now: Date,
): Slot[] {
  assertValid(rules);
  const earliest = now.getTime() + rules.minNoticeMinutes * MINUTE_MS;
  const latest = now.getTime() + rules.maxDaysAhead * DAY_MS;
  // Only walk dates that can hold a slot inside [earliest, latest); ±1 day absorbs local-date edge cases.
  const first = maxDay(parseDay(range.from), localDay(earliest, rules.timezone).minus({ days: 1 }));
  const last = minDay(parseDay(range.to), localDay(latest, rules.timezone).plus({ days: 1 }));
  const zone = IANAZone.create(rules.timezone);
  const found: number[] = [];
  for (let day = first; day <= last; day = day.plus({ days: 1 })) {
    // Most days have one UTC offset throughout (no transition within ±2 days): plain arithmetic, no luxon per slot.
    const midnight = Date.UTC(day.year, day.month - 1, day.day);
    const offset = zone.offset(midnight - DAY_MS);
    const steady = offset === zone.offset(midnight + 2 * DAY_MS);
    for (const span of spansOn(rules, day)) {
      for (let wall = span.start; wall + rules.slotMinutes <= span.end; wall += rules.slotMinutes) {
        let ms: number;
        if (steady) ms = midnight + (wall - offset) * MINUTE_MS;
        else {
          const start = slotStart(rules.timezone, day, wall, rules.slotMinutes, span);
          if (!start) continue;
          ms = start.toMillis();
        }
        const end = new Date(ms + rules.slotMinutes * MINUTE_MS);
        if (ms >= earliest && ms < latest && !conflictsWithBusy(rules, new Date(ms), end, busy)) found.push(ms);
      }
    }
  }
  return withoutOverlaps(found, rules.slotMinutes);
}

/**
 * True when [start, start+durationMinutes) fits entirely inside one weekly window on the local date of `start`, begins
 * on a slot boundary of that window (window start + k*slotMinutes local), and does not fall in a DST gap. Ignores
 * busy/notice/horizon.
 */
export function fitsAvailability(rules: AvailabilityRules, start: Date, durationMinutes: number): boolean {
  assertValid(rules);
  if (!Number.isInteger(durationMinutes) || durationMinutes <= 0) return false;
  const local = DateTime.fromJSDate(start, { zone: rules.timezone });
  const day = DateTime.utc(local.year, local.month, local.day);
  const wall = wallMinutes(day, local);
  if (local.second !== 0 || local.millisecond !== 0) return false;
  return spansOn(rules, day).some((span) => {
    if ((wall - span.start) % rules.slotMinutes !== 0) return false;
    // Must be the very instant computeSlots would offer, which rejects the second pass through a repeated hour.
    return slotStart(rules.timezone, day, wall, durationMinutes, span)?.toMillis() === start.getTime();
  });
}

/** True when [start,end) overlaps any busy interval widened by bufferMinutes on both sides. */
export function conflictsWithBusy(
  rules: Pick<AvailabilityRules, 'bufferMinutes'>,
  start: Date,
  end: Date,
  busy: BusyInterval[],
): boolean {
  const pad = rules.bufferMinutes * MINUTE_MS;
  return busy.some((b) => start.getTime() < b.end.getTime() + pad && end.getTime() > b.start.getTime() - pad);
}

/**
 * Validation helper for the API layer: returns a list of human-readable problems (empty when valid): bad HH:mm, end <=
 * start, overlapping windows on the same day, invalid zone, slotMinutes not in 5..480, etc.
 */
export function availabilityProblems(rules: AvailabilityRules): string[] {
  const problems: string[] = [];
  if (typeof rules.timezone !== 'string' || !isValidTimeZone(rules.timezone))
    problems.push(`timezone "${String(rules.timezone)}" is not a valid IANA time zone`);
  checkInteger(problems, 'slotMinutes', rules.slotMinutes, 5, 480);
  checkInteger(problems, 'bufferMinutes', rules.bufferMinutes, 0, DAY_MINUTES);
  checkInteger(problems, 'minNoticeMinutes', rules.minNoticeMinutes, 0, 365 * DAY_MINUTES);
  checkInteger(problems, 'maxDaysAhead', rules.maxDaysAhead, 1, 365);
  if (!Array.isArray(rules.weekly)) return [...problems, 'weekly must be a list of windows'];
  const valid: Array<Span & { day: Weekday; label: string }> = [];
  rules.weekly.forEach((w, i) => {
    const label = `weekly[${i}]`;
    const start = parseTime(w?.start, false);
    const end = parseTime(w?.end, true);
    if (!WEEKDAYS.includes(w?.day))
      problems.push(`${label}: day "${String(w?.day)}" must be one of ${WEEKDAYS.join(', ')}`);
    if (start === null)
      problems.push(`${label}: start "${String(w?.start)}" must be a time HH:mm between 00:00 and 23:59`);
    if (end === null) problems.push(`${label}: end "${String(w?.end)}" must be a time HH:mm between 00:01 and 24:00`);
    if (start === null || end === null) return;
    if (end <= start) problems.push(`${label}: end ${w.end} must be after start ${w.start}`);
    else if (end - start < rules.slotMinutes)
      problems.push(`${label}: ${w.start}–${w.end} is shorter than one ${rules.slotMinutes}-minute slot`);
    else if (WEEKDAYS.includes(w.day)) valid.push({ day: w.day, start, end, label });
  });
  valid.sort((a, b) => a.start - b.start);
  for (const [i, a] of valid.entries()) {
    const clash = valid.slice(i + 1).find((b) => b.day === a.day && b.start < a.end);
    if (clash) problems.push(`${a.label} and ${clash.label} overlap on ${a.day}`);
  }
  return problems;
}

/** Resolves a local wall time to its instant and checks that the slot really fits the window; null when it does not. */
function slotStart(zone: string, day: DateTime, wall: number, durationMinutes: number, span: Span): DateTime | null {
  if (wall < span.start || wall + durationMinutes > span.end) return null;
  const start = resolveWallTime(zone, day, wall);
  // Across spring-forward the wall clock runs ahead of elapsed time, so the real end can spill past the window end.
  if (!start || wallMinutes(day, start.plus({ minutes: durationMinutes })) > span.end) return null;
  return start;
}

/** The instant of a local wall time on `day`: null inside a DST gap, the first occurrence in a repeated hour. */
function resolveWallTime(zone: string, day: DateTime, wall: number): DateTime | null {
  const resolved = DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: Math.floor(wall / 60), minute: wall % 60 },
    { zone },
  );
  // Luxon shifts nonexistent (gap) times forward instead of failing.
  if (wallMinutes(day, resolved) !== wall) return null;
  // Luxon 3 resolves a repeated fall-back time to the later offset; prefer the earlier one (RFC 5545, Temporal
  // "compatible").
  const shift = resolved.minus({ hours: 3 }).offset - resolved.offset;
  if (shift <= 0) return resolved;
  const earlier = resolved.minus({ minutes: shift });
  return wallMinutes(day, earlier) === wall ? earlier : resolved;
}

/**
 * Minutes from local midnight of `day` (a UTC-calendar date) to the local wall time of `t`; may exceed 1440 or go
 * negative.
 */
function wallMinutes(day: DateTime, t: DateTime): number {
  const days = Math.round(DateTime.utc(t.year, t.month, t.day).diff(day, 'days').days);
  return days * DAY_MINUTES + t.hour * 60 + t.minute;
}

function spansOn(rules: AvailabilityRules, day: DateTime): Span[] {
  const weekday = WEEKDAYS[day.weekday - 1];
  return rules.weekly
    .filter((w) => w.day === weekday)
    .map((w) => ({ start: parseTime(w.start, false) ?? 0, end: parseTime(w.end, true) ?? 0 }));
}

/** Sorts by start and drops any slot that shares or overlaps the UTC interval of the one kept before it. */
function withoutOverlaps(starts: number[], slotMinutes: number): Slot[] {
  const slots: Slot[] = [];
  let lastEnd = -Infinity;
  for (const ms of [...starts].sort((a, b) => a - b)) {
    if (ms < lastEnd) continue;
    lastEnd = ms + slotMinutes * MINUTE_MS;
    slots.push({ start: new Date(ms).toISOString(), end: new Date(lastEnd).toISOString() });
  }
  return slots;
}

function parseTime(value: unknown, allowMidnightEnd: boolean): number | null {
  if (allowMidnightEnd && value === '24:00') return DAY_MINUTES;
  const m = typeof value === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value) : null;
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return allowMidnightEnd && minutes === 0 ? null : minutes;
}

function parseDay(value: string): DateTime {
  const day = DateTime.fromISO(value, { zone: 'utc' });
  if (!ISO_DATE.test(value) || !day.isValid) throw new RangeError(`"${value}" is not a date YYYY-MM-DD`);
  return day;
}

/** The local calendar date of an instant, as a UTC-midnight DateTime so day arithmetic ignores DST. */
function localDay(ms: number, zone: string): DateTime {
  const local = DateTime.fromMillis(ms, { zone });
  return DateTime.utc(local.year, local.month, local.day);
}

const maxDay = (a: DateTime, b: DateTime): DateTime => (a >= b ? a : b);
const minDay = (a: DateTime, b: DateTime): DateTime => (a <= b ? a : b);

function checkInteger(problems: string[], name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got ${String(value)})`);
  }
}

// Rules come from storage; stepping by a bad slotMinutes or an unknown zone would loop forever or silently yield
// nothing.
function assertValid(rules: AvailabilityRules): void {
  const problems = availabilityProblems(rules);
  if (problems.length > 0) throw new RangeError(`invalid availability rules: ${problems.join('; ')}`);
}
