import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { MongoClient } from 'mongodb';
import { startMongoEngine, type MongoEngine } from '../../../src/db/mongo-engine';
import { startZoomSandbox, type ZoomSandbox } from '../../../src/zoom-sandbox/zoom-sandbox';
import type { ZoomSandboxOptions } from '../../../src/zoom-sandbox/types';
import { startTestSmtp, type TestSmtp } from '../../support/smtp';
import { within } from './processes';
import { startTcpProxy } from './tcp-proxy';

export interface World {
  engine: MongoEngine;
  /** The proxy every server reaches MongoDB through; cut() it to take the database away. */
  mongoProxy: Awaited<ReturnType<typeof startTcpProxy>>;
  dbName: string;
  /** A direct connection (not through the proxy) for asserting what was stored. */
  db: ReturnType<MongoClient['db']>;
  sandbox: ZoomSandbox;
  smtp: TestSmtp;
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/** MongoDB (behind a cuttable proxy), the Zoom sandbox and an SMTP server on loopback, as separate real servers. */
export async function startWorld(options: { sandbox?: ZoomSandboxOptions } = {}): Promise<World> {
  const engine = await within('start the MongoDB engine', 120_000, startMongoEngine());
  const mongoProxy = await within('start the MongoDB proxy', 10_000, startTcpProxy(Number(new URL(engine.uri).port)));
  const dbName = `faults_${randomBytes(4).toString('hex')}`;
  const client = await within(
    'connect to MongoDB directly',
    30_000,
    MongoClient.connect(`${engine.uri}${dbName}`, { serverSelectionTimeoutMS: 10_000 }),
  );
  const sandbox = await within(
    'start the Zoom sandbox',
    10_000,
    startZoomSandbox({ autoApprove: true, ...options.sandbox }),
  );
  const smtp = await within('start the SMTP server', 10_000, startTestSmtp());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'faults-data-'));
  return {
    engine,
    mongoProxy,
    dbName,
    db: client.db(dbName),
    sandbox,
    smtp,
    env: (extra = {}) => ({
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      MONGODB_URI: `mongodb://127.0.0.1:${mongoProxy.port}/${dbName}`,
      JWT_SECRET: 'faults-jwt-secret-that-is-long-enough-0123456789',
      TOKEN_ENCRYPTION_KEY: 'b'.repeat(64),
      ZOOM_USER_MANAGED_CLIENT_ID: 'sandbox-client-id',
      ZOOM_USER_MANAGED_CLIENT_SECRET: 'sandbox-client-secret',
      ZOOM_OAUTH_BASE_URL: sandbox.oauthBaseUrl,
      ZOOM_API_BASE_URL: sandbox.apiBaseUrl,
      ZOOM_WEBHOOK_SECRET_TOKEN: 'faults-webhook-secret',
      SMTP_URL: smtp.url,
      JOBS_PROCESS_EVERY_MS: '1000',
      SIGNUP_MAX_PER_IP: '100000',
      // the bursts come from one customer: the per-customer hourly rate (default 20) is not what they test
      BOOKING_RATE_PER_HOUR: '100000',
      // The bursts book the first free slots from now: with reminders on, whether some fall within a day of now (and
      // get a reminder besides their confirmations) would depend on the hour the suite runs at.
      REMINDER_OFFSETS_MINUTES: 'none',
      ...extra,
    }),
    /** Each step bounded and reported, never thrown: a teardown must not hang the suite or hide its result. */
    async close() {
      const step = (name: string, ms: number, work: () => Promise<unknown>) =>
        within(name, ms, work()).catch((error: Error) => process.stderr.write(`[faults] teardown: ${error.message}\n`));
      await step('close the direct MongoDB client', 10_000, () => client.close(true));
      await Promise.all([
        step('close the Zoom sandbox', 10_000, () => sandbox.close()),
        step('close the SMTP server', 10_000, () => smtp.close()),
        step('close the MongoDB proxy', 10_000, () => mongoProxy.close()),
      ]);
      await step('stop the MongoDB engine', 30_000, () => engine.stop());
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper: scenarios read JSON fields freely
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One JSON call to our API, as any client would make it. */
export async function call(
  base: string,
  method: string,
  url: string,
  o: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply> {
  const res = await fetch(`${base}${url}`, {
    method,
    redirect: 'manual',
    signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    headers: {
      ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...o.headers,
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: the assertions say so */
  }
  return { status: res.status, body, headers: res.headers };
}

export const EVERY_DAY = {
  timezone: 'Europe/Berlin',
  weekly: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({
    day,
    start: '00:00',
    end: '24:00',
  })),
  slotMinutes: 30,
  bufferMinutes: 0,
  minNoticeMinutes: 60,
  maxDaysAhead: 30,
};

export async function register(base: string, role: 'specialist' | 'customer', name: string) {
  const email = `${role}.${randomBytes(4).toString('hex')}@example.com`;
  const res = await call(base, 'POST', '/api/auth/register', {
    body: { role, name, email, password: 'correct horse battery', timezone: 'Europe/Berlin' },
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token as string, id: res.body.user.id as string, email };
}

/** A specialist with availability every day and Zoom connected through the browser path (sandbox auto-approves). */
export async function readySpecialist(base: string, name: string, options: { zoom?: boolean } = {}) {
  const s = await register(base, 'specialist', name);
  const avail = await call(base, 'PUT', '/api/specialists/me/availability', { token: s.token, body: EVERY_DAY });
  if (avail.status !== 200) throw new Error(`availability: ${avail.status} ${JSON.stringify(avail.body)}`);
  const zoomEmail = `zoom.${randomBytes(4).toString('hex')}@example.com`;
  if (options.zoom !== false) {
    const connect = await call(base, 'GET', '/api/zoom/connect', { token: s.token });
    // The callback completes only in the browser the connect answer gave its cookie to.
    const cookie = connect.headers
      .getSetCookie()
      .find((c) => /^(__Host-)?zoom_connect=/.test(c))!
      .split(';')[0]!;
    const authorize = new URL(connect.body.authorizeUrl as string);
    authorize.searchParams.set('login_hint', zoomEmail);
    const approved = await fetch(authorize, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const back = new URL(approved.headers.get('location')!);
    const done = await call(base, 'GET', `/api/zoom/callback${back.search}`, { headers: { cookie } });
    if (!String(done.headers.get('location')).includes('zoom=connected'))
      throw new Error(`connect: ${done.headers.get('location')}`);
  }
  return { ...s, zoomEmail };
}

/** Free slot starts of a specialist over the next days. */
export async function freeSlots(base: string, specialistId: string, days = 6): Promise<string[]> {
  const from = new Date().toISOString().slice(0, 10);
  const to = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const res = await call(base, 'GET', `/api/specialists/${specialistId}/slots?from=${from}&to=${to}`);
  return (res.body.slots as Array<{ start: string }>).map((s) => s.start);
}

/** The booking id a mail is about (from the stable iCalendar UID), and who it went to. */
export function mailKey(mail: ParsedMail): string {
  const ics = mail.attachments.map((a) => a.content.toString()).join('\n') + String(mail.text ?? '');
  const id = /UID:booking-([0-9a-f]{24})@/.exec(ics)?.[1] ?? /booking ([0-9a-f]{24})/.exec(ics)?.[1] ?? '?';
  const to =
    JSON.stringify(mail.to)
      .toLowerCase()
      .match(/[\w.+-]+@[\w.-]+/)?.[0] ?? '?';
  return `${id}→${to}`;
}

export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await within(`probe: ${what}`, 60_000, probe());
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${Math.round(timeoutMs / 1000)} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
