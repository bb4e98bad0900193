import nodemailer from 'nodemailer';
import { createClient } from 'redis';
import type { AppConfig } from '../../config';
import { fail, failInProduction, messageOf, ok, warn, type CheckResult } from './report';

const TIMEOUT_MS = 5000;

export async function checkRedis(config: AppConfig): Promise<CheckResult> {
  const name = 'Redis';
  const url = config.redis.url;
  if (!url) {
    return warn(
      name,
      'REDIS_URL is not set: each instance keeps its own login limits and S2S token cache',
      'set REDIS_URL when running more than one instance',
    );
  }
  const shown = url.replace(/\/\/[^@/]*@/, '//***@');
  const client = createClient({ url, socket: { connectTimeout: TIMEOUT_MS, reconnectStrategy: false } });
  client.on('error', () => {}); // the failure is reported by connect/ping below
  try {
    await client.connect();
    await client.ping();
    return ok(name, `${shown} answers PING`);
  } catch (error) {
    return fail(name, `${shown}: ${messageOf(error)}`, 'check REDIS_URL (host, port, password, rediss:// for TLS)');
  } finally {
    if (client.isOpen) await client.quit().catch(() => {});
  }
}

export async function checkSmtp(config: AppConfig): Promise<CheckResult> {
  const name = 'SMTP';
  const url = config.mail.smtpUrl;
  if (!url) {
    return failInProduction(
      config.isProduction,
      name,
      'SMTP_URL is not set: mail is written as .eml files to DATA_DIR/outbox (embedded), nobody receives it',
      'set SMTP_URL (smtp://user:pass@host:587 or smtps://…:465)',
    );
  }
  const host = new URL(url).host;
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  try {
    await transporter.verify();
    return ok(name, `${host} accepted the connection${new URL(url).username ? ' and the login' : ''}`);
  } catch (error) {
    return fail(name, `${host}: ${messageOf(error)}`, 'check SMTP_URL (host, port, user, password, smtp vs smtps)');
  } finally {
    transporter.close();
  }
}

/** An https URL that answers from here (any HTTP status counts: only that the host is there and serves). */
async function checkPublicUrl(config: AppConfig, name: string, url: string): Promise<CheckResult> {
  const https = url.startsWith('https://');
  let answered: string | undefined;
  try {
    const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    answered = `HTTP ${response.status}`;
    await response.body?.cancel();
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const reason = messageOf(cause ?? error);
    return failInProduction(
      config.isProduction || https,
      name,
      `${url} is not reachable from here (${reason})`,
      https ? 'check DNS, the TLS certificate and the proxy in front' : 'is the server running? (npm start)',
    );
  }
  if (!https) {
    return failInProduction(
      config.isProduction,
      name,
      `${url} answers (${answered}) but is not https: Zoom redirects only to https URLs`,
      'use an https URL behind a TLS proxy for production',
    );
  }
  return ok(name, `${url} is https and answers (${answered})`);
}

export async function checkUrls(config: AppConfig): Promise<CheckResult[]> {
  const userManaged = config.meetingProvider === 'user' || Boolean(config.zoom.userManaged.clientId);
  return Promise.all([
    ...(userManaged ? [checkPublicUrl(config, 'ZOOM_REDIRECT_URI', config.zoom.userManaged.redirectUri)] : []),
    checkPublicUrl(config, 'FRONTEND_URL', config.frontendUrl),
  ]);
}
