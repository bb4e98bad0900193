import { DateTime } from 'luxon';
import type { MailToSend } from './mail-outbox.service';
import { renderHtml, renderText } from './html';
import { buildInvitation } from './ics';

export interface Party {
  id: string;
  name: string;
  email: string;
  timezone: string;
}

export interface BookingMailContext {
  bookingId: string;
  sequence: number;
  start: Date;
  end: Date;
  topic: string | null;
  customer: Party;
  specialist: Party;
  joinUrl: string | null;
  /**
   * Our own start link (it fetches a fresh Zoom start_url), for the specialist only; null when the meeting is held by
   * the shared s2s host, which only admins and that host start (the specialist joins like the customer).
   */
  startLink: string | null;
  organizerEmail: string;
  /** The customer's manage link (${FRONTEND_URL}/manage/<token>): cancel or reschedule without signing in. */
  manageUrl?: string;
  /** When the mail is made (the invitation's DTSTAMP). */
  now: Date;
}

export type BookingMailKind = 'confirmed' | 'rescheduled' | 'cancelled';

export const SHARED_HOST_NOTE =
  "This session is hosted by the platform's shared Zoom host: an admin starts the meeting, and you join it with the " +
  'join link like your customer.';

/** The specialist's way into the meeting: our start link, or the join link when the shared host holds it. */
export function specialistMeetingLinks(c: BookingMailContext): {
  links: Array<{ label: string; href: string }>;
  note?: string;
} {
  if (c.startLink) return { links: [{ label: 'Start the Zoom meeting', href: c.startLink }] };
  return {
    links: c.joinUrl ? [{ label: 'Join the Zoom meeting', href: c.joinUrl }] : [],
    note: SHARED_HOST_NOTE,
  };
}

/** "Tuesday, 1 December 2026, 09:00–10:00 (Europe/Berlin)" in the recipient's own zone. */
export function formatWhen(start: Date, end: Date, timezone: string): string {
  const s = DateTime.fromJSDate(start, { zone: timezone });
  const e = DateTime.fromJSDate(end, { zone: timezone });
  return `${s.toFormat('cccc, d LLLL yyyy, HH:mm')}–${e.toFormat('HH:mm')} (${timezone})`;
}

const SUBJECTS: Record<
  BookingMailKind,
  { customer: (c: BookingMailContext) => string; specialist: (c: BookingMailContext) => string }
> = {
  confirmed: {
    customer: (c) => `Your booking with ${c.specialist.name} is confirmed`,
    specialist: () => 'New booking!',
  },
  rescheduled: {
    customer: (c) => `Your booking with ${c.specialist.name} was moved`,
    specialist: (c) => `Booking with ${c.customer.name} was moved`,
  },
  cancelled: {
    customer: (c) => `Your booking with ${c.specialist.name} was cancelled`,
    specialist: (c) => `Booking with ${c.customer.name} was cancelled`,
  },
};

export function bookingMails(kind: BookingMailKind, c: BookingMailContext): MailToSend[] {
  const ical = {
    method: kind === 'cancelled' ? ('CANCEL' as const) : ('REQUEST' as const),
    content: buildInvitation({
      uid: `booking-${c.bookingId}@specialist-booking`,
      sequence: c.sequence,
      method: kind === 'cancelled' ? 'CANCEL' : 'REQUEST',
      start: c.start,
      end: c.end,
      stamp: c.now,
      title: c.topic ?? `Session: ${c.customer.name} & ${c.specialist.name}`,
      description: c.joinUrl ? `Join Zoom: ${c.joinUrl}` : 'The Zoom link follows by email.',
      url: c.joinUrl,
      organizer: { name: 'Specialist booking', email: c.organizerEmail },
      attendees: [c.customer, c.specialist].map((p) => ({ name: p.name, email: p.email })),
    }),
  };
  return (['customer', 'specialist'] as const).map((role) => {
    const me = c[role];
    const other = role === 'customer' ? c.specialist : c.customer;
    const when = formatWhen(c.start, c.end, me.timezone);
    const paragraphs = [`Hi ${me.name},`, `${other.name}, ${when}.`];
    if (c.topic) paragraphs.push(`Topic: ${c.topic}`);
    const links: Array<{ label: string; href: string }> = [];
    if (kind === 'cancelled') paragraphs.push('This session is cancelled; the Zoom meeting was removed.');
    else if (role === 'specialist') {
      const own = specialistMeetingLinks(c);
      links.push(...own.links);
      if (own.note) paragraphs.push(own.note);
    } else if (c.joinUrl) links.push({ label: 'Join the Zoom meeting', href: c.joinUrl });
    else paragraphs.push('Your Zoom link follows in a separate email.');
    if (role === 'customer' && c.manageUrl) links.push({ label: 'Manage your booking', href: c.manageUrl });
    const subject = SUBJECTS[kind][role](c);
    return {
      dedupeKey: `booking:${c.bookingId}:${kind}:${c.sequence}:${role}`,
      to: me.email,
      subject,
      text: renderText(paragraphs, links),
      html: renderHtml(subject, paragraphs, links),
      ical,
    };
  });
}

export function meetingFailedMail(c: BookingMailContext, to: Party, reason: string): MailToSend {
  const subject = `Action needed: no Zoom meeting for the booking with ${c.customer.name}`;
  const paragraphs = [
    `Hi ${to.name},`,
    `We could not create the Zoom meeting for ${formatWhen(c.start, c.end, to.timezone)} (booking ${c.bookingId}).`,
    `Last error: ${reason}`,
    'The booking is still confirmed. Reconnect Zoom or contact support so the meeting can be created.',
  ];
  return {
    dedupeKey: `booking:${c.bookingId}:meeting-failed:${to.id}`,
    to: to.email,
    subject,
    text: renderText(paragraphs),
    html: renderHtml(subject, paragraphs),
  };
}
