import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { TokenCipher } from '../../lib/token-cipher';
import { compareAndSet } from '../../db/compare-and-set';
import { UserOAuthTokenModel, type ReauthReason, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import type { RefreshLog } from '../grant-health/refresh-log.service';
import { createTokenClient } from './token-client';
import { TokenWaitTimeoutError, ZoomApiError, ZoomNotConnectedError } from './zoom.errors';
import { createGrantSealing } from './zoom-grant-sealing';
import type { ZoomAppCredentials, ZoomOAuthClient } from './zoom-oauth.client';
import { createRefreshFlight, RESTART, type HeldTokens, type Outcome, type Want } from './zoom-refresh-flight';

export interface ZoomUserTokenServiceDeps {
  oauth: ZoomOAuthClient;
  app: ZoomAppCredentials;
  cipher: TokenCipher;
  clock: Clock;
  logger: Logger;
  refreshMarginSeconds: number;
  /** Called when Zoom refused the grant for good (the callee makes sure the specialist hears of it once per grant). */
  onGrantDead(specialistId: string, reason: ReauthReason): Promise<void>;
  /** Every call to Zoom's token endpoint is recorded here (never on the hot path of a still-valid token). */
  refreshLog: Pick<RefreshLog, 'record'>;
  /** How long a caller waits for a refresh; the request itself runs on (up to the token HTTP client's own cap). */
  httpTimeoutMs: number;
  /** After a failed refresh no caller (of any instance) tries again for this long. */
  failureCooldownMs?: number;
  /** How long a lease lasts without being extended (default: 3 × httpTimeoutMs, at least 30 s). */
  leaseMs?: number;
  pollMs?: number;
}

/**
 * Hands out a working Zoom access token per specialist. For one expiry exactly one call reaches Zoom's token
 * endpoint, whether the callers share a process (single-flight promise) or only the database (a lease taken with a
 * compare-and-set updateOne). Zoom rotates the refresh token on every refresh and honours only the newest, so a sent
 * refresh is never abandoned: callers stop waiting after httpTimeoutMs, but the request runs to its end with its lease
 * extended, and the rotated tokens are stored (retried until the write lands) before anyone else may refresh.
 */
export function createZoomUserTokenService(deps: ZoomUserTokenServiceDeps) {
  const owner = randomUUID();
  const leaseMs = deps.leaseMs ?? Math.max(30_000, 3 * deps.httpTimeoutMs);
  const pollMs = deps.pollMs ?? 50;
  const cooldownMs = deps.failureCooldownMs ?? 30_000;
  const now = () => deps.clock.now();
  const flights = new Map<string, Promise<Outcome>>();
  const held = new Map<string, HeldTokens>();
  const sealing = createGrantSealing(deps.cipher, deps.logger);
  const { open, resealIfStale } = sealing;

  function load(specialistId: string) {
    return UserOAuthTokenModel.findOne({ userId: specialistId }).lean<UserOAuthTokenRecord>();
  }

  function usable(doc: UserOAuthTokenRecord | null): UserOAuthTokenRecord {
    if (!doc || !doc.isActive || doc.isRevoked || !doc.zoomRefreshToken) throw new ZoomNotConnectedError();
    if (doc.needsReauth) throw new ZoomNotConnectedError('The specialist must reconnect Zoom');
    return doc;
  }

  const validFor = (expiry: Date | null | undefined) => (expiry ? expiry.getTime() - now().getTime() : -1);
  /** A stored access token valid for more than `marginMs` that is not the one Zoom just rejected. */
  const usableFor = (doc: UserOAuthTokenRecord, marginMs: number, rejected?: string) =>
    Boolean(doc.zoomAccessToken) &&
    validFor(doc.zoomAccessTokenExpiry) > marginMs &&
    (rejected === undefined || open(doc, 'zoomAccessToken') !== rejected);
  const isFresh = (doc: UserOAuthTokenRecord, rejected?: string) =>
    usableFor(doc, deps.refreshMarginSeconds * 1000, rejected);
  /** The stored token, to fall back on when no refresh happens: not for a keep-alive, never the one Zoom rejected. */
  const fallbackOk = (doc: UserOAuthTokenRecord, want: Want, rejected?: string) =>
    want.trigger !== 'keepalive' && usableFor(doc, 0, rejected);

  async function markUsed(doc: UserOAuthTokenRecord): Promise<string> {
    // To the minute is precise enough for "last used", and saves a write on every booking of a busy specialist.
    const t = now();
    if (!doc.lastUsedAt || t.getTime() - doc.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS)
      await UserOAuthTokenModel.updateOne({ _id: doc._id }, { $set: { lastUsedAt: t } });
    return open(doc, 'zoomAccessToken');
  }

  /** A grant not refreshed (or authorized) since `olderThan`: the keep-alive sweep refreshes it. */
  const idleSince = (doc: UserOAuthTokenRecord, olderThan: Date) =>
    (doc.lastRefreshedAt ?? doc.authorizedAt).getTime() < olderThan.getTime();

  /** The refresh failed lately: nobody tries again before the cool-down ends (Zoom is not hammered per caller). */
  function coolingDownUntil(doc: UserOAuthTokenRecord): Date | undefined {
    if (!doc.lastRefreshError || !doc.lastRefreshErrorAt || cooldownMs <= 0) return undefined;
    const until = new Date(doc.lastRefreshErrorAt.getTime() + cooldownMs);
    return until > now() ? until : undefined;
  }

  /**
   * A caller waits for a running refresh at most httpTimeoutMs; the refresh itself goes on. Then it gets the rotated
   * token held in memory (Zoom answered, the store is retrying) or its still-valid one, else a retryable time-out.
   */
  async function waitFor(
    specialistId: string,
    flight: Promise<Outcome>,
    doc: UserOAuthTokenRecord,
    want: Want,
    rejected?: string,
  ): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<typeof GAVE_UP>((resolve) => {
      timer = setTimeout(() => resolve(GAVE_UP), deps.httpTimeoutMs);
    });
    const result = await Promise.race([flight, gaveUp]).finally(() => clearTimeout(timer));
    if (result !== GAVE_UP) return result;
    if (want.trigger !== 'keepalive') {
      // Zoom answered and the store is still retrying: the rotated token held in memory is the one to use.
      const mine = held.get(specialistId);
      if (mine && mine.baseVersion === doc.version) return mine.accessToken;
      if (fallbackOk(doc, want, rejected)) return markUsed(doc);
    }
    throw refreshTimeout();
  }

  const refreshTimeout = () =>
    new ZoomApiError(
      `Zoom's token endpoint did not answer within ${deps.httpTimeoutMs} ms (the refresh goes on; its result is kept)`,
      { zoomCode: 'ETIMEDOUT', retryable: true },
    );

  /** The token, or undefined when a keep-alive finds nothing to do. Exactly one caller per version refreshes. */
  async function obtain(specialistId: string, want: Want, grant?: UserOAuthTokenRecord): Promise<string | undefined> {
    const deadline = Date.now() + leaseMs * 2;
    // A caller (not the keep-alive, whose job retries) waits for another process's refresh as long as for its own.
    const callerGivesUpAt = Date.now() + deps.httpTimeoutMs;
    let staleVersion: number | undefined;
    let rejected = want.trigger === 'rejected_token' ? want.rejected : undefined;
    // `grant`: the stored grant the caller has just read (the booking path); later rounds read it afresh.
    for (let known = grant, round = 0; ; known = undefined, round += 1) {
      const doc = usable(known ?? (await load(specialistId)));
      if (round === 0) await resealIfStale(doc);
      // The rejected token stays suspect until a newer version (someone's refresh) is stored.
      staleVersion ??= doc.version;
      if (rejected !== undefined && doc.version !== staleVersion) rejected = undefined;
      const mine = held.get(specialistId);
      if (mine && mine.baseVersion === doc.version && want.trigger !== 'keepalive' && mine.accessToken !== rejected)
        return mine.accessToken;
      if (want.trigger === 'keepalive') {
        if (!idleSince(doc, want.olderThan)) return undefined;
      } else if (isFresh(doc, rejected)) return markUsed(doc);
      const running = flights.get(specialistId);
      if (running) {
        const result = await waitFor(specialistId, running, doc, want, rejected);
        if (result !== RESTART) return result;
        continue;
      }
      const coolUntil = coolingDownUntil(doc);
      if (coolUntil) {
        if (fallbackOk(doc, want, rejected)) return markUsed(doc);
        throw new ZoomApiError(
          `Zoom token refresh failed lately (${doc.lastRefreshError}); next try after ${coolUntil.toISOString()}`,
          { retryable: true, retryAt: coolUntil, zoomCode: 'REFRESH_COOLDOWN' },
        );
      }
      // Opened before the lease: a token that does not decrypt (wrong key, copied from another record) is never sent.
      const refreshToken = open(doc, 'zoomRefreshToken');
      const t = now();
      const flightId = randomUUID();
      const leased = await compareAndSet(
        UserOAuthTokenModel,
        {
          _id: doc._id,
          version: doc.version,
          refreshInFlightId: doc.refreshInFlightId ?? null,
          // The cool-down we checked is the one stored: a failure recorded since (the caller's grant was read before
          // it) makes this lose, and the next round reads the grant afresh and sees the cool-down.
          lastRefreshErrorAt: doc.lastRefreshErrorAt ?? null,
          $or: [{ refreshLeaseUntil: null }, { refreshLeaseUntil: { $lte: t } }],
        },
        {
          $set: {
            refreshLeaseUntil: new Date(t.getTime() + leaseMs),
            refreshLeaseOwner: owner,
            lastRefreshAttempt: t,
            refreshInFlightAt: t,
            refreshInFlightId: flightId,
          },
        },
      );
      // Same version: the tokens we read are the ones the lease protects.
      if (leased) {
        const running = flight.run(specialistId, doc, want, flightId, refreshToken).finally(() => {
          if (flights.get(specialistId) === running) flights.delete(specialistId);
        });
        flights.set(specialistId, running);
        running.catch(() => {});
        const result = await waitFor(specialistId, running, doc, want, rejected);
        if (result !== RESTART) return result;
        continue;
      }
      // Another process holds the lease, or a failure was recorded since we read: look again at once (the cool-down
      // applies) unless we already read afresh; then wait for its result (a new version) or for its lease to lapse.
      if (known) continue;
      if (fallbackOk(doc, want, rejected)) return markUsed(doc);
      if (want.trigger !== 'keepalive' && Date.now() > callerGivesUpAt) throw refreshTimeout();
      if (Date.now() > deadline) throw new TokenWaitTimeoutError('a Zoom token refresh');
      await sleep(pollMs);
    }
  }

  const flight = createRefreshFlight({
    ...deps,
    sealing,
    owner,
    leaseMs,
    held,
    // A keep-alive has no caller waiting for a token: its job retries instead.
    // A token Zoom has just rejected (401) is not usable: the caller gets the refresh's retryable error instead.
    stillUsable: async (doc, want) =>
      fallbackOk(doc, want, want.trigger === 'rejected_token' ? want.rejected : undefined) ? markUsed(doc) : undefined,
  });

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
    /** Key rotation: grants still sealed with another key are written again (maintenance, while rotating). */
    resealStale: () => sealing.resealStale(),
    /** Token requests this process has sent and not yet finished (shutdown waits for them). */
    inFlight: () => flights.size,
    /** Resolves when every sent token request has finished and its outcome is stored. */
    async idle(): Promise<void> {
      while (flights.size > 0) await Promise.allSettled([...flights.values()]);
    },
  };
}

const GAVE_UP = Symbol('gave up');
const LAST_USED_PRECISION_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ZoomUserTokenService = ReturnType<typeof createZoomUserTokenService>;
