import type { MailToSend } from './mail-outbox.service';
import { formatWhen, specialistMeetingLinks, type BookingMailContext } from './booking-mail.templates';
import { renderHtml, renderText } from './html';

/** 1440 → "24 hours", 60 → "1 hour", 90 → "90 minutes". */
export function inWords(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/**
 * The reminders of one booking version at one offset: the customer's with the join and manage links, the
 * specialist's with our start link; each in the recipient's zone. A meeting Zoom has not confirmed yet is said so.
 */
export function reminderMails(c: BookingMailContext, offsetMinutes: number): MailToSend[] {
  return (['customer', 'specialist'] as const).map((role) => {
    const me = c[role];
    const other = role === 'customer' ? c.specialist : c.customer;
    const subject = `Reminder: your session with ${other.name} starts in ${inWords(offsetMinutes)}`;
    const paragraphs = [
      `Hi ${me.name},`,
      `Your session with ${other.name}: ${formatWhen(c.start, c.end, me.timezone)}.`,
    ];
    if (c.topic) paragraphs.push(`Topic: ${c.topic}`);
    const links: Array<{ label: string; href: string }> = [];
    if (!c.joinUrl) {
      paragraphs.push(
        role === 'customer'
          ? 'The Zoom meeting is still pending: Zoom has not confirmed it yet. We will email the link as soon as it does.'
          : 'The Zoom meeting is still pending: Zoom has not confirmed it yet and we keep trying. If Zoom asks you to reconnect, please do.',
      );
    } else if (role === 'specialist') {
      const own = specialistMeetingLinks(c);
      links.push(...own.links);
      if (own.note) paragraphs.push(own.note);
    } else {
      links.push({ label: 'Join the Zoom meeting', href: c.joinUrl });
    }
    if (role === 'customer' && c.manageUrl) links.push({ label: 'Cancel or reschedule', href: c.manageUrl });
    return {
      dedupeKey: `booking:${c.bookingId}:reminder:${offsetMinutes}:${c.sequence}:${role}`,
      to: me.email,
      subject,
      text: renderText(paragraphs, links),
      html: renderHtml(subject, paragraphs, links),
    };
  });
}
