import type { Express } from 'express';
import request from 'supertest';
import { lastAccountMail } from './account-mail';
import type { TestSmtp } from './smtp';

type Jobs = { services: { jobs: { runDue(): Promise<number> } } };

export function askCode(app: Express, email: string, ip?: string) {
  const req = request(app).post('/api/guest/email-codes');
  if (ip) req.set('X-Forwarded-For', ip);
  return req.send({ email });
}

/** The code in the newest "Your booking code" mail to `address`, as the guest reads it. */
export async function codeFromMail(smtp: TestSmtp, container: Jobs, address: string): Promise<string> {
  const mail = await lastAccountMail(smtp, container, address, /^Your booking code$/);
  const match = /Your code is (\d{6})/.exec(mail.text ?? '');
  if (!match) throw new Error(`no code in: ${mail.text}`);
  return match[1]!;
}

/** Asks for a code and reads it from the mail. */
export async function emailedCode(app: Express, smtp: TestSmtp, container: Jobs, address: string) {
  const res = await askCode(app, address);
  if (res.status !== 202) throw new Error(`code not sent: ${res.status} ${JSON.stringify(res.body)}`);
  return codeFromMail(smtp, container, address);
}

export function guestBook(app: Express, body: object, idempotencyKey?: string) {
  const req = request(app).post('/api/guest/bookings');
  if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey);
  return req.send(body);
}
