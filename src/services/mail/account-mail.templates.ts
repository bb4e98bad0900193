import type { MailToSend } from './mail-outbox.service';
import { renderHtml, renderText } from './html';

/** Every account mail's subject (the test harness keeps these apart from booking mail). */
export const ACCOUNT_MAIL_SUBJECTS = {
  verify: 'Confirm your email address',
  changeNotice: 'Your email address is being changed',
  reset: 'Reset your password',
  passwordChanged: 'Your password was changed',
  guestCode: 'Your booking code',
} as const;

interface Recipient {
  to: string;
  name: string;
}

/** Account mails are never deduplicated across requests: each carries its own link (the key only guards a retry). */
const key = (kind: string, linkId: string) => `account:${kind}:${linkId}`;

function mail(kind: string, id: string, r: Recipient, subject: string, paragraphs: string[], links = [] as Link[]) {
  const body = [`Hi ${r.name},`, ...paragraphs];
  return {
    dedupeKey: key(kind, id),
    to: r.to,
    subject,
    text: renderText(body, links),
    html: renderHtml(subject, body, links),
  } satisfies MailToSend;
}
type Link = { label: string; href: string };

export function verifyEmailMail(r: Recipient & { id: string; url: string; change: boolean }): MailToSend {
  const why = r.change
    ? `Please confirm ${r.to} as the new email address of your account. Until you do, we keep using your old address.`
    : `Please confirm ${r.to} as the email address of your new account.`;
  return mail(
    'verify',
    r.id,
    r,
    ACCOUNT_MAIL_SUBJECTS.verify,
    [why, 'The link works once, for 24 hours. If you did not ask for this, ignore this mail.'],
    [{ label: 'Confirm my email address', href: r.url }],
  );
}

export function emailChangeNoticeMail(r: Recipient & { id: string; newEmail: string; resetUrl: string }): MailToSend {
  return mail(
    'change-notice',
    r.id,
    r,
    ACCOUNT_MAIL_SUBJECTS.changeNotice,
    [
      `Someone signed in to your account asked to change its email address to ${r.newEmail}. It changes only when the link we sent there is opened.`,
      'If this was not you, set a new password now: that signs out every device and stops the change.',
    ],
    [{ label: 'Set a new password', href: r.resetUrl }],
  );
}

export function resetPasswordMail(r: Recipient & { id: string; url: string }): MailToSend {
  return mail(
    'reset',
    r.id,
    r,
    ACCOUNT_MAIL_SUBJECTS.reset,
    [
      'Someone (we hope you) asked to set a new password for your account.',
      'The link works once, for 30 minutes. Setting a new password signs out every device. If you did not ask for this, ignore this mail: your password stays as it is.',
    ],
    [{ label: 'Set a new password', href: r.url }],
  );
}

export function passwordChangedMail(r: Recipient & { id: string; resetUrl: string }): MailToSend {
  return mail(
    'password-changed',
    r.id,
    r,
    ACCOUNT_MAIL_SUBJECTS.passwordChanged,
    [
      'The password of your account was just changed, and every other device was signed out.',
      'If this was not you, set a new password now.',
    ],
    [{ label: 'Forgot password?', href: r.resetUrl }],
  );
}

/** The code that proves an address for a guest booking (we do not know the person's name yet). */
export function guestCodeMail(r: { id: string; to: string; code: string; minutes: number }): MailToSend {
  return mail('guest-code', r.id, { to: r.to, name: 'there' }, ACCOUNT_MAIL_SUBJECTS.guestCode, [
    `Your code is ${r.code}`,
    `Enter it on the booking page within ${r.minutes} minutes to confirm your booking. Only the newest code works.`,
    'If you did not ask for a code, ignore this mail: nothing is booked without it.',
  ]);
}
