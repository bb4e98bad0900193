import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';
import type { BusyInterval } from '../specialist/slot-calculator';

/**
 * Recurrence steps walked per feed (DAILY/WEEKLY rules start just before the window: about one step per occurrence).
 * Beyond it the feed is refused rather than cut short, so no occurrence is silently dropped (fail closed).
 */
const MAX_RECURRENCE_STEPS = 50_000;

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
export function busyFromIcs(text: string, window: { timezone: string; from: Date; to: Date }): BusyInterval[] {
  let root: InstanceType<typeof ICAL.Component>;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    throw new IcsParseError(`Not an iCalendar file (${(error as Error).message.slice(0, 120)})`);
  }
  if (root.name !== 'vcalendar') throw new IcsParseError('Not an iCalendar file (no VCALENDAR)');

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

  // Overrides (RECURRENCE-ID) belong to the master with the same UID; an override without its master stands alone.
  const vevents = root.getAllSubcomponents('vevent');
  const masters = new Map<string, IcalEvent>();
  const overrides: IcalEvent[] = [];
  for (const comp of vevents) {
    const event = new ICAL.Event(comp);
    if (!comp.getFirstPropertyValue('dtstart')) continue;
    if (event.isRecurrenceException()) overrides.push(event);
    else masters.set(event.uid, event);
  }
  for (const o of overrides) {
    const master = masters.get(o.uid);
    if (master?.isRecurring()) master.relateException(o);
    else if (blocks(o)) add(o.startDate, o.endDate, o);
  }

  let steps = 0;
  for (const event of masters.values()) {
    if (!event.isRecurring()) {
      if (blocks(event)) add(event.startDate, event.endDate, event);
      continue;
    }
    skipToWindow(event, from);
    const it = event.iterator();
    for (;;) {
      steps += 1;
      if (steps > MAX_RECURRENCE_STEPS)
        throw new IcsParseError('The calendar has too many recurring occurrences to expand');
      const next = it.next();
      if (!next) break;
      // A moved occurrence can land anywhere; one starting a day past the window is the last one looked at.
      if (toUtc(next, tzidOf(event)).getTime() > to + 86_400_000) break;
      const details = event.getOccurrenceDetails(next);
      // An override is judged on its own STATUS/TRANSP (e.g. one cancelled occurrence of a busy series).
      if (blocks(details.item)) add(details.startDate, details.endDate, details.item);
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
