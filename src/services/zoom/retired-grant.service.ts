import { Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { TokenDecryptError, type SealContext, type TokenCipher } from '../../lib/token-cipher';
import { RetiredGrantModel, type RetiredGrantRecord } from '../../models/retired-grant.model';
import { RESEAL_BATCH, resealEach, sealedUnderOtherKey, type ResealReport } from '../sealed-fields';
import type { UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import type { ZoomAppCredentials, ZoomOAuthClient } from './zoom-oauth.client';
import { ZoomInvalidGrantError, ZoomNotConnectedError, ZoomTokenRejectedError } from './zoom.errors';

/** An access token this close to its expiry is refreshed first. */
const MARGIN_MS = 60_000;
const FIELDS = ['zoomAccessToken', 'zoomRefreshToken'] as const;
type TokenField = (typeof FIELDS)[number];

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

  /** Sealed to the retired grant's own record and field, as a grant's tokens are to the grant. */
  const at = (rg: { _id: Types.ObjectId }, field: TokenField): SealContext => ({ record: rg._id.toString(), field });
  const grantAt = (specialistId: Types.ObjectId | string, field: TokenField): SealContext => ({
    record: specialistId.toString(),
    field,
  });

  function open(rg: RetiredGrantRecord, field: TokenField): string {
    try {
      return deps.cipher.decrypt(rg[field]!, at(rg, field));
    } catch (error) {
      // Retired before copies were sealed to their own record: still bound to the specialist's grant.
      if (!(error instanceof TokenDecryptError)) throw error;
      return deps.cipher.decrypt(rg[field]!, grantAt(rg.specialistId, field));
    }
  }

  /**
   * Values not sealed under the current key and to this record are written again (a compare-and-set on the values
   * read and the version, so a refresh that stored newer tokens meanwhile is kept).
   */
  async function resealIfStale(rg: RetiredGrantRecord): Promise<void> {
    const stale = FIELDS.filter((f) => rg[f] && !deps.cipher.isCurrent(rg[f]!, at(rg, f)));
    if (stale.length === 0) return;
    const $set = Object.fromEntries(stale.map((f) => [f, deps.cipher.encrypt(open(rg, f), at(rg, f))]));
    const filter = { _id: rg._id, version: rg.version, ...Object.fromEntries(stale.map((f) => [f, rg[f]])) };
    await RetiredGrantModel.updateOne(filter, { $set });
  }

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
    await resealIfStale(rg);
    const current = rg.zoomAccessToken ? open(rg, 'zoomAccessToken') : undefined;
    const fresh = rg.zoomAccessTokenExpiry && rg.zoomAccessTokenExpiry.getTime() - now().getTime() > MARGIN_MS;
    if (current && fresh && current !== rejected) return current;
    let tokens;
    try {
      tokens = await deps.oauth.refreshAccessToken(deps.app, open(rg, 'zoomRefreshToken'));
    } catch (error) {
      if (!(error instanceof ZoomInvalidGrantError)) throw error;
      await markDead(rg, error.message);
      throw new ZoomNotConnectedError('The previous Zoom grant is dead');
    }
    const stored = await RetiredGrantModel.updateOne(
      { _id: rg._id, version: rg.version },
      {
        $set: {
          zoomAccessToken: deps.cipher.encrypt(tokens.access_token, at(rg, 'zoomAccessToken')),
          zoomRefreshToken: deps.cipher.encrypt(tokens.refresh_token!, at(rg, 'zoomRefreshToken')),
          zoomAccessTokenExpiry: new Date(now().getTime() + tokens.expires_in * 1000),
        },
        $inc: { version: 1 },
      },
    );
    if (stored.modifiedCount !== 1) throw new Error('The previous Zoom grant changed while refreshing; try again');
    return tokens.access_token;
  }

  /** Revokes an active old grant at Zoom (best effort) and forgets its tokens; any other state has none to revoke. */
  async function revokeRecord(rg: RetiredGrantRecord): Promise<void> {
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
  }

  return {
    /** Keeps a sealed copy of the grant being replaced. A grant already dead or revoked is kept as `dead`. */
    async retire(previous: UserOAuthTokenRecord, newZoomUserId: string): Promise<RetiredGrantRecord> {
      const _id = new Types.ObjectId();
      // The copy is sealed to its own record: the grant's values are bound to the grant and would not open here.
      const reseal = (field: TokenField) => {
        const sealed = previous[field];
        return sealed
          ? deps.cipher.encrypt(deps.cipher.decrypt(sealed, grantAt(previous.userId, field)), at({ _id }, field))
          : null;
      };
      let tokens: Record<TokenField, string | null> | undefined;
      let lastError: string | null = null;
      if (!previous.isRevoked && !previous.needsReauth && previous.zoomRefreshToken) {
        try {
          tokens = { zoomAccessToken: reseal('zoomAccessToken'), zoomRefreshToken: reseal('zoomRefreshToken') };
        } catch (error) {
          if (!(error instanceof TokenDecryptError)) throw error;
          lastError = error.message;
          deps.logger.warn(
            { specialistId: previous.userId, err: error.message },
            'The previous Zoom grant does not open',
          );
        }
      }
      const doc = await RetiredGrantModel.create({
        _id,
        specialistId: previous.userId,
        zoomUserId: previous.zoomUserId!,
        zoomEmail: previous.zoomEmail ?? null,
        newZoomUserId,
        zoomAccessToken: tokens?.zoomAccessToken ?? null,
        zoomAccessTokenExpiry: tokens ? previous.zoomAccessTokenExpiry : null,
        zoomRefreshToken: tokens?.zoomRefreshToken ?? null,
        state: tokens ? 'active' : 'dead',
        lastError,
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

    /** Key rotation: rewrites retired grants still sealed with another key (maintenance, while rotating). */
    resealStale(): Promise<ResealReport> {
      const stale = sealedUnderOtherKey(deps.cipher, FIELDS);
      return resealEach(
        (after) =>
          RetiredGrantModel.find(after ? { ...stale, _id: { $gt: after } } : stale)
            .sort({ _id: 1 })
            .limit(RESEAL_BATCH)
            .lean<RetiredGrantRecord[]>(),
        resealIfStale,
      );
    },

    /** Revokes the old grant at Zoom (best effort) and forgets its tokens. */
    async revoke(retiredGrantId: string): Promise<void> {
      await revokeRecord(await load(retiredGrantId));
    },

    /** Account deletion: every old grant of the specialist revoked at Zoom (best effort), then its record removed. */
    async forgetSpecialist(specialistId: string): Promise<void> {
      for (const rg of await RetiredGrantModel.find({ specialistId }).lean<RetiredGrantRecord[]>())
        await revokeRecord(rg);
      await RetiredGrantModel.deleteMany({ specialistId });
    },
  };
}

export type RetiredGrants = ReturnType<typeof createRetiredGrants>;
