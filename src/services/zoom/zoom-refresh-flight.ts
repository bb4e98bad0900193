import { performance } from 'node:perf_hooks';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { UserOAuthTokenModel, type ReauthReason, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import type { RefreshLog } from '../grant-health/refresh-log.service';
import { ZoomApiError, ZoomInvalidGrantError, ZoomNotConnectedError, zoomReasonOf } from './zoom.errors';
import type { GrantSealing } from './zoom-grant-sealing';
import type { ZoomAppCredentials, ZoomOAuthClient } from './zoom-oauth.client';
import type { ZoomTokenResponse } from './zoom-api.schemas';

/** Why a token is wanted: a caller needs one, Zoom rejected the one we had, or the keep-alive sweep. */
export type Want =
  { trigger: 'request' } | { trigger: 'rejected_token'; rejected: string } | { trigger: 'keepalive'; olderThan: Date };

/** The grant changed while we refreshed (a reconnect, another instance's rotation): look at it again. */
export const RESTART = Symbol('restart');
/** The access token, undefined (a keep-alive with nothing to do), or RESTART. */
export type Outcome = string | undefined | typeof RESTART;

/** Rotated tokens Zoom gave us whose store has not landed yet (`baseVersion`: the version they replace). */
export interface HeldTokens {
  accessToken: string;
  expiresAt: Date;
  baseVersion: number;
}

/**
 * One leased refresh, run to its end whoever still waits for it: Zoom's answer is stored (retried until the write
 * lands) or its loss is marked before the lease is let go, and the lease is extended while it runs. Zoom rotates the
 * refresh token on every refresh and honours only the newest, so an answer we drop is a grant we kill.
 */
export function createRefreshFlight(deps: {
  oauth: ZoomOAuthClient;
  app: ZoomAppCredentials;
  clock: Clock;
  logger: Logger;
  refreshLog: Pick<RefreshLog, 'record'>;
  sealing: GrantSealing;
  onGrantDead(specialistId: string, reason: ReauthReason): Promise<void>;
  /** This process's lease owner id and the lease length. */
  owner: string;
  leaseMs: number;
  /** Rotated tokens not stored yet, usable by this process meanwhile (shared with the token service). */
  held: Map<string, HeldTokens>;
  /** When Zoom failed: the current token if it still works for this caller (not a keep-alive), else undefined. */
  stillUsable(doc: UserOAuthTokenRecord, want: Want): Promise<string | undefined>;
}) {
  const now = () => deps.clock.now();

  /** Runs to its end whoever waits: the answer is stored (or its loss is marked) before the lease is let go. */
  async function run(
    specialistId: string,
    doc: UserOAuthTokenRecord,
    want: Want,
    flightId: string,
    refreshToken: string,
  ): Promise<Outcome> {
    // A refresh sent earlier whose outcome was never stored: if Zoom now refuses the token, that one rotated it.
    const earlierUnfinished = Boolean(doc.refreshInFlightAt);
    const mine = { _id: doc._id, refreshLeaseOwner: deps.owner, refreshInFlightId: flightId };
    const heartbeat = setInterval(
      () =>
        void UserOAuthTokenModel.updateOne(mine, {
          $set: { refreshLeaseUntil: new Date(now().getTime() + deps.leaseMs) },
        }).catch(() => {}),
      Math.max(50, Math.floor(deps.leaseMs / 3)),
    );
    heartbeat.unref();
    const startedAt = now();
    const started = performance.now();
    const record = (outcome: 'ok' | 'invalid_grant' | 'error', error?: unknown, lifetimes?: Lifetimes) =>
      deps.refreshLog.record({
        at: startedAt,
        specialistId,
        trigger: want.trigger,
        outcome,
        durationMs: performance.now() - started,
        error: error === undefined ? null : zoomReasonOf(error),
        ...lifetimes,
      });
    try {
      let tokens: ZoomTokenResponse;
      try {
        tokens = await deps.oauth.refreshAccessToken(deps.app, refreshToken);
      } catch (error) {
        if (error instanceof ZoomInvalidGrantError) {
          const lifetimes = lifetimesOf(doc, now());
          await record('invalid_grant', error, lifetimes);
          return await handleInvalidGrant(specialistId, doc, error, want, earlierUnfinished, lifetimes);
        }
        await record('error', error);
        // Zoom answered (an error status): the request is finished and rotated nothing. Without an answer (time-out
        // at the cap, connection lost) Zoom may have rotated the token: the in-flight mark stays.
        const answered = !earlierUnfinished && !(error instanceof ZoomApiError && error.zoomStatus === undefined);
        await UserOAuthTokenModel.updateOne(mine, {
          $set: {
            refreshLeaseUntil: null,
            refreshLeaseOwner: null,
            lastRefreshError: (error as Error).message,
            lastRefreshErrorAt: startedAt,
            ...(answered ? { refreshInFlightAt: null, refreshInFlightId: null } : {}),
          },
          $inc: { refreshErrorCount: 1 },
        });
        // Zoom's reason, never a token (README "Runbook": Zoom's token endpoint failing).
        deps.logger.warn(
          {
            specialistId,
            trigger: want.trigger,
            outcome: 'error',
            zoomStatus: error instanceof ZoomApiError ? (error.zoomStatus ?? 'no_answer') : undefined,
            reason: zoomReasonOf(error),
          },
          'Zoom token refresh failed',
        );
        // Zoom is down but the current token has not expired yet (we were inside the margin): keep working.
        const fallback = await deps.stillUsable(doc, want);
        if (fallback !== undefined) return fallback;
        throw error;
      }
      deps.held.set(specialistId, {
        accessToken: tokens.access_token,
        expiresAt: new Date(now().getTime() + tokens.expires_in * 1000),
        baseVersion: doc.version,
      });
      const [stored] = await Promise.all([storeUntilLanded(specialistId, doc, tokens, want), record('ok')]);
      deps.held.delete(specialistId);
      if (!stored) {
        // The grant was replaced under us (a reconnect): the tokens we got belong to the old grant. Start over.
        deps.logger.warn({ specialistId }, 'Zoom grant changed during refresh; discarding the refreshed tokens');
        return RESTART;
      }
      deps.logger.info({ specialistId, trigger: want.trigger }, 'Refreshed Zoom access token');
      return tokens.access_token;
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Stores the rotated tokens with a compare-and-swap on `version`; a failed write (MongoDB away) is retried until it
   * lands, because the old refresh token is already dead at Zoom. False when the grant was replaced meanwhile.
   */
  async function storeUntilLanded(
    specialistId: string,
    doc: UserOAuthTokenRecord,
    tokens: ZoomTokenResponse,
    want: Want,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      const t = now();
      try {
        const result = await UserOAuthTokenModel.updateOne(
          { _id: doc._id, version: doc.version },
          {
            $set: {
              refreshLeaseUntil: null,
              refreshLeaseOwner: null,
              refreshInFlightAt: null,
              refreshInFlightId: null,
              zoomAccessToken: deps.sealing.seal(doc, 'zoomAccessToken', tokens.access_token),
              zoomRefreshToken: deps.sealing.seal(doc, 'zoomRefreshToken', tokens.refresh_token!),
              zoomAccessTokenExpiry:
                deps.held.get(specialistId)?.expiresAt ?? new Date(t.getTime() + tokens.expires_in * 1000),
              scope: tokens.scope ?? doc.scope,
              lastRefreshedAt: t,
              // A keep-alive is not a use of the grant.
              ...(want.trigger === 'keepalive' ? {} : { lastUsedAt: t }),
              lastRefreshError: null,
              lastRefreshErrorAt: null,
              refreshErrorCount: 0,
              // We hold the newest refresh token: whatever another instance concluded meanwhile, the grant lives.
              needsReauth: false,
              reauthReason: null,
            },
            $inc: { version: 1 },
          },
        );
        if (attempt > 1) deps.logger.info({ specialistId, attempt }, 'Stored the rotated Zoom tokens after retrying');
        return result.modifiedCount === 1;
      } catch (error) {
        deps.logger.warn(
          { specialistId, attempt, err: error },
          'Could not store the rotated Zoom tokens; retrying (they stay usable in this process meanwhile)',
        );
        await sleep(Math.min(STORE_RETRY_CAP_MS, 100 * 2 ** Math.min(attempt - 1, 10)));
      }
    }
  }

  async function handleInvalidGrant(
    specialistId: string,
    doc: UserOAuthTokenRecord,
    error: ZoomInvalidGrantError,
    want: Want,
    earlierUnfinished: boolean,
    lifetimes: Lifetimes,
  ): Promise<typeof RESTART> {
    const release = { refreshLeaseUntil: null, refreshLeaseOwner: null };
    // Another instance may have rotated the token after we read it: that is not a revocation.
    const current = await UserOAuthTokenModel.findOne({ userId: specialistId }).lean<UserOAuthTokenRecord>();
    if (current && current.version !== doc.version) {
      await UserOAuthTokenModel.updateOne({ _id: doc._id, refreshLeaseOwner: deps.owner }, { $set: release });
      return RESTART;
    }
    const reason: ReauthReason = earlierUnfinished
      ? 'lost_response'
      : /revok/i.test(error.reason)
        ? 'revoked'
        : 'invalid_grant';
    const marked = await UserOAuthTokenModel.updateOne(
      { _id: doc._id, version: doc.version },
      {
        $set: {
          ...release,
          needsReauth: true,
          reauthReason: reason,
          ...lifetimes,
          refreshInFlightAt: null,
          refreshInFlightId: null,
          lastRefreshError: error.message,
          lastRefreshErrorAt: now(),
        },
        $inc: { refreshErrorCount: 1 },
      },
    );
    deps.logger.warn(
      { specialistId, reason, ...lifetimes },
      'Zoom grant is dead (invalid_grant): specialist must reconnect',
    );
    if (marked.modifiedCount === 1) await deps.onGrantDead(specialistId, reason);
    throw new ZoomNotConnectedError('The specialist must reconnect Zoom');
  }

  return { run };
}

interface Lifetimes {
  grantAgeSeconds: number;
  sinceLastRefreshSeconds: number;
}

function lifetimesOf(doc: UserOAuthTokenRecord, t: Date): Lifetimes {
  const seconds = (from: Date) => Math.max(0, Math.round((t.getTime() - from.getTime()) / 1000));
  return {
    grantAgeSeconds: seconds(doc.authorizedAt),
    sinceLastRefreshSeconds: seconds(doc.lastRefreshedAt ?? doc.authorizedAt),
  };
}

const STORE_RETRY_CAP_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
