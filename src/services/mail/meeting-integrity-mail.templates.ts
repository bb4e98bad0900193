import { formatWhen, type BookingMailContext, type Party } from './booking-mail.templates';
import { renderHtml, renderText } from './html';
import type { MailToSend } from './mail-outbox.service';

/**
 * To each admin when a cancelled booking's Zoom meeting could not be removed within MEETING_DELETE_GIVE_UP_DAYS
 * past its start (or Zoom refused the removal): the meeting may still be live in the host's account.
 */
export function meetingUndeletableMail(c: BookingMailContext, to: Party, reason: string): MailToSend {
  const subject = `Action needed: a cancelled booking's Zoom meeting could not be removed`;
  const paragraphs = [
    `Hi ${to.name},`,
    `The booking ${c.bookingId} of ${c.specialist.name} with ${c.customer.name} ` +
      `(${formatWhen(c.start, c.end, to.timezone)}) was cancelled, but its Zoom meeting could not be deleted.`,
    `Last error: ${reason}`,
    'Its join link may still work. Please delete the meeting in the host’s Zoom account.',
  ];
  return {
    dedupeKey: `booking:${c.bookingId}:meeting-undeletable:${to.id}`,
    to: to.email,
    subject,
    text: renderText(paragraphs),
    html: renderHtml(subject, paragraphs),
  };
}
