import { Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { InvalidLinkError, UnauthenticatedError } from '../../lib/errors';
import { AccountLinkModel, type AccountLinkPurpose, type AccountLinkRecord } from '../../models/account-link.model';
import type { JwtService } from './jwt.service';

const PATHS: Record<AccountLinkPurpose, string> = {
  'verify-email': '/verify-email',
  'change-email': '/verify-email',
  'reset-password': '/reset-password',
};

/**
 * Signed, single-use links to the web app: the JWT proves we issued it (and until when), its record proves it has not
 * been used. Using one is a compare-and-set on `usedAt`, so two clicks (or two instances) cannot both succeed.
 */
export function createAccountLinks(deps: { jwt: JwtService; clock: Clock; frontendUrl: string }) {
  const now = () => deps.clock.now();
  return {
    async issue(input: {
      userId: string;
      purpose: AccountLinkPurpose;
      email: string;
      ttlMs: number;
      /** The account's session version the link is bound to (change-email). */
      sessionVersion?: number;
    }) {
      const t = now();
      const expiresAt = new Date(t.getTime() + input.ttlMs);
      const _id = new Types.ObjectId();
      // lean: stored as given, so the id must already be an ObjectId.
      await AccountLinkModel.insertMany(
        [
          {
            _id,
            userId: new Types.ObjectId(input.userId),
            purpose: input.purpose,
            email: input.email,
            expiresAt,
            usedAt: null,
            createdAt: t,
            sessionVersion: input.sessionVersion ?? null,
          },
        ],
        { lean: true },
      );
      const token = await deps.jwt.signRecordedLink(input.purpose, input.userId, _id.toString(), expiresAt);
      return {
        id: _id.toString(),
        url: `${deps.frontendUrl}${PATHS[input.purpose]}?token=${encodeURIComponent(token)}`,
        expiresAt,
      };
    },

    /** Checks a link without using it (which purpose, whose, still unused). */
    async peek(token: string, purposes: readonly AccountLinkPurpose[]): Promise<AccountLinkRecord> {
      const claims = await deps.jwt.verifyRecordedLink(token, purposes).catch((error: unknown) => {
        if (error instanceof UnauthenticatedError) throw new InvalidLinkError();
        throw error;
      });
      if (!Types.ObjectId.isValid(claims.jti)) throw new InvalidLinkError();
      const link = await AccountLinkModel.findById(claims.jti).lean<AccountLinkRecord>();
      const valid =
        link &&
        link.purpose === claims.purpose &&
        link.userId.toString() === claims.subject &&
        !link.usedAt &&
        link.expiresAt > now();
      if (!valid) throw new InvalidLinkError();
      return link;
    },

    /** Marks the link used; false when someone else used it first. */
    async use(link: AccountLinkRecord): Promise<boolean> {
      const result = await AccountLinkModel.updateOne({ _id: link._id, usedAt: null }, { $set: { usedAt: now() } });
      return result.modifiedCount === 1;
    },

    /** Links of one purpose not yet used stop working (a newer one was mailed, or the password changed). */
    async revoke(userId: string, purpose: AccountLinkPurpose): Promise<void> {
      await AccountLinkModel.updateMany({ userId, purpose, usedAt: null }, { $set: { usedAt: now() } });
    },

    async forgetUser(userId: string): Promise<void> {
      await AccountLinkModel.deleteMany({ userId });
    },
  };
}

export type AccountLinks = ReturnType<typeof createAccountLinks>;
