import { ConflictError } from '../../lib/errors';
import { CalendarFeedModel } from '../../models/calendar-feed.model';
import { SpecialistProfileModel } from '../../models/specialist-profile.model';
import { ZoomBusyModel } from '../../models/zoom-busy.model';
import type { BusyInterval } from '../specialist/slot-calculator';

/**
 * The busy intervals of a specialist's calendar feeds overlapping [from, to), from the stored copies only: no network
 * call in a request. A failing feed keeps its last good copy here until it syncs again or is removed.
 */
export async function calendarBusyBetween(specialistId: string, from: Date, to: Date): Promise<BusyInterval[]> {
  // One round trip of latency: feeds, the host's own Zoom meetings, and whether those count.
  const [feeds, zoom, profile] = await Promise.all([
    CalendarFeedModel.find({ specialistId }, { busy: 1, expandedUntil: 1 }).lean(),
    ZoomBusyModel.findOne({ specialistId }, { busy: 1, coveredUntil: 1 }).lean(),
    SpecialistProfileModel.findOne({ userId: specialistId }, { zoomMeetingsBusy: 1 }).lean(),
  ]);
  const copies: StoredCopy[] = feeds.map((f) => ({ busy: f.busy, until: f.expandedUntil }));
  if (zoom && profile?.zoomMeetingsBusy !== false) copies.push({ busy: zoom.busy, until: zoom.coveredUntil });
  return copies.flatMap((c) => within(c, from, to));
}

interface StoredCopy {
  busy: Array<{ start: Date; end: Date }> | undefined;
  /** How far the copy was expanded or read; null for a copy stored before this was kept. */
  until?: Date | null;
}

/**
 * A copy's intervals overlapping [from, to). Past the end of what it covers a copy knows nothing (a feed or Zoom that
 * keeps failing while the horizon slides): that time counts as busy, fail closed, until the next good sync.
 */
function within(copy: StoredCopy, from: Date, to: Date): BusyInterval[] {
  const out = (copy.busy ?? [])
    .filter((b) => b.start < to && b.end > from)
    .map((b) => ({ start: b.start, end: b.end }));
  if (copy.until && copy.until < to) out.push({ start: copy.until > from ? copy.until : from, end: to });
  return out;
}

export class CalendarBusyError extends ConflictError {
  constructor() {
    super('The specialist is busy at this time (their calendar)', 'CALENDAR_BUSY');
  }
}

/** The longest a booking and its buffer reach (slot at most 480 minutes, buffer at most 1440: the schemas' limits). */
const REACH_MS = (480 + 1440) * 60_000;

/** A specialist's stored busy times around one start, read before the booking's rules are known. */
export interface CalendarBusyCopy {
  feeds: BusyInterval[];
  /** The host's own Zoom meetings; they count unless the profile turned `zoomMeetingsBusy` off. */
  zoom: BusyInterval[];
}

/**
 * The stored busy intervals any booking starting at `start` could overlap, whatever its length and buffer: read
 * together with the booking's other first reads (no serial round trip, and no second read of the profile).
 */
export async function calendarBusyAround(specialistId: string, start: Date): Promise<CalendarBusyCopy> {
  const from = new Date(start.getTime() - 1440 * 60_000);
  const to = new Date(start.getTime() + REACH_MS);
  const [feeds, zoom] = await Promise.all([
    CalendarFeedModel.find({ specialistId }, { busy: 1, expandedUntil: 1 }).lean(),
    ZoomBusyModel.findOne({ specialistId }, { busy: 1, coveredUntil: 1 }).lean(),
  ]);
  return {
    feeds: feeds.flatMap((f) => within({ busy: f.busy, until: f.expandedUntil }, from, to)),
    zoom: zoom ? within({ busy: zoom.busy, until: zoom.coveredUntil }, from, to) : [],
  };
}

/** Refuses [start, end) widened by the buffer when it overlaps the copy read by `calendarBusyAround`. */
export function assertFreeIn(
  copy: CalendarBusyCopy,
  slot: { start: Date; end: Date; bufferMinutes: number; zoomMeetingsBusy: boolean },
): void {
  const pad = slot.bufferMinutes * 60_000;
  const [from, to] = [slot.start.getTime() - pad, slot.end.getTime() + pad];
  const busy = slot.zoomMeetingsBusy ? [...copy.feeds, ...copy.zoom] : copy.feeds;
  if (busy.some((b) => b.start.getTime() < to && b.end.getTime() > from)) throw new CalendarBusyError();
}

/** Refuses [start, end) when it overlaps a calendar busy interval widened by the buffer, as /slots does. */
export async function assertCalendarFree(
  specialistId: string,
  start: Date,
  end: Date,
  bufferMinutes = 0,
): Promise<void> {
  const pad = bufferMinutes * 60_000;
  const busy = await calendarBusyBetween(specialistId, new Date(start.getTime() - pad), new Date(end.getTime() + pad));
  if (busy.length > 0) throw new CalendarBusyError();
}
