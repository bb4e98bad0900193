import type { Logger } from '../../lib/logger';
import type { SealContext, TokenCipher } from '../../lib/token-cipher';
import { UserOAuthTokenModel, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import { RESEAL_BATCH, resealEach, sealedUnderOtherKey, type ResealReport } from '../sealed-fields';

const FIELDS = ['zoomAccessToken', 'zoomRefreshToken'] as const;
export type GrantTokenField = (typeof FIELDS)[number];

/**
 * A grant's tokens are sealed to the grant's record and field (the cipher's associated data), so a sealed token
 * copied to another grant or field does not open. Values written before that (v1, unbound, or under the previous
 * key) are rewritten the first time the grant is read.
 */
export function createGrantSealing(cipher: TokenCipher, logger: Logger) {
  const at = (doc: UserOAuthTokenRecord, field: GrantTokenField): SealContext => ({
    record: doc.userId.toString(),
    field,
  });
  const open = (doc: UserOAuthTokenRecord, field: GrantTokenField) => cipher.decrypt(doc[field]!, at(doc, field));
  const seal = (doc: UserOAuthTokenRecord, field: GrantTokenField, plain: string) =>
    cipher.encrypt(plain, at(doc, field));

  /** Rewrites stale values (once per grant; a compare-and-set on the values read, so no newer write is undone). */
  async function resealIfStale(doc: UserOAuthTokenRecord): Promise<void> {
    const stale = FIELDS.filter((f) => doc[f] && !cipher.isCurrent(doc[f]!, at(doc, f)));
    if (stale.length === 0) return;
    const $set = Object.fromEntries(stale.map((f) => [f, seal(doc, f, open(doc, f))]));
    const filter = { _id: doc._id, version: doc.version, ...Object.fromEntries(stale.map((f) => [f, doc[f]])) };
    await UserOAuthTokenModel.updateOne(filter, { $set }).catch((error: unknown) =>
      logger.warn(
        { specialistId: doc.userId, err: error },
        'Could not rewrite a sealed Zoom token in the current format',
      ),
    );
  }

  return {
    open,
    seal,
    resealIfStale,
    /**
     * Key rotation: rewrites every grant still sealed with another key, whatever its state (a grant waiting for its
     * specialist to reconnect is not refreshed, so nothing else would rewrite it). Maintenance, while rotating.
     */
    resealStale(): Promise<ResealReport> {
      const stale = sealedUnderOtherKey(cipher, FIELDS);
      return resealEach(
        (after) =>
          UserOAuthTokenModel.find(after ? { ...stale, _id: { $gt: after } } : stale)
            .sort({ _id: 1 })
            .limit(RESEAL_BATCH)
            .lean<UserOAuthTokenRecord[]>(),
        async (doc) => {
          for (const f of FIELDS) if (doc[f]) open(doc, f); // a value that does not open counts as failed
          await resealIfStale(doc);
        },
      );
    },
  };
}

export type GrantSealing = ReturnType<typeof createGrantSealing>;
