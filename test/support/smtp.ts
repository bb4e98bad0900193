import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { ACCOUNT_MAIL_SUBJECTS } from '../../src/services/mail/account-mail.templates';

const ACCOUNT_SUBJECTS = new Set<string>(Object.values(ACCOUNT_MAIL_SUBJECTS));

/**
 * A real SMTP server on loopback whose received mail tests parse; it can be told to refuse mail (SMTP "down").
 * Account mails (verification, password reset, …) land in `accountMails`, so tests about bookings count only theirs.
 */
export async function startTestSmtp() {
  const received: ParsedMail[] = [];
  const accountMails: ParsedMail[] = [];
  let refusing = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (refusing) return callback(new Error('421 Service not available'));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          (ACCOUNT_SUBJECTS.has(mail.subject ?? '') ? accountMails : received).push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  // A client killed mid-message (a SIGKILLed server under test) resets its socket: not an error of this server.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    accountMails,
    to(address: string) {
      return received.filter((m) => JSON.stringify(m.to).toLowerCase().includes(address.toLowerCase()));
    },
    /** Account mails to one address, oldest first. */
    accountMailsTo(address: string) {
      return accountMails.filter((m) => JSON.stringify(m.to).toLowerCase().includes(address.toLowerCase()));
    },
    setRefusing(value: boolean) {
      refusing = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestSmtp = Awaited<ReturnType<typeof startTestSmtp>>;
