import type { Express } from 'express';
import request from 'supertest';
import type { TestSmtp } from './smtp';
import { waitFor } from './wait';
import { drainJobs } from './booking';

type Jobs = { services: { jobs: { runDue(): Promise<number> } } };

/** The newest account mail to `address` whose subject matches, once it has been delivered (jobs run). */
export async function lastAccountMail(smtp: TestSmtp, container: Jobs, address: string, subject: RegExp) {
  await drainJobs(container);
  await waitFor(() => smtp.accountMailsTo(address).some((m) => subject.test(m.subject ?? '')));
  return smtp
    .accountMailsTo(address)
    .filter((m) => subject.test(m.subject ?? ''))
    .at(-1)!;
}

/** The `token` of the web-app link in a mail (…/verify-email?token=… or …/reset-password?token=…). */
export function linkToken(mail: { text?: string }, page: 'verify-email' | 'reset-password'): string {
  const match = new RegExp(`http://frontend\\.test/${page}\\?token=([^\\s]+)`).exec(mail.text ?? '');
  if (!match) throw new Error(`no ${page} link in: ${mail.text}`);
  return decodeURIComponent(match[1]!);
}

/** Opens the newest verification link mailed to `address`, as the web app's page would. */
export async function verifyFromMail(app: Express, smtp: TestSmtp, container: Jobs, address: string) {
  const mail = await lastAccountMail(smtp, container, address, /Confirm your email address/);
  const res = await request(app)
    .post('/api/auth/verify-email')
    .send({ token: linkToken(mail, 'verify-email') });
  if (res.status !== 200) throw new Error(`verify failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
