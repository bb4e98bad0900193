import { DateTime } from 'luxon';
import type { MailToSend } from './mail-outbox.service';
import {
  bookingMails,
  formatWhen,
  specialistMeetingLinks,
  type BookingMailContext,
  type Party,
} from './booking-mail.templates';
import { renderHtml, renderText } from './html';

export type RenewalReason = 'zoom_deleted' | 'reconnect_moved' | 'missing';

const WHY: Record<RenewalReason, string> = {
  zoom_deleted: 'The Zoom meeting for this session was deleted in Zoom, so we made a new one.',
  reconnect_moved: "The session's Zoom meeting moved to the specialist's new Zoom account.",
  missing: 'The Zoom meeting for this session no longer existed, so we made a new one.',
};

/**
 * The updated invitation after a meeting was made again (same UID, SEQUENCE raised by the caller): both parties get
 * the new links; the calendar entry is the one `bookingMails` builds for any change of the booking.
 */
export function renewedMeetingMails(c: BookingMailContext, reason: RenewalReason): MailToSend[] {
  return bookingMails('rescheduled', c).map((mail, i) => {
    const role = i === 0 ? 'customer' : 'specialist';
    const me = c[role];
    const other = role === 'customer' ? c.specialist : c.customer;
    const subject = `New Zoom link for your session with ${other.name}`;
    const paragraphs = [`Hi ${me.name},`, WHY[reason], `${other.name}, ${formatWhen(c.start, c.end, me.timezone)}.`];
    paragraphs.push('The time is unchanged. Links from earlier emails no longer work.');
    const links =
      role === 'customer'
        ? [
            ...(c.joinUrl ? [{ label: 'Join the Zoom meeting', href: c.joinUrl }] : []),
            ...(c.manageUrl ? [{ label: 'Manage your booking', href: c.manageUrl }] : []),
          ]
        : specialistMeetingLinks(c).links;
    return {
      ...mail,
      dedupeKey: `booking:${c.bookingId}:meeting-renewed:${c.sequence}:${role}`,
      subject,
      text: renderText(paragraphs, links),
      html: renderHtml(subject, paragraphs, links),
    };
  });
}

/** To the specialist, once per change seen: the meeting was changed in Zoom and has been set back to the booking. */
export function meetingSetBackMail(
  c: BookingMailContext,
  changed: { start?: Date; durationMinutes?: number; topic?: string },
  key: string,
  manageHelpUrl: string,
): MailToSend {
  const to: Party = c.specialist;
  const subject = `Your Zoom meeting with ${c.customer.name} was set back to the booked time`;
  const seen: string[] = [];
  if (changed.start) {
    const at = DateTime.fromJSDate(changed.start, { zone: to.timezone }).toFormat('cccc, d LLLL yyyy, HH:mm');
    seen.push(`start ${at} (${to.timezone})`);
  }
  if (changed.durationMinutes !== undefined) seen.push(`duration ${changed.durationMinutes} minutes`);
  if (changed.topic !== undefined) seen.push(`topic "${changed.topic}"`);
  const paragraphs = [
    `Hi ${to.name},`,
    `The Zoom meeting of your booking with ${c.customer.name} was changed in Zoom (${seen.join(', ')}).`,
    `The booking is what ${c.customer.name} agreed to, so we set the meeting back: ` +
      `${formatWhen(c.start, c.end, to.timezone)}.`,
    'To move a session, reschedule the booking instead (My bookings → Reschedule, or ask the customer to use the ' +
      'link in their email): then both of you get the new time and the Zoom meeting follows.',
  ];
  const links = [...specialistMeetingLinks(c).links, { label: 'My bookings', href: manageHelpUrl }];
  return {
    dedupeKey: `booking:${c.bookingId}:zoom-set-back:${c.sequence}:${key}`,
    to: to.email,
    subject,
    text: renderText(paragraphs, links),
    html: renderHtml(subject, paragraphs, links),
  };
}
