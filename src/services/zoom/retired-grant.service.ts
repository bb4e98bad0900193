import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { TokenCipher } from '../../lib/token-cipher';
import { RetiredGrantModel, type RetiredGrantRecord } from '../../models/retired-grant.model';
import type { UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import type { ZoomAppCredentials, ZoomOAuthClient } from './zoom-oauth.client';
import { ZoomInvalidGrantError, ZoomNotConnectedError, ZoomTokenRejectedError } from './zoom.errors';

/** An access token this close to its expiry is refreshed first. */
const MARGIN_MS = 60_000;

/**
 * A specialist's previous grant after a reconnect to another Zoom account: a sealed copy taken before the new grant
 * replaced it, used only to delete the meetings left in the old account and then revoked. Tokens are refreshed with
 * the OAuth client's public functions and stored with a compare-and-set on `version` (Zoom honours only the newest
 * refresh token).
 */
export function createRetiredGrants(deps: {
  oauth: ZoomOAuthClient;
  app: ZoomAppCredentials;
  cipher: TokenCipher;
  clock: Clock;
  logger: Logger;
}) {
  const now = () => deps.clock.now();
  const load = async (id: string) => {
    const rg = await RetiredGrantModel.findById(id).lean<RetiredGrantRecord>();
    if (!rg) throw new ZoomNotConnectedError('The previous Zoom grant is gone');
    return rg;
  };

  async function markDead(rg: RetiredGrantRecord, reason: string) {
    await RetiredGrantModel.updateOne(
      { _id: rg._id },
      { $set: { state: 'dead', zoomAccessToken: null, zoomRefreshToken: null, lastError: reason } },
    );
    deps.logger.warn({ specialistId: rg.specialistId, reason }, 'The previous Zoom grant is dead');
  }

  async function tokenOf(rg: RetiredGrantRecord, rejected?: string): Promise<string> {
    if (rg.state !== 'active' || !rg.zoomRefreshToken)
      throw new ZoomNotConnectedError('The previous Zoom grant is dead or revoked');
    const current = rg.zoomAccessToken ? deps.cipher.decrypt(rg.zoomAccessToken) : undefined;
    const fresh = rg.zoomAccessTokenExpiry && rg.zoomAccessTokenExpiry.getTime() - now().getTime() > MARGIN_MS;
    if (current && fresh && current !== rejected) return current;
    let tokens;
    try {
      tokens = await deps.oauth.refreshAccessToken(deps.app, deps.cipher.decrypt(rg.zoomRefreshToken));
    } catch (error) {
      if (!(error instanceof ZoomInvalidGrantError)) throw error;
      await markDead(rg, error.message);
      throw new ZoomNotConnectedError('The previous Zoom grant is dead');
    }
    const stored = await RetiredGrantModel.updateOne(
      { _id: rg._id, version: rg.version },
      {
        $set: {
          zoomAccessToken: deps.cipher.encrypt(tokens.access_token),
          zoomRefreshToken: deps.cipher.encrypt(tokens.refresh_token!),
          zoomAccessTokenExpiry: new Date(now().getTime() + tokens.expires_in * 1000),
        },
        $inc: { version: 1 },
      },
    );
    if (stored.modifiedCount !== 1) throw new Error('The previous Zoom grant changed while refreshing; try again');
    return tokens.access_token;
  }

  return {
    /** Keeps a sealed copy of the grant being replaced. A grant already dead or revoked is kept as `dead`. */
    async retire(previous: UserOAuthTokenRecord, newZoomUserId: string): Promise<RetiredGrantRecord> {
      const alive = !previous.isRevoked && !previous.needsReauth && Boolean(previous.zoomRefreshToken);
      const doc = await RetiredGrantModel.create({
        specialistId: previous.userId,
        zoomUserId: previous.zoomUserId!,
        zoomEmail: previous.zoomEmail ?? null,
        newZoomUserId,
        zoomAccessToken: alive ? previous.zoomAccessToken : null,
        zoomAccessTokenExpiry: alive ? previous.zoomAccessTokenExpiry : null,
        zoomRefreshToken: alive ? previous.zoomRefreshToken : null,
        state: alive ? 'active' : 'dead',
        retiredAt: now(),
      });
      return doc.toObject() as RetiredGrantRecord;
    },

    /** Runs `call` with the old grant's token; a 401 from Zoom forces one refresh and one retry. */
    async withToken<T>(retiredGrantId: string, call: (token: string) => Promise<T>): Promise<T> {
      const token = await tokenOf(await load(retiredGrantId));
      try {
        return await call(token);
      } catch (error) {
        if (!(error instanceof ZoomTokenRejectedError)) throw error;
        return call(await tokenOf(await load(retiredGrantId), token));
      }
    },

    /** Revokes the old grant at Zoom (best effort) and forgets its tokens. */
    async revoke(retiredGrantId: string): Promise<void> {
      const rg = await load(retiredGrantId);
      if (rg.state !== 'active') return;
      let revoked = false;
      for (const sealed of [rg.zoomAccessToken, rg.zoomRefreshToken]) {
        if (revoked || !sealed) continue;
        revoked = await deps.oauth.revokeToken(deps.app, deps.cipher.decrypt(sealed)).catch(() => false);
      }
      if (!revoked) deps.logger.warn({ specialistId: rg.specialistId }, 'Revoking the previous Zoom grant failed');
      await RetiredGrantModel.updateOne(
        { _id: rg._id },
        { $set: { state: 'revoked', zoomAccessToken: null, zoomRefreshToken: null, zoomAccessTokenExpiry: null } },
      );
    },
  };
}

export type RetiredGrants = ReturnType<typeof createRetiredGrants>;
