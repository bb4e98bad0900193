import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { TokenCipher } from '../../lib/token-cipher';
import { compareAndSet } from '../../db/compare-and-set';
import { OAuthStateModel } from '../../models/oauth-state.model';
import { UserOAuthTokenModel, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import { connectionState, type ConnectionState } from '../grant-health/grant-state';
import { RetiredGrantModel, type RetiredGrantRecord } from '../../models/retired-grant.model';
import type { RetiredGrants } from './retired-grant.service';
import type { ZoomApiClient } from './zoom-api.client';
import type { ZoomAppCredentials, ZoomOAuthClient } from './zoom-oauth.client';
import { OAuthCallbackError, ZoomApiError, ZoomStateNotYoursError } from './zoom.errors';

/** How long a connect link (its state) lives; the browser's `zoom_connect` cookie lives as long. */
export const CONNECT_STATE_TTL_SECONDS = 600;
const STATE_TTL_MS = CONNECT_STATE_TTL_SECONDS * 1000;

/**
 * Who may complete a connect: the browser that pressed Connect Zoom (the nonces of its `zoom_connect` cookie; the GET
 * callback) or the signed-in specialist who owns the state (the POST callback of single-page apps).
 */
export type ConnectProof = { browserNonces: string[] } | { specialistId: string };

export interface ZoomConnectionStatus {
  connected: boolean;
  zoomEmail: string | null;
  zoomUserId: string | null;
  authorizedAt: string | null;
  lastUsedAt: string | null;
  needsReauth: boolean;
  state: ConnectionState;
  lastRefreshedAt: string | null;
  accessTokenExpiresAt: string | null;
  /** The last reconnect that brought a different Zoom account, and what became of the meetings. */
  accountChange: {
    at: string;
    previousZoomEmail: string | null;
    moved: number;
    orphaned: number;
    finished: boolean;
  } | null;
}

const isWorking = (doc: UserOAuthTokenRecord | null): doc is UserOAuthTokenRecord =>
  Boolean(doc && doc.isActive && !doc.isRevoked && doc.zoomRefreshToken && !doc.needsReauth);
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
/** Two hex SHA-256 digests compared in constant time. */
const sameDigest = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
const invalidState = () =>
  new OAuthCallbackError('invalid_state', 'The connect link is unknown, expired or already used');
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** "Connect Zoom" (authorization code + PKCE), its callback, status, disconnect and Zoom-side deauthorization. */
export function createZoomConnectionService(deps: {
  oauth: ZoomOAuthClient;
  api: ZoomApiClient;
  app: ZoomAppCredentials;
  redirectUri: string;
  scopes: string;
  cipher: TokenCipher;
  clock: Clock;
  logger: Logger;
  /** After a (re)connect: e.g. retry meetings that waited for a working grant. */
  onConnected?(specialistId: string): Promise<void>;
  /** The grant was removed in Zoom (app_deauthorized): e.g. tell the specialist, once per grant. */
  onDeauthorized?(specialistId: string): Promise<void>;
  /** Keeps the grant a reconnect to another Zoom account replaces (to delete the meetings left there). */
  retiredGrants?: Pick<RetiredGrants, 'retire'>;
  /** Another Zoom account, before the new grant is stored: note which meetings must move. */
  onAccountChanging?(specialistId: string, retiredGrantId: string): Promise<void>;
  /** Another Zoom account, after the new grant is stored: move the meetings; resolves to how many moved. */
  onAccountChanged?(specialistId: string, retiredGrantId: string): Promise<number>;
}) {
  const now = () => deps.clock.now();

  async function wipe(filter: Record<string, unknown>, reason: string) {
    const t = now();
    await UserOAuthTokenModel.updateMany(filter, {
      $set: {
        zoomAccessToken: null,
        zoomRefreshToken: null,
        zoomAccessTokenExpiry: null,
        isActive: false,
        isRevoked: true,
        revokedAt: t,
        revokedReason: reason,
        refreshLeaseUntil: null,
        refreshLeaseOwner: null,
        // A refresh of this grant still in flight ends against a new version: its mark must not outlive the grant.
        refreshInFlightAt: null,
        refreshInFlightId: null,
      },
      $inc: { version: 1 },
    });
  }

  async function baseStatus(specialistId: string): Promise<Omit<ZoomConnectionStatus, 'accountChange'>> {
    const doc = await UserOAuthTokenModel.findOne({ userId: specialistId }).lean<UserOAuthTokenRecord>();
    const state = connectionState(doc);
    const live = doc && !doc.isRevoked ? doc : null;
    return {
      connected: state === 'connected',
      zoomEmail: live?.zoomEmail ?? null,
      zoomUserId: live?.zoomUserId ?? null,
      authorizedAt: iso(live?.authorizedAt),
      lastUsedAt: iso(live?.lastUsedAt),
      needsReauth: state === 'needs_reauth',
      state,
      lastRefreshedAt: iso(live?.lastRefreshedAt),
      accessTokenExpiresAt: iso(live?.zoomAccessTokenExpiry),
    };
  }

  async function lastAccountChange(specialistId: string): Promise<ZoomConnectionStatus['accountChange']> {
    const change = await RetiredGrantModel.findOne({ specialistId }).sort({ retiredAt: -1 }).lean<RetiredGrantRecord>();
    if (!change) return null;
    return {
      at: change.retiredAt.toISOString(),
      previousZoomEmail: change.zoomEmail ?? null,
      moved: change.moved,
      orphaned: change.orphaned,
      finished: Boolean(change.finishedAt),
    };
  }

  /**
   * The compare-and-set that uses a state up, with the proof checked first. A browser's cookie is compared with the
   * stored hash in constant time before the state is touched; a specialist's ownership is part of the write's filter,
   * so another specialist's attempt changes nothing.
   */
  async function consumeState(state: string, proof: ConnectProof, t: Date) {
    const stateHash = sha256(state);
    const live = { stateHash, consumedAt: null, expiresAt: { $gt: t } };
    if ('browserNonces' in proof) {
      const pending = await OAuthStateModel.findOne(live).lean();
      if (!pending) throw invalidState();
      const stored = pending.browserHash;
      const browserNonce = stored ? proof.browserNonces.find((n) => sameDigest(sha256(n), stored)) : undefined;
      if (!browserNonce)
        throw new OAuthCallbackError(
          'wrong_browser',
          'Finish connecting in the browser where Connect Zoom was pressed',
        );
      if (!(await compareAndSet(OAuthStateModel, { ...live, browserHash: stored }, { $set: { consumedAt: t } })))
        throw invalidState();
      return { pending, browserNonce };
    }
    if (await compareAndSet(OAuthStateModel, { ...live, userId: proof.specialistId }, { $set: { consumedAt: t } })) {
      const pending = await OAuthStateModel.findOne({ stateHash }).lean();
      if (pending) return { pending, browserNonce: undefined };
    }
    if (await OAuthStateModel.exists(live)) throw new ZoomStateNotYoursError();
    throw invalidState();
  }

  return {
    /**
     * A fresh state (PKCE verifier sealed with it) and a browser nonce: the caller puts the nonce in the browser's
     * HttpOnly cookie; only its SHA-256 is stored, and the GET callback completes only where the cookie comes back.
     */
    async createAuthorizeUrl(specialistId: string): Promise<{ authorizeUrl: string; browserNonce: string }> {
      const state = randomBytes(32).toString('base64url');
      const codeVerifier = randomBytes(48).toString('base64url');
      const browserNonce = randomBytes(32).toString('base64url');
      const t = now();
      await OAuthStateModel.create({
        stateHash: sha256(state),
        userId: specialistId,
        browserHash: sha256(browserNonce),
        codeVerifier: deps.cipher.encrypt(codeVerifier),
        redirectUri: deps.redirectUri,
        createdAt: t,
        expiresAt: new Date(t.getTime() + STATE_TTL_MS),
      });
      const authorizeUrl = deps.oauth.authorizeUrl({
        clientId: deps.app.clientId,
        redirectUri: deps.redirectUri,
        state,
        codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
        scopes: deps.scopes,
      });
      return { authorizeUrl, browserNonce };
    },

    /**
     * Consumes the state (single use, unexpired, and proven to be this browser's or this specialist's: see
     * ConnectProof), exchanges the code with the PKCE verifier, reads the Zoom user and stores the grant, replacing
     * any earlier one. A failed proof leaves the state as it was, so the right browser can still finish.
     */
    async completeAuthorization(input: { code: string; state: string; proof: ConnectProof }) {
      const { pending, browserNonce } = await consumeState(input.state, input.proof, now());
      const specialistId = pending.userId.toString();
      let tokens;
      let me;
      try {
        tokens = await deps.oauth.exchangeCode(deps.app, {
          code: input.code,
          redirectUri: pending.redirectUri,
          codeVerifier: deps.cipher.decrypt(pending.codeVerifier),
        });
        me = await deps.api.getMe(tokens.access_token);
      } catch (error) {
        deps.logger.warn({ specialistId, err: error }, 'Zoom code exchange failed');
        const reason = error instanceof ZoomApiError && error.retryable ? 'zoom_unavailable' : 'exchange_failed';
        throw new OAuthCallbackError(reason, 'Zoom did not accept the authorization');
      }
      const t2 = now();
      const grant = {
        // Sealed to this grant's record and field from the first write (see zoom-grant-sealing.ts).
        zoomAccessToken: deps.cipher.encrypt(tokens.access_token, { record: specialistId, field: 'zoomAccessToken' }),
        zoomRefreshToken: deps.cipher.encrypt(tokens.refresh_token!, {
          record: specialistId,
          field: 'zoomRefreshToken',
        }),
        zoomAccessTokenExpiry: new Date(t2.getTime() + tokens.expires_in * 1000),
        zoomUserId: me.id,
        zoomEmail: me.email,
        zoomAccountId: me.account_id ?? null,
        scope: tokens.scope ?? null,
        isActive: true,
        isRevoked: false,
        revokedAt: null,
        revokedReason: null,
        authorizedAt: t2,
        lastUsedAt: null,
        refreshErrorCount: 0,
        lastRefreshAttempt: null,
        lastRefreshedAt: null,
        lastRefreshError: null,
        lastRefreshErrorAt: null,
        needsReauth: false,
        reauthReason: null,
        grantAgeSeconds: null,
        sinceLastRefreshSeconds: null,
        reauthEmailSentAt: null,
        refreshLeaseUntil: null,
        refreshLeaseOwner: null,
        // The old grant's refresh in flight (if any) loses its CAS on version; its mark belongs to the old grant, and
        // left here it would make this grant's first invalid_grant look like a lost response.
        refreshInFlightAt: null,
        refreshInFlightId: null,
      };
      // Another Zoom account: the old grant is kept (sealed) to delete the meetings left there, then revoked.
      const previous = await UserOAuthTokenModel.findOne({ userId: pending.userId }).lean<UserOAuthTokenRecord>();
      const accountChanged = Boolean(previous?.zoomUserId && previous.zoomUserId !== me.id && deps.retiredGrants);
      const retired = accountChanged ? await deps.retiredGrants!.retire(previous!, me.id) : undefined;
      if (retired) await deps.onAccountChanging?.(specialistId, retired._id.toString());
      // A reconnect replaces the old grant; bumping version makes any refresh of the old grant in flight lose its CAS.
      await UserOAuthTokenModel.updateOne(
        { userId: pending.userId },
        { $set: grant, $inc: { version: 1 } },
        { upsert: true },
      );
      deps.logger.info({ specialistId, zoomUserId: me.id, accountChanged }, 'Zoom connected');
      let moved: number | undefined;
      if (retired)
        moved = await (deps.onAccountChanged?.(specialistId, retired._id.toString()) ?? Promise.resolve(0)).catch(
          (error: unknown) => (
            deps.logger.warn({ specialistId, err: error }, 'Moving meetings failed; its job retries'),
            0
          ),
        );
      await deps
        .onConnected?.(specialistId)
        .catch((error) => deps.logger.warn({ specialistId, err: error }, 'onConnected failed'));
      return { specialistId, zoomUserId: me.id, zoomEmail: me.email, moved, browserNonce };
    },

    async status(specialistId: string): Promise<ZoomConnectionStatus> {
      const [base, accountChange] = await Promise.all([baseStatus(specialistId), lastAccountChange(specialistId)]);
      return { ...base, accountChange };
    },

    async isConnected(specialistId: string): Promise<boolean> {
      return (await baseStatus(specialistId)).connected;
    },

    /** The working grant itself (one read), for callers that go on to use its token: see getAccessToken's `grant`. */
    async connectedGrant(specialistId: string): Promise<UserOAuthTokenRecord | null> {
      const doc = await UserOAuthTokenModel.findOne({ userId: specialistId }).lean<UserOAuthTokenRecord>();
      return isWorking(doc) ? doc : null;
    },

    /** Which of these specialists have a working grant, in one query (listings). */
    async connectedAmong(specialistIds: string[]): Promise<Set<string>> {
      const grants = await UserOAuthTokenModel.find({
        userId: { $in: specialistIds },
        isActive: true,
        isRevoked: false,
        needsReauth: false,
      }).lean<UserOAuthTokenRecord[]>();
      return new Set(grants.filter((g) => g.zoomRefreshToken).map((g) => g.userId.toString()));
    },

    /** Revokes at Zoom (best effort: the local grant is wiped even when Zoom is unreachable). */
    async disconnect(specialistId: string): Promise<void> {
      const doc = await UserOAuthTokenModel.findOne({ userId: specialistId }).lean<UserOAuthTokenRecord>();
      if (!doc || doc.isRevoked) return;
      // Zoom documents revoking with the access token; an expired one may be refused, so the refresh token follows.
      let revoked = false;
      for (const sealed of [doc.zoomAccessToken, doc.zoomRefreshToken]) {
        if (revoked || !sealed) continue;
        revoked = await deps.oauth.revokeToken(deps.app, deps.cipher.decrypt(sealed)).catch(() => false);
      }
      if (!revoked) deps.logger.warn({ specialistId }, 'Zoom revoke failed; wiping the local grant anyway');
      await wipe({ _id: doc._id }, 'disconnected');
    },

    /** The user removed our app in Zoom (app_deauthorized webhook): their tokens are dead; forget them. */
    async handleDeauthorized(zoomUserId: string): Promise<number> {
      const affected = await UserOAuthTokenModel.find({ zoomUserId, isRevoked: false }).lean<UserOAuthTokenRecord[]>();
      await wipe({ zoomUserId, isRevoked: false }, 'deauthorized_in_zoom');
      deps.logger.info({ zoomUserId, affected: affected.length }, 'Zoom app deauthorized by the user');
      for (const grant of affected) await deps.onDeauthorized?.(grant.userId.toString());
      return affected.length;
    },
  };
}

export type ZoomConnectionService = ReturnType<typeof createZoomConnectionService>;
