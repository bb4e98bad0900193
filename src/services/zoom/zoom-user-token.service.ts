import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { TokenCipher } from '../../lib/token-cipher';
import { compareAndSet } from '../../db/compare-and-set';
import { UserOAuthTokenModel, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import type { RefreshLog } from '../grant-health/refresh-log.service';
import { createTokenClient } from './token-client';
import { TokenWaitTimeoutError, ZoomInvalidGrantError, ZoomNotConnectedError, zoomReasonOf } from './zoom.errors';
import type { ZoomAppCredentials, ZoomOAuthClient } from './zoom-oauth.client';

export interface ZoomUserTokenServiceDeps {
  oauth: ZoomOAuthClient;
  app: ZoomAppCredentials;
  cipher: TokenCipher;
  clock: Clock;
  logger: Logger;
  refreshMarginSeconds: number;
  /** Called when Zoom refused the grant for good (the callee makes sure the specialist hears of it once per grant). */
  onGrantDead(specialistId: string): Promise<void>;
  /** Every call to Zoom's token endpoint is recorded here (never on the hot path of a still-valid token). */
  refreshLog: Pick<RefreshLog, 'record'>;
  /** Zoom's HTTP time-out: the refresh lease must outlive a refresh call that runs into it. */
  httpTimeoutMs: number;
  /** How long one process may hold the refresh lease (default: 3 × httpTimeoutMs, at least 30 s). */
  leaseMs?: number;
  pollMs?: number;
}

/** Why a token is wanted: a caller needs one, Zoom rejected the one we had, or the keep-alive sweep. */
type Want =
  { trigger: 'request' } | { trigger: 'rejected_token'; rejected: string } | { trigger: 'keepalive'; olderThan: Date };

/**
 * Hands out a working Zoom access token per specialist. For one expiry exactly one call reaches Zoom's token
 * endpoint, whether the callers share a process (single-flight promise) or only the database (a lease taken with
 * a compare-and-set updateOne). The rotated refresh token is stored with a compare-and-swap on `version` before the
 * new access token is used, because Zoom accepts only the latest refresh token.
 */
export function createZoomUserTokenService(deps: ZoomUserTokenServiceDeps) {
  const owner = randomUUID();
  const leaseMs = deps.leaseMs ?? Math.max(30_000, 3 * deps.httpTimeoutMs);
  const pollMs = deps.pollMs ?? 50;
  const now = () => deps.clock.now();

  function load(specialistId: string) {
    return UserOAuthTokenModel.findOne({ userId: specialistId }).lean<UserOAuthTokenRecord>();
  }

  function usable(doc: UserOAuthTokenRecord | null): UserOAuthTokenRecord {
    if (!doc || !doc.isActive || doc.isRevoked || !doc.zoomRefreshToken) throw new ZoomNotConnectedError();
    if (doc.needsReauth) throw new ZoomNotConnectedError('The specialist must reconnect Zoom');
    return doc;
  }

  const isFresh = (doc: UserOAuthTokenRecord, rejected?: string) =>
    Boolean(doc.zoomAccessToken && doc.zoomAccessTokenExpiry) &&
    doc.zoomAccessTokenExpiry!.getTime() - now().getTime() > deps.refreshMarginSeconds * 1000 &&
    (rejected === undefined || deps.cipher.decrypt(doc.zoomAccessToken!) !== rejected);

  async function markUsed(doc: UserOAuthTokenRecord): Promise<string> {
    // To the minute is precise enough for "last used", and saves a write on every booking of a busy specialist.
    const t = now();
    if (!doc.lastUsedAt || t.getTime() - doc.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS)
      await UserOAuthTokenModel.updateOne({ _id: doc._id }, { $set: { lastUsedAt: t } });
    return deps.cipher.decrypt(doc.zoomAccessToken!);
  }

  /** A grant not refreshed (or authorized) since `olderThan`: the keep-alive sweep refreshes it. */
  const idleSince = (doc: UserOAuthTokenRecord, olderThan: Date) =>
    (doc.lastRefreshedAt ?? doc.authorizedAt).getTime() < olderThan.getTime();

  /** The token, or undefined when a keep-alive finds nothing to do. Exactly one caller per version refreshes. */
  async function obtain(specialistId: string, want: Want, grant?: UserOAuthTokenRecord): Promise<string | undefined> {
    const deadline = Date.now() + leaseMs * 2;
    let staleVersion: number | undefined;
    let rejected = want.trigger === 'rejected_token' ? want.rejected : undefined;
    // `grant`: the stored grant the caller has just read (the booking path); later rounds read it afresh.
    for (let known = grant; ; known = undefined) {
      const doc = usable(known ?? (await load(specialistId)));
      // The rejected token stays suspect until a newer version (someone's refresh) is stored.
      staleVersion ??= doc.version;
      if (rejected !== undefined && doc.version !== staleVersion) rejected = undefined;
      if (want.trigger === 'keepalive') {
        if (!idleSince(doc, want.olderThan)) return undefined;
      } else if (isFresh(doc, rejected)) return markUsed(doc);
      const t = now();
      const leased = await compareAndSet(
        UserOAuthTokenModel,
        {
          _id: doc._id,
          version: doc.version,
          $or: [{ refreshLeaseUntil: null }, { refreshLeaseUntil: { $lte: t } }],
        },
        {
          $set: { refreshLeaseUntil: new Date(t.getTime() + leaseMs), refreshLeaseOwner: owner, lastRefreshAttempt: t },
        },
      );
      // Same version: the tokens we read are the ones the lease protects.
      if (leased) return refreshWithLease(specialistId, doc, want);
      // Another process holds the lease: wait for its result (a new version) or for its lease to lapse.
      if (Date.now() > deadline) throw new TokenWaitTimeoutError('a Zoom token refresh');
      await sleep(pollMs);
    }
  }

  async function refreshWithLease(specialistId: string, doc: UserOAuthTokenRecord, want: Want) {
    const release = { refreshLeaseUntil: null, refreshLeaseOwner: null };
    const startedAt = now();
    const started = performance.now();
    const record = (outcome: 'ok' | 'invalid_grant' | 'error', error?: unknown) =>
      deps.refreshLog.record({
        at: startedAt,
        specialistId,
        trigger: want.trigger,
        outcome,
        durationMs: performance.now() - started,
        error: error === undefined ? null : zoomReasonOf(error),
      });
    let tokens;
    try {
      tokens = await deps.oauth.refreshAccessToken(deps.app, deps.cipher.decrypt(doc.zoomRefreshToken!));
    } catch (error) {
      if (error instanceof ZoomInvalidGrantError) {
        await record('invalid_grant', error);
        return handleInvalidGrant(specialistId, doc, error.message, want);
      }
      await record('error', error);
      await UserOAuthTokenModel.updateOne(
        { _id: doc._id, refreshLeaseOwner: owner },
        {
          $set: { ...release, lastRefreshError: (error as Error).message, lastRefreshErrorAt: startedAt },
          $inc: { refreshErrorCount: 1 },
        },
      );
      // Zoom is down but the current token has not expired yet (we were inside the margin): keep working.
      // A keep-alive has no caller waiting for a token: its job retries instead.
      const stillValid = doc.zoomAccessToken && doc.zoomAccessTokenExpiry && doc.zoomAccessTokenExpiry > now();
      if (stillValid && want.trigger !== 'keepalive') return markUsed(doc);
      throw error;
    }
    const t = now();
    const [stored] = await Promise.all([
      UserOAuthTokenModel.updateOne(
        { _id: doc._id, version: doc.version },
        {
          $set: {
            ...release,
            zoomAccessToken: deps.cipher.encrypt(tokens.access_token),
            zoomRefreshToken: deps.cipher.encrypt(tokens.refresh_token!),
            zoomAccessTokenExpiry: new Date(t.getTime() + tokens.expires_in * 1000),
            scope: tokens.scope ?? doc.scope,
            lastRefreshedAt: t,
            // A keep-alive is not a use of the grant.
            ...(want.trigger === 'keepalive' ? {} : { lastUsedAt: t }),
            lastRefreshError: null,
            lastRefreshErrorAt: null,
            refreshErrorCount: 0,
          },
          $inc: { version: 1 },
        },
      ),
      record('ok'),
    ]);
    if (stored.modifiedCount !== 1) {
      // The grant was replaced under us (a reconnect): the tokens we got belong to the old grant. Start over.
      deps.logger.warn({ specialistId }, 'Zoom grant changed during refresh; discarding the refreshed tokens');
      return obtain(specialistId, want);
    }
    deps.logger.info({ specialistId, trigger: want.trigger }, 'Refreshed Zoom access token');
    return tokens.access_token;
  }

  async function handleInvalidGrant(specialistId: string, doc: UserOAuthTokenRecord, message: string, want: Want) {
    // Another instance may have rotated the token after we read it: that is not a revocation.
    const current = await load(specialistId);
    if (current && current.version !== doc.version) {
      await UserOAuthTokenModel.updateOne(
        { _id: doc._id, refreshLeaseOwner: owner },
        { $set: { refreshLeaseUntil: null, refreshLeaseOwner: null } },
      );
      return obtain(specialistId, want);
    }
    const marked = await UserOAuthTokenModel.updateOne(
      { _id: doc._id, version: doc.version },
      {
        $set: {
          needsReauth: true,
          refreshLeaseUntil: null,
          refreshLeaseOwner: null,
          lastRefreshError: message,
          lastRefreshErrorAt: now(),
        },
        $inc: { refreshErrorCount: 1 },
      },
    );
    deps.logger.warn({ specialistId }, 'Zoom grant is dead (invalid_grant): specialist must reconnect');
    if (marked.modifiedCount === 1) await deps.onGrantDead(specialistId);
    throw new ZoomNotConnectedError('The specialist must reconnect Zoom');
  }

  // One key per specialist; a rejected token stays suspect until a newer grant version is stored (see obtain).
  const client = createTokenClient<UserOAuthTokenRecord>({
    obtain: async (key, rejected, grant) =>
      (await obtain(
        key,
        rejected === undefined ? { trigger: 'request' } : { trigger: 'rejected_token', rejected },
        grant,
      ))!,
  });

  return {
    /**
     * A valid access token, refreshed when it expires within the margin. `grant`: the stored grant when the caller
     * has just read it (the booking path), so it is not read twice; a stale one only costs a lost lease race.
     */
    getAccessToken: (specialistId: string, grant?: UserOAuthTokenRecord) =>
      client.getAccessToken(specialistId, undefined, grant),
    /** Runs `call` with the specialist's token; a 401 from Zoom forces one refresh and one retry. */
    withToken: <T>(
      specialistId: string,
      call: (token: string) => Promise<T>,
      grant?: UserOAuthTokenRecord,
    ): Promise<T> => client.withToken(specialistId, call, grant),
    /**
     * The keep-alive: refreshes the grant if it was not refreshed (or authorized) since `olderThan`, through the same
     * lease as every other refresh. Throws ZoomNotConnectedError when the grant is dead or gone.
     */
    async keepAlive(specialistId: string, olderThan: Date): Promise<'refreshed' | 'not_due'> {
      return (await obtain(specialistId, { trigger: 'keepalive', olderThan })) === undefined ? 'not_due' : 'refreshed';
    },
  };
}

const LAST_USED_PRECISION_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ZoomUserTokenService = ReturnType<typeof createZoomUserTokenService>;
