import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { TokenCipher } from '../../lib/token-cipher';
import { compareAndSet } from '../../db/compare-and-set';
import { UserOAuthTokenModel, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import { createTokenClient } from './token-client';
import { TokenWaitTimeoutError, ZoomInvalidGrantError, ZoomNotConnectedError } from './zoom.errors';
import type { ZoomAppCredentials, ZoomOAuthClient } from './zoom-oauth.client';

export interface ZoomUserTokenServiceDeps {
  oauth: ZoomOAuthClient;
  app: ZoomAppCredentials;
  cipher: TokenCipher;
  clock: Clock;
  logger: Logger;
  refreshMarginSeconds: number;
  /** Called once per dead grant (not per booking) so the specialist can reconnect. */
  onGrantDead(specialistId: string): Promise<void>;
  /** Zoom's HTTP time-out: the refresh lease must outlive a refresh call that runs into it. */
  httpTimeoutMs: number;
  /** How long one process may hold the refresh lease (default: 3 × httpTimeoutMs, at least 30 s). */
  leaseMs?: number;
  pollMs?: number;
}

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

  async function obtain(specialistId: string, rejected?: string, grant?: UserOAuthTokenRecord): Promise<string> {
    const deadline = Date.now() + leaseMs * 2;
    let staleVersion: number | undefined;
    for (let known = grant; ; known = undefined) {
      const doc = usable(known ?? (await load(specialistId)));
      // The rejected token stays suspect until a newer version (someone's refresh) is stored.
      staleVersion ??= doc.version;
      if (rejected !== undefined && doc.version !== staleVersion) rejected = undefined;
      if (isFresh(doc, rejected)) return markUsed(doc);
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
      if (leased) return refreshWithLease(specialistId, doc);
      // Another process holds the lease: wait for its result (a new version) or for its lease to lapse.
      if (Date.now() > deadline) throw new TokenWaitTimeoutError('a Zoom token refresh');
      await sleep(pollMs);
    }
  }

  async function refreshWithLease(specialistId: string, doc: UserOAuthTokenRecord): Promise<string> {
    const release = { refreshLeaseUntil: null, refreshLeaseOwner: null };
    let tokens;
    try {
      tokens = await deps.oauth.refreshAccessToken(deps.app, deps.cipher.decrypt(doc.zoomRefreshToken!));
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof ZoomInvalidGrantError) return handleInvalidGrant(specialistId, doc, message);
      await UserOAuthTokenModel.updateOne(
        { _id: doc._id, refreshLeaseOwner: owner },
        { $set: { ...release, lastRefreshError: message }, $inc: { refreshErrorCount: 1 } },
      );
      // Zoom is down but the current token has not expired yet (we were inside the margin): keep working.
      if (doc.zoomAccessToken && doc.zoomAccessTokenExpiry && doc.zoomAccessTokenExpiry > now()) return markUsed(doc);
      throw error;
    }
    const t = now();
    const stored = await UserOAuthTokenModel.updateOne(
      { _id: doc._id, version: doc.version },
      {
        $set: {
          ...release,
          zoomAccessToken: deps.cipher.encrypt(tokens.access_token),
          zoomRefreshToken: deps.cipher.encrypt(tokens.refresh_token!),
          zoomAccessTokenExpiry: new Date(t.getTime() + tokens.expires_in * 1000),
          scope: tokens.scope ?? doc.scope,
          lastRefreshedAt: t,
          lastUsedAt: t,
          lastRefreshError: null,
          refreshErrorCount: 0,
        },
        $inc: { version: 1 },
      },
    );
    if (stored.modifiedCount !== 1) {
      // The grant was replaced under us (a reconnect): the tokens we got belong to the old grant. Start over.
      deps.logger.warn({ specialistId }, 'Zoom grant changed during refresh; discarding the refreshed tokens');
      return obtain(specialistId);
    }
    deps.logger.info({ specialistId }, 'Refreshed Zoom access token');
    return tokens.access_token;
  }

  async function handleInvalidGrant(specialistId: string, doc: UserOAuthTokenRecord, message: string): Promise<string> {
    // Another instance may have rotated the token after we read it: that is not a revocation.
    const current = await load(specialistId);
    if (current && current.version !== doc.version) {
      await UserOAuthTokenModel.updateOne(
        { _id: doc._id, refreshLeaseOwner: owner },
        { $set: { refreshLeaseUntil: null, refreshLeaseOwner: null } },
      );
      return obtain(specialistId);
    }
    const marked = await UserOAuthTokenModel.updateOne(
      { _id: doc._id, version: doc.version },
      {
        $set: { needsReauth: true, refreshLeaseUntil: null, refreshLeaseOwner: null, lastRefreshError: message },
        $inc: { refreshErrorCount: 1 },
      },
    );
    deps.logger.warn({ specialistId }, 'Zoom grant is dead (invalid_grant): specialist must reconnect');
    if (marked.modifiedCount === 1) {
      const first = await UserOAuthTokenModel.updateOne(
        { _id: doc._id, reauthEmailSentAt: null },
        { $set: { reauthEmailSentAt: now() } },
      );
      if (first.modifiedCount === 1) await deps.onGrantDead(specialistId);
    }
    throw new ZoomNotConnectedError('The specialist must reconnect Zoom');
  }

  // One key per specialist; a rejected token stays suspect until a newer grant version is stored (see obtain).
  const client = createTokenClient<UserOAuthTokenRecord>({ obtain });

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
  };
}

const LAST_USED_PRECISION_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ZoomUserTokenService = ReturnType<typeof createZoomUserTokenService>;
