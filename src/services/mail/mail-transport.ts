import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  ical?: { method: string; content: string };
}

/** Sends one message or throws. The only thing that varies between SMTP, the dev outbox folder and tests. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close?(): void;
  describe: string;
}

function toNodemailer(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    // An iTIP invitation: calendar clients show Accept/Decline for METHOD:REQUEST and remove for METHOD:CANCEL.
    icalEvent: mail.ical ? { method: mail.ical.method, filename: 'invite.ics', content: mail.ical.content } : undefined,
  };
}

/**
 * Whether an SMTP failure is permanent-looking: a 5xx reply to one of this message's commands (MAIL FROM, RCPT TO,
 * DATA, AUTH). Everything else is transient: 4xx replies, connection errors and time-outs, and a server that
 * refuses the connection at its greeting (it is not serving now, whatever code it gives; RFC 5321 4.3.2).
 */
export function isPermanentMailError(error: unknown): boolean {
  const { responseCode, command } = (error ?? {}) as { responseCode?: number; command?: string };
  return typeof responseCode === 'number' && responseCode >= 500 && command !== 'CONN';
}

export function createSmtpTransport(smtpUrl: string): MailTransport {
  // Time-outs well inside the outbox claim (LOCK_MS), so a hung server cannot outlive the claim and cause a resend.
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    describe: `SMTP ${new URL(smtpUrl).host}`,
    async send(mail) {
      await transporter.sendMail(toNodemailer(mail));
    },
    close: () => transporter.close(),
  };
}

/** Development default without SMTP: each message becomes an .eml file you can open in a mail client. */
export function createFileTransport(dir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let ready: Promise<unknown> | undefined;
  return {
    describe: `files in ${dir}`,
    async send(mail) {
      const info = await transporter.sendMail(toNodemailer(mail));
      await (ready ??= mkdir(dir, { recursive: true }).catch((error: unknown) => {
        ready = undefined;
        throw error;
      }));
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId.replace(/[^\w.-]/g, '')}.eml`;
      await writeFile(path.join(dir, name), info.message as Buffer);
    },
  };
}
