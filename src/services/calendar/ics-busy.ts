import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';
import type { BusyInterval } from '../specialist/slot-calculator';

/**
 * Recurrence steps walked per feed (DAILY/WEEKLY rules start just before the window: about one step per occurrence).
 * Beyond it the feed is refused rather than cut short, so no occurrence is silently dropped (fail closed).
 */
const MAX_RECURRENCE_STEPS = 50_000;

/**
 * The most time one feed's expansion may take. ical.js can walk millions of candidates inside one `next()` when a
 * rule's BYxxx parts rarely or never match (FREQ=MINUTELY;BYMONTH=12 …): the walk is bounded by this deadline.
 */
const EXPANSION_BUDGET_MS = 2_000;

export class IcsParseError extends Error {
  override name = 'IcsParseError';
}

type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalEvent = InstanceType<typeof ICAL.Event>;

/**
 * The busy intervals of an iCalendar text between `from` and `to`, merged and in UTC. Recurrences are expanded with
 * their EXDATEs and RECURRENCE-ID overrides; times in a VTIMEZONE (or a known IANA TZID) are exact, floating times and
 * all-day events are read in the specialist's zone. Transparent and cancelled events (or occurrences) block nothing.
 */
export function busyFromIcs(
  text: string,
  window: { timezone: string; from: Date; to: Date },
  budgetMs = EXPANSION_BUDGET_MS,
): BusyInterval[] {
  let root: InstanceType<typeof ICAL.Component>;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    throw new IcsParseError(`Not an iCalendar file (${(error as Error).message.slice(0, 120)})`);
  }
  if (root.name !== 'vcalendar') throw new IcsParseError('Not an iCalendar file (no VCALENDAR)');
  // ical.js decodes values lazily: a malformed DTSTART, DURATION, EXDATE… throws a plain Error while expanding.
  const deadline = performance.now() + budgetMs;
  guard = { deadline, stopAt: ICAL.Time.fromJSDate(new Date(window.to.getTime() + 2 * 86_400_000), true), calls: 0 };
  try {
    return expand(root, window, deadline);
  } catch (error) {
    if (error instanceof IcsParseError) throw error;
    if (error instanceof TooComplex)
      throw new IcsParseError('The calendar has a recurrence rule too complex to expand in time');
    throw new IcsParseError(`The calendar could not be read (${String((error as Error)?.message).slice(0, 120)})`);
  } finally {
    guard = null;
  }
}

/** Thrown from inside ical.js's walk when the deadline passed; busyFromIcs turns it into an IcsParseError. */
class TooComplex extends Error {}

/** The expansion in progress (sync code, one thread: at most one at a time), or null: ical.js is left alone. */
let guard: { deadline: number; stopAt: IcalTime; calls: number } | null = null;
const PAST = Symbol('past the window');
type GuardedIterator = InstanceType<typeof ICAL.RecurIterator> & { [PAST]?: boolean };
const checkContracting = ICAL.RecurIterator.prototype.check_contracting_rules;
/**
 * ical.js's RecurIterator.next() loops over candidates until the BYxxx parts match, with no bound for SECONDLY …
 * WEEKLY. Every candidate goes through check_contracting_rules: during an expansion it checks the deadline, and once
 * a candidate is past the window it ends that rule (as UNTIL would): all later candidates are later still.
 */
ICAL.RecurIterator.prototype.check_contracting_rules = function (this: GuardedIterator) {
  const g = guard;
  if (!g) return checkContracting.call(this);
  if (this[PAST]) return true;
  g.calls += 1;
  if ((g.calls & 63) === 0) {
    if (performance.now() > g.deadline) throw new TooComplex();
    if (this.last.compare(g.stopAt) > 0) {
      this[PAST] = true;
      // next() ends the rule when the candidate found is past UNTIL; this iterator's rule is ours (parsed here).
      this.rule.until = g.stopAt.clone();
      return true;
    }
  }
  return checkContracting.call(this);
};

function expand(
  root: InstanceType<typeof ICAL.Component>,
  window: { timezone: string; from: Date; to: Date },
  deadline: number,
): BusyInterval[] {
  const toUtc = (t: IcalTime, tzid?: string): Date => {
    if (t.isDate)
      return DateTime.fromObject({ year: t.year, month: t.month, day: t.day }, { zone: window.timezone }).toJSDate();
    const zone = t.zone?.tzid;
    if (zone && zone !== 'floating') return t.toJSDate();
    // Floating, or a TZID without its VTIMEZONE: an IANA name is honoured, anything else is the specialist's zone.
    const named = tzid && IANAZone.isValidZone(tzid) ? tzid : window.timezone;
    const { year, month, day, hour, minute, second } = t;
    return DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: named }).toJSDate();
  };
  const blocks = (e: IcalEvent) => {
    const status = String(e.component.getFirstPropertyValue('status') ?? '').toUpperCase();
    const transp = String(e.component.getFirstPropertyValue('transp') ?? '').toUpperCase();
    return status !== 'CANCELLED' && transp !== 'TRANSPARENT';
  };

  const from = window.from.getTime();
  const to = window.to.getTime();
  const found: BusyInterval[] = [];
  const tzidOf = (e: IcalEvent) => {
    const tzid = e.component.getFirstProperty('dtstart')?.getParameter('tzid');
    return typeof tzid === 'string' ? tzid : undefined;
  };
  const add = (start: IcalTime, end: IcalTime, item: IcalEvent) => {
    const s = toUtc(start, tzidOf(item));
    const e = toUtc(end, tzidOf(item));
    if (e.getTime() > from && s.getTime() < to && e > s) found.push({ start: s, end: e });
  };

  // Every event without a RECURRENCE-ID stands on its own (a missing or shared UID collapses nothing); the UID only
  // ties an override to the recurring master it belongs to. An override without its master stands alone.
  const vevents = root.getAllSubcomponents('vevent');
  const events: IcalEvent[] = [];
  const recurringByUid = new Map<string, IcalEvent>();
  const overrides: IcalEvent[] = [];
  for (const comp of vevents) {
    const event = new ICAL.Event(comp);
    if (!comp.getFirstPropertyValue('dtstart')) continue;
    if (event.isRecurrenceException()) overrides.push(event);
    else {
      events.push(event);
      if (event.uid && event.isRecurring()) recurringByUid.set(event.uid, event);
    }
  }
  const related = new Map<IcalEvent, IcalEvent[]>();
  for (const o of overrides) {
    const master = o.uid ? recurringByUid.get(o.uid) : undefined;
    if (master) {
      master.relateException(o);
      related.set(master, [...(related.get(master) ?? []), o]);
    } else if (blocks(o)) add(o.startDate, o.endDate, o);
  }

  let steps = 0;
  for (const event of events) {
    if (!event.isRecurring()) {
      if (blocks(event)) add(event.startDate, event.endDate, event);
      continue;
    }
    skipToWindow(event, from);
    const it = event.iterator();
    const visited = new Set<string>();
    for (;;) {
      steps += 1;
      if (steps > MAX_RECURRENCE_STEPS)
        throw new IcsParseError('The calendar has too many recurring occurrences to expand');
      if (performance.now() > deadline) throw new TooComplex();
      const next = it.next();
      if (!next) break;
      // A moved occurrence can land anywhere; one starting a day past the window is the last one looked at.
      if (toUtc(next, tzidOf(event)).getTime() > to + 86_400_000) break;
      const details = event.getOccurrenceDetails(next);
      if (details.item !== event)
        visited.add(details.item.component.getFirstPropertyValue('recurrence-id')!.toString());
      // An override is judged on its own STATUS/TRANSP (e.g. one cancelled occurrence of a busy series).
      if (blocks(details.item)) add(details.startDate, details.endDate, details.item);
    }
    // An override of an occurrence the walk did not reach (before the window, or after it) can move it into the
    // window: its own time counts.
    for (const o of related.get(event) ?? []) {
      if (visited.has(o.component.getFirstPropertyValue('recurrence-id')!.toString())) continue;
      if (blocks(o)) add(o.startDate, o.endDate, o);
    }
  }
  return merge(found);
}

/**
 * Walking a daily rule from a DTSTART years back costs thousands of slow steps per event. A DAILY or WEEKLY rule
 * without COUNT yields the same occurrences from a DTSTART moved forward by whole periods (same local wall time, so
 * DST is kept; EXDATEs and RECURRENCE-IDs match by occurrence time), so it is moved to just before the window.
 */
function skipToWindow(event: IcalEvent, from: number) {
  const rule = event.component.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur> | null;
  if (!rule || rule.count || event.component.getAllProperties('rrule').length !== 1) return;
  if (event.component.hasProperty('rdate')) return;
  const periodDays = (rule.freq === 'DAILY' ? 1 : rule.freq === 'WEEKLY' ? 7 : 0) * (rule.interval || 1);
  if (!periodDays) return;
  const start = event.startDate;
  const spanDays = Math.ceil(event.endDate.subtractDate(start).toSeconds() / 86_400) + 2;
  const behindDays = Math.floor((from - start.toJSDate().getTime()) / 86_400_000) - spanDays;
  const shiftDays = Math.floor(Math.max(0, behindDays) / periodDays) * periodDays;
  if (shiftDays === 0) return;
  const moved = (t: IcalTime) => {
    const c = t.clone();
    c.adjust(shiftDays, 0, 0, 0); // wall-clock days
    return c;
  };
  const hasEnd = event.component.hasProperty('dtend');
  const end = event.endDate;
  event.startDate = moved(start);
  if (hasEnd) event.endDate = moved(end);
}

function merge(intervals: BusyInterval[]): BusyInterval[] {
  const sorted = [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime());
  const out: BusyInterval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start.getTime() <= last.end.getTime()) {
      if (i.end > last.end) last.end = i.end;
    } else out.push({ start: i.start, end: i.end });
  }
  return out;
}
