import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { SealContext, TokenCipher } from '../../lib/token-cipher';
import type { RedisClient } from '../../db/redis';
import { createTokenClient } from './token-client';
import { TokenWaitTimeoutError, ZoomS2SNotConfiguredError } from './zoom.errors';
import type { ZoomOAuthClient } from './zoom-oauth.client';

export interface S2SCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export interface S2STokenServiceDeps {
  oauth: ZoomOAuthClient;
  /** Unset or partly set: S2S is not configured and every call says so. */
  credentials: Partial<S2SCredentials> | undefined;
  redis?: RedisClient;
  clock: Clock;
  logger: Logger;
  /** A token is cached for `expires_in` minus this (at most half its life), so callers never get one about to lapse. */
  refreshMarginSeconds?: number;
  /** Zoom's HTTP time-out: the fetch lock must outlive a token call that runs into it. */
  httpTimeoutMs?: number;
  /** How long one process may hold the fetch lock (default: httpTimeoutMs + 5 s). */
  lockTtlMs?: number;
  pollMs?: number;
  redisTimeoutMs?: number;
  /** Seals the shared token in Redis (the same key as the user grants): a Redis dump shows no usable token. */
  cipher?: TokenCipher;
}

// JSON, sealed with the token cipher when one is given (bound to the cache key): a bearer secret, never logged.
const SharedToken = z.object({ accessToken: z.string().min(1), expiresAt: z.iso.datetime() });
interface CachedToken {
  accessToken: string;
  expiresAt: string;
  usableUntil: number;
}

const DELETE_IF_EQUAL = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
/** Stores the token only while the caller still holds the lock (KEYS: lock, token; ARGV: owner, value, seconds). */
const SET_IF_LOCK_OWNER =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3]) return 1 end return 0";

class RedisUnavailable extends Error {}

function complete(c: Partial<S2SCredentials> | undefined): S2SCredentials | undefined {
  if (!c?.accountId || !c.clientId || !c.clientSecret) return undefined;
  return { accountId: c.accountId, clientId: c.clientId, clientSecret: c.clientSecret };
}

function parseShared(
  raw: string | null,
  unseal: (raw: string) => string = (r) => r,
): z.infer<typeof SharedToken> | undefined {
  if (!raw) return undefined;
  try {
    const parsed = SharedToken.safeParse(JSON.parse(unseal(raw)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The platform's Server-to-Server OAuth token (https://developers.zoom.us/docs/internal-apps/s2s-oauth/).
 * With Redis, every instance shares one token: a cold cache is filled by exactly one `account_credentials` call,
 * single-flight within a process and behind a `SET NX PX` lock across processes. That matters beyond rate limits:
 * Zoom may invalidate earlier S2S tokens of an app when it issues new ones (https://devforum.zoom.us/t/72070).
 * Without Redis, or while it is down, each process keeps its own token; instances may then knock out each other's
 * tokens, which the 401 → refetch-once path absorbs. Shutdown never deletes the shared token.
 */
export function createS2STokenService(deps: S2STokenServiceDeps) {
  const { redis, clock, logger } = deps;
  const creds = complete(deps.credentials);
  const margin = deps.refreshMarginSeconds ?? 300;
  const lockTtlMs = deps.lockTtlMs ?? (deps.httpTimeoutMs ?? 10_000) + 5000;
  const pollMs = deps.pollMs ?? 25;
  const redisTimeoutMs = deps.redisTimeoutMs ?? 1000;
  const key = creds ? `zoom:s2s:token:${creds.accountId}:${creds.clientId}` : '';
  const lockKey = `${key}:lock`;
  const sealContext: SealContext = { record: key, field: 'accessToken' };
  const seal = (json: string) => (deps.cipher ? deps.cipher.encrypt(json, sealContext) : json);
  // A value that does not open (another key or cache entry, plain JSON from before sealing) reads as no token: a new
  // one is fetched, never a planted one used.
  const unseal = (raw: string) => (deps.cipher ? deps.cipher.decrypt(raw, sealContext) : raw);
  const readable = (raw: string | null) => parseShared(raw, unseal);
  let local: CachedToken | undefined;
  let redisDown = false;

  const cacheTtlSeconds = (expiresIn: number) => Math.max(expiresIn - margin, Math.floor(expiresIn / 2));
  const usableLocal = (rejected?: string) =>
    local && local.usableUntil > clock.now().getTime() && local.accessToken !== rejected
      ? local.accessToken
      : undefined;

  async function redisOp<T>(op: (client: RedisClient) => Promise<T>): Promise<T> {
    if (!redis?.isReady) throw new RedisUnavailable('Redis is not connected');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisUnavailable(`Redis did not answer in ${redisTimeoutMs} ms`)),
        redisTimeoutMs,
      );
    });
    try {
      const result = await Promise.race([op(redis), timeout]);
      if (redisDown) logger.info('Redis is back: the Zoom S2S token is shared again');
      redisDown = false;
      return result;
    } catch (error) {
      throw error instanceof RedisUnavailable
        ? error
        : new RedisUnavailable((error as Error).message, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async function readShared(): Promise<string | undefined> {
    const [raw, pttl] = await redisOp((r) => Promise.all([r.get(key), r.pTTL(key)]));
    const shared = readable(raw);
    if (!shared) return undefined;
    // Kept as the fallback for a Redis outage, until Redis's own TTL would have ended.
    local = { ...shared, usableUntil: clock.now().getTime() + Math.max(pttl, 0) };
    return shared.accessToken;
  }

  async function fetchFromZoom(): Promise<{ token: CachedToken; ttlSeconds: number }> {
    const startedAt = clock.now().getTime();
    const response = await deps.oauth.accountCredentialsToken(creds!);
    const ttlSeconds = cacheTtlSeconds(response.expires_in);
    local = {
      accessToken: response.access_token,
      expiresAt: new Date(startedAt + response.expires_in * 1000).toISOString(),
      usableUntil: startedAt + ttlSeconds * 1000,
    };
    logger.info(
      { accountId: creds!.accountId, expiresIn: response.expires_in, cacheTtlSeconds: ttlSeconds },
      'Fetched a Zoom S2S access token',
    );
    return { token: local, ttlSeconds };
  }

  async function fetchUnderLock(owner: string, rejected?: string): Promise<string> {
    try {
      // The previous holder may have stored a token between our read and our lock.
      const shared = await readShared();
      if (shared && shared !== rejected) return shared;
      const { token, ttlSeconds } = await fetchFromZoom();
      const value = seal(JSON.stringify({ accessToken: token.accessToken, expiresAt: token.expiresAt }));
      // One atomic step: a holder whose lock lapsed (slow Zoom) must not overwrite a newer holder's token.
      const stored =
        ttlSeconds >= 1
          ? await redisOp((r) =>
              r.eval(SET_IF_LOCK_OWNER, { keys: [lockKey, key], arguments: [owner, value, String(ttlSeconds)] }),
            )
          : 0;
      if (ttlSeconds >= 1 && stored !== 1)
        logger.warn(
          { accountId: creds!.accountId },
          'Zoom S2S fetch outlived its lock; the shared token was left as is',
        );
      return token.accessToken;
    } finally {
      await redisOp((r) => r.eval(DELETE_IF_EQUAL, { keys: [lockKey], arguments: [owner] })).catch(() => {});
    }
  }

  async function viaRedis(rejected?: string): Promise<string> {
    const deadline = Date.now() + lockTtlMs + 1000;
    for (;;) {
      const shared = await readShared();
      if (shared && shared !== rejected) return shared;
      const owner = randomUUID();
      const locked = await redisOp((r) =>
        r.set(lockKey, owner, { condition: 'NX', expiration: { type: 'PX', value: lockTtlMs } }),
      );
      if (locked === 'OK') return fetchUnderLock(owner, rejected);
      // Another process is fetching: poll for its token; if it fails its lock is released (or lapses) and we take it.
      if (Date.now() > deadline) throw new TokenWaitTimeoutError('the Zoom S2S token');
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async function obtain(rejected?: string): Promise<string> {
    if (!creds) {
      throw new ZoomS2SNotConfiguredError();
    }
    if (redis) {
      try {
        return await viaRedis(rejected);
      } catch (error) {
        if (!(error instanceof RedisUnavailable)) throw error;
        if (!redisDown)
          logger.warn({ err: error }, 'Redis unavailable: using an in-process Zoom S2S token until it is back');
        redisDown = true;
      }
    }
    return usableLocal(rejected) ?? (await fetchFromZoom()).token.accessToken;
  }

  async function invalidate(token?: string): Promise<void> {
    if (!token || local?.accessToken === token) local = undefined;
    if (!redis || !creds) return;
    try {
      if (!token) {
        await redisOp((r) => r.del(key));
        return;
      }
      const raw = await redisOp((r) => r.get(key));
      // Only if it is still the rejected token: another instance may already have stored a new one.
      if (raw && readable(raw)?.accessToken === token) {
        await redisOp((r) => r.eval(DELETE_IF_EQUAL, { keys: [key], arguments: [raw] }));
      }
    } catch (error) {
      if (!(error instanceof RedisUnavailable)) throw error;
    }
  }

  // One key: the platform has one token. After a rejection, the shared copy is dropped before a new one is sought.
  const client = createTokenClient({
    obtain: (_key, rejected) => (rejected ? invalidate(rejected).then(() => obtain(rejected)) : obtain()),
    onRejected: () =>
      logger.warn(
        { accountId: creds?.accountId },
        'Zoom rejected the S2S access token: fetching a new one and retrying once',
      ),
  });

  return {
    configured: Boolean(creds),
    getAccessToken: () => client.getAccessToken(''),
    /** Runs `call` with the token; a 401 from Zoom drops that token, fetches another and retries once. */
    withToken: <T>(call: (token: string) => Promise<T>): Promise<T> => client.withToken('', call),
    invalidate,
  };
}

export type S2STokenService = ReturnType<typeof createS2STokenService>;
