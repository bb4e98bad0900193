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
    CalendarFeedModel.find({ specialistId }, { busy: 1 }).lean(),
    ZoomBusyModel.findOne({ specialistId }, { busy: 1 }).lean(),
    SpecialistProfileModel.findOne({ userId: specialistId }, { zoomMeetingsBusy: 1 }).lean(),
  ]);
  if (zoom && profile?.zoomMeetingsBusy !== false) feeds.push(zoom as unknown as (typeof feeds)[number]);
  return feeds.flatMap((f) =>
    f.busy.filter((b) => b.start < to && b.end > from).map((b) => ({ start: b.start, end: b.end })),
  );
}

export class CalendarBusyError extends ConflictError {
  constructor() {
    super('The specialist is busy at this time (their calendar)', 'CALENDAR_BUSY');
  }
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
