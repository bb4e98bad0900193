import type { Response } from 'express';
import { AuthStore } from './auth-store';
import { ConsentStore } from './consents';
import { FaultRegistry, type FaultRuntime } from './faults';
import { MeetingStore } from './meetings';
import { resolveOptions, type ResolvedOptions } from './options';
import { CallRecorder } from './recorder';
import type { ZoomSandboxOptions } from './types';
import { UserStore } from './users';
import { WebhookSender } from './webhooks';

/** Everything one sandbox instance holds in memory. */
export interface SandboxState extends FaultRuntime {
  options: ResolvedOptions;
  now: () => number;
  /** Public origin, known once the server listens (join_url, start_url, api_url are built from it). */
  baseUrl: () => string;
  setBaseUrl(url: string): void;
  users: UserStore;
  meetings: MeetingStore;
  auth: AuthStore;
  consents: ConsentStore;
  recorder: CallRecorder;
  webhooks: WebhookSender;
}

export function createSandboxState(options: ZoomSandboxOptions = {}): SandboxState {
  const resolved = resolveOptions(options);
  const now = resolved.now;
  let baseUrl = `http://${resolved.host}:${resolved.port}`;
  const getBaseUrl = () => baseUrl;
  return {
    options: resolved,
    now,
    baseUrl: getBaseUrl,
    setBaseUrl: (url) => {
      baseUrl = url.replace(/\/+$/, '');
    },
    users: new UserStore({ accountId: resolved.accountId, now, baseUrl: getBaseUrl }),
    meetings: new MeetingStore({ now, baseUrl: getBaseUrl, dailyWriteLimit: resolved.dailyMeetingWriteLimit }),
    auth: new AuthStore({
      now,
      accessTtlSeconds: resolved.accessTokenTtlSeconds,
      codeTtlSeconds: resolved.authorizationCodeTtlSeconds,
      apps: [...resolved.userManagedApps, ...resolved.s2sApps],
      accountId: resolved.accountId,
    }),
    consents: new ConsentStore(now),
    recorder: new CallRecorder(),
    webhooks: createWebhooks(resolved),
    faults: new FaultRegistry(),
    timers: new Set<NodeJS.Timeout>(),
    hung: new Set<Response>(),
  };
}

function createWebhooks(resolved: ResolvedOptions): WebhookSender {
  const sender = new WebhookSender({ now: resolved.now, accountId: resolved.accountId, log: resolved.log });
  if (resolved.webhook) sender.configure(resolved.webhook);
  return sender;
}
