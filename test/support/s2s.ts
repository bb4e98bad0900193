import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { Container } from '../../src/container';
import type { RedisClient } from '../../src/db/redis';
import type { Clock } from '../../src/lib/clock';
import { createLogger } from '../../src/lib/logger';
import type { TokenCipher } from '../../src/lib/token-cipher';
import { createZoomApiClient } from '../../src/services/zoom/zoom-api.client';
import { createZoomHttp } from '../../src/services/zoom/zoom-http';
import { createZoomOAuthClient } from '../../src/services/zoom/zoom-oauth.client';
import { createS2STokenService } from '../../src/services/zoom/zoom-s2s-token.service';
import type { ZoomSandbox } from '../../src/zoom-sandbox/zoom-sandbox';
import { verifyFromMail } from './account-mail';
import { registerUser } from './app';
import { BERLIN_WEEKDAYS } from './booking';
import type { TestSmtp } from './smtp';
import { sandboxEnv } from './zoom';

export interface S2SApp {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

/** The S2S app every sandbox knows without being told. */
export const SANDBOX_S2S_APP: S2SApp = {
  accountId: 'sandbox-account-id',
  clientId: 'sandbox-s2s-client-id',
  clientSecret: 'sandbox-s2s-client-secret',
};

/** A Zoom S2S app of this test's own, so its Redis keys (`zoom:s2s:token:<account>:<client>`) touch nobody else's. */
export function uniqueS2SApp(): S2SApp {
  const id = randomBytes(4).toString('hex');
  return { accountId: `test-account-${id}`, clientId: `test-s2s-client-${id}`, clientSecret: `test-s2s-secret-${id}` };
}

export const s2sKey = (app: { accountId: string; clientId: string }) =>
  `zoom:s2s:token:${app.accountId}:${app.clientId}`;

/** The environment of an app that calls the sandbox as this S2S app. */
export function s2sEnv(sandbox: ZoomSandbox, app: S2SApp): Record<string, string> {
  return {
    ...sandboxEnv(sandbox),
    ZOOM_ACCOUNT_ID: app.accountId,
    ZOOM_CLIENT_ID: app.clientId,
    ZOOM_CLIENT_SECRET: app.clientSecret,
  };
}

/** An S2S token service against the sandbox, outside any app, with its log lines collected. */
export function buildS2STokenService(options: {
  sandbox: ZoomSandbox;
  app: S2SApp | undefined;
  clock: Clock;
  redis?: RedisClient;
  /** Seal the shared token (as the app does). */
  cipher?: TokenCipher;
  lockTtlMs?: number;
}) {
  const { sandbox, app, clock, redis } = options;
  const http = createZoomHttp(2000);
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const oauth = createZoomOAuthClient({ http, oauthBaseUrl: sandbox.oauthBaseUrl });
  const api = createZoomApiClient({ http, apiBaseUrl: sandbox.apiBaseUrl, clock });
  const s2s = createS2STokenService({
    oauth,
    credentials: app,
    redis,
    clock,
    logger,
    cipher: options.cipher,
    lockTtlMs: options.lockTtlMs,
  });
  return { s2s, api, oauth, logs };
}

/** A specialist of an s2s app with published availability; verified through the mailed link unless told not to. */
export async function s2sSpecialist(
  t: { app: Express; container: Container },
  smtp: TestSmtp,
  options: { email?: string; name?: string; verify?: boolean } = {},
) {
  const s = await registerUser(t.app, 'specialist', { email: options.email, name: options.name });
  const res = await request(t.app)
    .put('/api/specialists/me/availability')
    .set('Authorization', `Bearer ${s.token}`)
    .send(BERLIN_WEEKDAYS);
  if (res.status !== 200) throw new Error(`availability failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (options.verify !== false) await verifyFromMail(t.app, smtp, t.container, s.user.email);
  return s;
}

/** An admin's approval of a specialist as a host of the platform account (POST /api/admin/s2s-hosts/…/approve). */
export function approveS2SHost(app: Express, adminToken: string, specialistId: string) {
  return request(app).post(`/api/admin/s2s-hosts/${specialistId}/approve`).set('Authorization', `Bearer ${adminToken}`);
}
