import type { MailToSend } from './mail-outbox.service';
import { renderHtml, renderText } from './html';

/** A calendar feed has not synced for a long time: its busy times may be out of date. */
export function staleFeedMail(input: {
  to: { email: string; name: string };
  feedId: string;
  label: string;
  host: string;
  lastSyncAt: Date | null;
  lastError: string | null;
  profileUrl: string;
}): MailToSend {
  const title = `Calendar "${input.label}" has not synced`;
  const paragraphs = [
    `Hi ${input.to.name},`,
    `The calendar "${input.label}" (${input.host}) has not synced since ${input.lastSyncAt?.toISOString() ?? 'it was added'}.`,
    `Last error: ${input.lastError ?? 'none recorded'}.`,
    'Its last good copy still blocks bookings; check the address or remove the calendar in the profile.',
  ];
  const links = [{ label: 'Open the profile', href: input.profileUrl }];
  return {
    dedupeKey: `calendar-stale:${input.feedId}:${input.lastSyncAt?.getTime() ?? 0}:${input.to.email}`,
    to: input.to.email,
    subject: title,
    text: renderText(paragraphs, links),
    html: renderHtml(title, paragraphs, links),
  };
}
