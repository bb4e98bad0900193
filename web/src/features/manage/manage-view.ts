import type { ManagedBooking } from '../../lib/api-types';

/** The customer may still cancel or move: the link is live, the booking confirmed, and the notice not yet reached. */
export function canChangeViaLink(view: ManagedBooking, now: Date): boolean {
  return view.token !== null && view.booking.status === 'confirmed' && Date.parse(view.changeableUntil) > now.getTime();
}

/** Whether the specialist asks for notice before changes (then the page says until when). */
export const hasNotice = (view: ManagedBooking) => Date.parse(view.changeableUntil) < Date.parse(view.booking.start);
