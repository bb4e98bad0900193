import type { SandboxClock, ZoomSandboxOptions } from './types';

export interface UserManagedApp {
  kind: 'user';
  clientId: string;
  clientSecret: string;
  redirectUris?: string[];
}

export interface S2sApp {
  kind: 's2s';
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export type ClientApp = UserManagedApp | S2sApp;

export interface ResolvedOptions {
  host: string;
  port: number;
  now: () => number;
  accessTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  autoApprove: boolean;
  dailyMeetingWriteLimit: number;
  userManagedApps: UserManagedApp[];
  s2sApps: S2sApp[];
  defaultUserEmail: string;
  /** The account every sandbox user belongs to (the first S2S app's account). */
  accountId: string;
  log: (line: string) => void;
  webhook?: { url: string; secretToken: string };
}

export const DEFAULT_USER_MANAGED_APP = { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret' };
export const DEFAULT_S2S_APP = {
  accountId: 'sandbox-account-id',
  clientId: 'sandbox-s2s-client-id',
  clientSecret: 'sandbox-s2s-client-secret',
};

export function resolveOptions(options: ZoomSandboxOptions = {}): ResolvedOptions {
  const s2sApps = (options.s2sApps ?? [DEFAULT_S2S_APP]).map((app) => ({ kind: 's2s' as const, ...app }));
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    now: epochMsReader(options.clock),
    accessTokenTtlSeconds: positive(options.accessTokenTtlSeconds, 3600, 'accessTokenTtlSeconds'),
    authorizationCodeTtlSeconds: positive(options.authorizationCodeTtlSeconds, 300, 'authorizationCodeTtlSeconds'),
    autoApprove: options.autoApprove ?? false,
    dailyMeetingWriteLimit: positive(options.dailyMeetingWriteLimit, 100, 'dailyMeetingWriteLimit'),
    userManagedApps: (options.userManagedApps ?? [DEFAULT_USER_MANAGED_APP]).map((app) => ({
      kind: 'user' as const,
      ...app,
    })),
    s2sApps,
    defaultUserEmail: options.defaultUserEmail ?? 'sandbox.user@example.com',
    accountId: s2sApps[0]?.accountId ?? DEFAULT_S2S_APP.accountId,
    log: options.logger ?? (() => {}),
    webhook: options.webhook,
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`ZoomSandboxOptions.${name} must be a positive number`);
  return value;
}

/** Tolerates clocks whose now() returns a Date (like src/lib/clock.ts) although the contract is epoch ms. */
function epochMsReader(clock: SandboxClock | undefined): () => number {
  if (!clock) return Date.now;
  return () => {
    const value: unknown = clock.now();
    return value instanceof Date ? value.getTime() : Number(value);
  };
}
