import type { Slot } from './api-types';

/** The zone this browser runs in (IANA name), e.g. "America/New_York". */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every IANA zone the browser knows, with `current` included even if the list lacks it (some engines omit "UTC"). */
export function timeZoneOptions(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return all.includes(current) ? all : [current, ...all];
}

/** "YYYY-MM-DD" of an instant as seen in `timeZone`. */
export function localDateKey(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    instant,
  );
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function formatTime(iso: string, timeZone: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

export function formatDay(iso: string, timeZone: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
    new Date(iso),
  );
}

/** A date and time that always says its zone: "Mon, 7 Dec 2026, 09:00 (Europe/Berlin)". */
export function formatDateTime(iso: string | null | undefined, timeZone: string, locale?: string): string {
  if (!iso) return '—';
  const text = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
  return `${text} (${timeZone})`;
}

export interface SlotDay {
  /** Local date in the viewer's zone, YYYY-MM-DD. */
  date: string;
  label: string;
  slots: Array<Slot & { label: string }>;
}

/**
 * Groups slots (UTC instants) by the viewer's local day: a slot at 23:30 UTC is on the next day in Berlin and the same
 * day in New York, so days are computed in `timeZone`, never from the ISO string.
 */
export function groupSlotsByDay(slots: Slot[], timeZone: string, locale?: string): SlotDay[] {
  const days = new Map<string, SlotDay>();
  const sorted = [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  for (const slot of sorted) {
    const date = localDateKey(new Date(slot.start), timeZone);
    let day = days.get(date);
    if (!day) {
      day = { date, label: formatDay(slot.start, timeZone, locale), slots: [] };
      days.set(date, day);
    }
    day.slots.push({ ...slot, label: formatTime(slot.start, timeZone, locale) });
  }
  return [...days.values()];
}

/**
 * The `from`/`to` dates to ask for. The API reads them as the specialist's local dates, which may be a day apart from
 * the viewer's, so the range starts a day early (past slots are never offered) and covers `days` after today.
 */
export function slotRange(now: Date, days: number): { from: string; to: string } {
  const day = 24 * 3600 * 1000;
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { from: iso(new Date(now.getTime() - day)), to: iso(new Date(now.getTime() + days * day)) };
}
