import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createContainer, type AppDeps, type Container } from '../../src/container';
import { ManualClock } from '../../src/lib/clock';
import { createLogger } from '../../src/lib/logger';
import { createMongoJobQueue } from '../../src/services/jobs/mongo-job-queue';
import { createFileTransport } from '../../src/services/mail/mail-transport';

export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';
export const TEST_ENCRYPTION_KEY = 'a'.repeat(64);

export function testConfig(env: Record<string, string | undefined> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    TOKEN_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    PUBLIC_BASE_URL: 'http://api.test',
    FRONTEND_URL: 'http://frontend.test',
    ZOOM_USER_MANAGED_CLIENT_ID: 'sandbox-client-id',
    ZOOM_USER_MANAGED_CLIENT_SECRET: 'sandbox-client-secret',
    ZOOM_WEBHOOK_SECRET_TOKEN: 'test-webhook-secret',
    // Every test signs up from one address: the per-IP limits are tested where they are raised back down.
    SIGNUP_MAX_PER_IP: '100000',
    ACCOUNT_MAILS_MAX_PER_IP: '100000',
    ...env,
  });
}

export interface TestApp {
  app: Express;
  container: Container;
  clock: ManualClock;
}

/**
 * An app instance as server.ts builds it, with a settable clock and jobs that run only when the test calls
 * `container.services.jobs.runDue()` (no background poller, so nothing races the assertions).
 */
export function createTestApp(
  options: Partial<AppDeps> & { env?: Record<string, string | undefined>; clock?: ManualClock } = {},
): TestApp {
  const config = options.config ?? testConfig(options.env);
  const clock = options.clock ?? new ManualClock();
  const logger = options.logger ?? createLogger(config.log.level);
  const container = createContainer({
    ...options,
    config,
    clock,
    logger,
    jobs: options.jobs ?? createMongoJobQueue({ clock, logger, pollMs: 60_000 }),
    mailTransport: options.mailTransport ?? createFileTransport(mkdtempSync(path.join(os.tmpdir(), 'outbox-'))),
  });
  return { app: createApp(container), container, clock };
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${counter}.${randomBytes(3).toString('hex')}@example.com`;
}

export async function registerUser(
  app: Express,
  role: 'specialist' | 'customer',
  overrides: Partial<{ name: string; email: string; password: string; timezone: string }> = {},
) {
  const body = {
    role,
    name: overrides.name ?? `${role} ${counter}`,
    email: overrides.email ?? uniqueEmail(role),
    password: overrides.password ?? 'correct horse battery',
    timezone: overrides.timezone ?? 'Europe/Berlin',
  };
  const res = await request(app).post('/api/auth/register').send(body);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    token: res.body.token as string,
    user: res.body.user as { id: string; email: string; name: string },
    password: body.password,
  };
}

/** Admins cannot register over HTTP; tests make them the way `npm run create-admin` does. */
export async function createAdmin(container: Container, email = uniqueEmail('admin')) {
  const user = await container.services.auth.createAccount({
    role: 'admin',
    name: 'Admin',
    email,
    password: 'admin password 123',
    timezone: 'UTC',
  });
  const token = await container.services.jwt.signAccessToken({ userId: user.id, role: 'admin' });
  return { token, user };
}
