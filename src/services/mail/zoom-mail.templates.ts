import type { MailToSend } from './mail-outbox.service';
import { renderHtml, renderText } from './html';

export function reconnectZoomMail(input: {
  specialistId: string;
  grantVersion: string;
  to: string;
  name: string;
  reconnectUrl: string;
  /** Upcoming bookings still waiting for their meeting, one line each ("when — with whom"). */
  pendingBookings?: string[];
  /** We lost Zoom's answer to a token refresh (lost_response): say so, and that one click fixes it. */
  ourFault?: boolean;
}): MailToSend {
  const title = input.ourFault ? 'Please reconnect Zoom: we lost the connection' : 'Please reconnect your Zoom account';
  const pending = input.pendingBookings ?? [];
  const why = input.ourFault
    ? [
        'Our platform lost its connection to your Zoom account: a technical failure on our side, not anything you did. Until you reconnect we cannot create meetings for your new bookings.',
        'Reconnecting takes one click: press the button below and approve in Zoom.',
      ]
    : [
        'Zoom no longer accepts our access to your account (the app was removed or the authorization expired), so we cannot create meetings for your new bookings.',
      ];
  const paragraphs = [
    `Hi ${input.name},`,
    ...why,
    'Bookings stay confirmed; their meetings will be created as soon as you reconnect.',
    ...(pending.length > 0
      ? [
          `${pending.length === 1 ? 'This upcoming booking is' : `These ${pending.length} upcoming bookings are`} waiting for a Zoom meeting:`,
          ...pending.map((line) => `• ${line}`),
        ]
      : []),
  ];
  const links = [{ label: 'Reconnect Zoom', href: input.reconnectUrl }];
  return {
    dedupeKey: `zoom-reauth:${input.specialistId}:${input.grantVersion}`,
    to: input.to,
    subject: title,
    text: renderText(paragraphs, links),
    html: renderHtml(title, paragraphs, links),
  };
}

export interface DigestSection {
  title: string;
  lines: string[];
  /** How many there are in all (lines may be cut short). */
  total: number;
}

/** The daily admin digest: only sections with something in them. */
export function adminDigestMail(input: {
  day: string;
  to: { id: string; email: string; name: string };
  sections: DigestSection[];
  adminUrl: string;
}): MailToSend {
  const subject = `Zoom connections digest: ${input.sections.map((s) => `${s.title} (${s.total})`).join(', ')}`;
  const paragraphs = [`Hi ${input.to.name},`, `What needs attention on ${input.day} (UTC):`];
  for (const section of input.sections) {
    paragraphs.push(`${section.title} (${section.total}):`);
    paragraphs.push(...section.lines.map((line) => `• ${line}`));
    if (section.total > section.lines.length) paragraphs.push(`… and ${section.total - section.lines.length} more.`);
  }
  const links = [{ label: 'Open the admin page', href: input.adminUrl }];
  return {
    dedupeKey: `admin-digest:${input.day}:${input.to.id}`,
    to: input.to.email,
    subject,
    text: renderText(paragraphs, links),
    html: renderHtml(subject, paragraphs, links),
  };
}
