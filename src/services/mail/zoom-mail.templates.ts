import type { MailToSend } from './mail-outbox.service';
import { renderHtml, renderText } from './html';

export function reconnectZoomMail(input: {
  specialistId: string;
  grantVersion: string;
  to: string;
  name: string;
  reconnectUrl: string;
}): MailToSend {
  const title = 'Please reconnect your Zoom account';
  const paragraphs = [
    `Hi ${input.name},`,
    'Zoom no longer accepts our access to your account (the app was removed or the authorization expired), so we cannot create meetings for your new bookings.',
    'Bookings stay confirmed; their meetings will be created as soon as you reconnect.',
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
