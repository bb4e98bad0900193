import { isValidObjectId, Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { isDuplicateKeyError, NotFoundError, ServiceUnavailableError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { S2SHostApprovalModel, type S2SHostApprovalRecord } from '../../models/s2s-host-approval.model';
import { UserModel } from '../../models/user.model';
import { approvalVoidReason, s2sHostRow, type SpecialistAccount, type ZoomUserLookup } from './s2s-host-rows';
import type { ZoomApiClient } from './zoom-api.client';
import type { S2STokenService } from './zoom-s2s-token.service';
import {
  NotInZoomAccountError,
  S2SHostEmailNotVerifiedError,
  S2SModeOffError,
  ZoomApiError,
  ZoomNotConnectedError,
  type S2SMissingStep,
} from './zoom.errors';

/** Zoom is asked about this many specialists of a page at once. */
const LOOKUPS_AT_ONCE = 4;

const NO_SHARED_HOST = 'ZOOM_S2S_HOST_USER, a shared host, is not set';
const MISSING: Record<S2SMissingStep, string> = {
  verify_email:
    'This specialist cannot be booked yet: they must verify their email address, and then an admin must approve ' +
    `them as a host in the platform's Zoom account (${NO_SHARED_HOST})`,
  not_in_zoom_account:
    'This specialist cannot be booked: their email is not a user of the Zoom account the platform hosts meetings ' +
    `in (${NO_SHARED_HOST})`,
  admin_approval:
    "This specialist cannot be booked yet: an admin must approve them as a host in the platform's Zoom account " +
    `(${NO_SHARED_HOST})`,
};

/**
 * MEETING_PROVIDER=s2s: which specialists host as their own Zoom user of the platform account (an admin approved
 * the mapping, their email verified and unchanged since), the admins' list of them, approval and revocation.
 */
export function createS2SHosts(deps: {
  enabled: boolean;
  api: ZoomApiClient;
  s2s: Pick<S2STokenService, 'withToken'>;
  /** ZOOM_S2S_HOST_USER: the shared host of everyone not approved (absent: they cannot be booked). */
  fallbackHostUser: string | undefined;
  clock: Clock;
  logger: Logger;
}) {
  const assertOn = () => {
    if (!deps.enabled) throw new S2SModeOffError();
  };

  /** Only Zoom's "no such user" means "not in the account"; anything else means Zoom could not be asked. */
  async function lookup(email: string): Promise<ZoomUserLookup> {
    try {
      const user = await deps.s2s.withToken((token) => deps.api.getUser(token, email));
      return { result: 'found', user: { id: user.id, email: user.email } };
    } catch (error) {
      if (error instanceof ZoomApiError && (error.zoomStatus === 404 || error.zoomCode === 1001))
        return { result: 'not_found' };
      return { result: 'unavailable', error: (error as Error).message };
    }
  }

  async function specialistOf(specialistId: string): Promise<SpecialistAccount> {
    const user = isValidObjectId(specialistId) ? await UserModel.findById(specialistId).lean() : null;
    if (!user || user.role !== 'specialist') throw new NotFoundError('Specialist');
    return user;
  }

  async function approverNames(approvals: S2SHostApprovalRecord[]): Promise<Map<string, string>> {
    if (approvals.length === 0) return new Map();
    const admins = await UserModel.find({ _id: { $in: approvals.map((a) => a.approvedBy) } }).lean();
    return new Map(admins.map((a) => [a._id.toString(), a.name]));
  }

  async function rowFor(user: SpecialistAccount, approval: S2SHostApprovalRecord | null, look: ZoomUserLookup | null) {
    const names = await approverNames(approval ? [approval] : []);
    const approverName = approval ? (names.get(approval.approvedBy.toString()) ?? null) : null;
    return s2sHostRow({ user, approval, lookup: look, approverName, fallbackHost: deps.fallbackHostUser });
  }

  const isValid = (user: SpecialistAccount | null, approval: S2SHostApprovalRecord | null) =>
    Boolean(user && approval && !approvalVoidReason(user, approval));

  /** Zoom's answers for a page, a few at a time; once Zoom fails, the rest are not asked (a page never waits long). */
  async function lookupsFor(users: SpecialistAccount[]): Promise<{ looked: ZoomUserLookup[]; error?: string }> {
    const looked: ZoomUserLookup[] = [];
    let error: string | undefined;
    for (let i = 0; i < users.length; i += LOOKUPS_AT_ONCE) {
      const chunk = users.slice(i, i + LOOKUPS_AT_ONCE);
      if (error) {
        looked.push(...chunk.map(() => ({ result: 'unavailable' as const, error: error! })));
        continue;
      }
      const answers = await Promise.all(chunk.map((u) => lookup(u.email)));
      error = answers.find(
        (a): a is Extract<ZoomUserLookup, { result: 'unavailable' }> => a.result === 'unavailable',
      )?.error;
      looked.push(...answers);
    }
    return { looked, error };
  }

  return {
    /** Every specialist, sorted by name, with the Zoom user their email matches (asked through the S2S token). */
    async list(query: { page: number; pageSize: number }) {
      assertOn();
      const filter = { role: 'specialist' as const };
      const [users, total] = await Promise.all([
        UserModel.find(filter)
          .sort({ name: 1, _id: 1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean(),
        UserModel.countDocuments(filter),
      ]);
      const approvals = await S2SHostApprovalModel.find({ specialistId: { $in: users.map((u) => u._id) } }).lean();
      const approvalOf = new Map(approvals.map((a) => [a.specialistId.toString(), a]));
      const names = await approverNames(approvals);
      const ask = users.filter((u) => !isValid(u, approvalOf.get(u._id.toString()) ?? null));
      const { looked, error } = await lookupsFor(ask);
      const lookupOf = new Map(ask.map((u, i) => [u._id.toString(), looked[i]!]));
      const items = users.map((user) => {
        const approval = approvalOf.get(user._id.toString()) ?? null;
        return s2sHostRow({
          user,
          approval,
          lookup: lookupOf.get(user._id.toString()) ?? null,
          approverName: approval ? (names.get(approval.approvedBy.toString()) ?? null) : null,
          fallbackHost: deps.fallbackHostUser,
        });
      });
      return {
        items,
        page: query.page,
        pageSize: query.pageSize,
        total,
        fallbackHost: deps.fallbackHostUser ?? null,
        zoomReachable: !error,
        zoomError: error ?? null,
      };
    },

    /** Idempotent: an approval that still holds is answered as it is (its time and admin kept). */
    async approve(specialistId: string, adminId: string) {
      assertOn();
      const user = await specialistOf(specialistId);
      const existing = await S2SHostApprovalModel.findOne({ specialistId }).lean();
      if (existing && isValid(user, existing)) return rowFor(user, existing, null);
      if (user.emailVerified !== true) throw new S2SHostEmailNotVerifiedError();
      const found = await lookup(user.email);
      if (found.result === 'not_found') throw new NotInZoomAccountError(user.email);
      if (found.result === 'unavailable')
        throw new ServiceUnavailableError(
          `Zoom could not be asked whether ${user.email} is a user of the account: ${found.error}`,
          'ZOOM_UNAVAILABLE',
        );
      // Bound to the address read above: if it changes meanwhile, the approval names the old one and is void.
      const approval = {
        specialistId: new Types.ObjectId(user._id.toString()),
        zoomUserId: found.user.id,
        zoomEmail: found.user.email,
        approvedEmail: user.email.toLowerCase(),
        approvedBy: new Types.ObjectId(adminId),
        approvedAt: deps.clock.now(),
      };
      const write = (upsert: boolean) =>
        S2SHostApprovalModel.updateOne({ specialistId }, { $set: approval }, { upsert });
      // Two admins at once: the second upsert may meet the first one's insert (E11000) and then updates it.
      await write(true).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
        return write(false);
      });
      deps.logger.info({ specialistId, adminId, zoomUserId: found.user.id }, 'S2S host approved');
      return rowFor(user, (await S2SHostApprovalModel.findOne({ specialistId }).lean()) ?? null, null);
    },

    /** Idempotent. Meetings already made keep their host; new bookings follow the state without the approval. */
    async revoke(specialistId: string, adminId: string) {
      assertOn();
      const user = await specialistOf(specialistId);
      const { deletedCount } = await S2SHostApprovalModel.deleteOne({ specialistId });
      if (deletedCount) deps.logger.info({ specialistId, adminId }, 'S2S host approval revoked');
      return rowFor(user, null, await lookup(user.email));
    },

    /**
     * The Zoom user a new meeting of this specialist is made for: their approved user, else the shared host; with
     * neither, ZoomNotConnectedError naming the missing step (Zoom is asked only to word it).
     */
    async hostFor(specialistId: string): Promise<string> {
      const [user, approval] = await Promise.all([
        isValidObjectId(specialistId) ? UserModel.findById(specialistId).lean() : null,
        isValidObjectId(specialistId) ? S2SHostApprovalModel.findOne({ specialistId }).lean() : null,
      ]);
      if (isValid(user, approval)) return approval!.zoomUserId;
      if (deps.fallbackHostUser) return deps.fallbackHostUser;
      if (!user) throw new ZoomNotConnectedError();
      let missing: S2SMissingStep = 'admin_approval';
      if (user.emailVerified !== true) missing = 'verify_email';
      else if ((await lookup(user.email)).result === 'not_found') missing = 'not_in_zoom_account';
      throw new ZoomNotConnectedError(MISSING[missing], { missingStep: missing });
    },

    /** The Zoom user this specialist is approved to host as now (null: none, or void). */
    async approvedHost(specialistId: string): Promise<string | null> {
      if (!isValidObjectId(specialistId)) return null;
      const [user, approval] = await Promise.all([
        UserModel.findById(specialistId).lean(),
        S2SHostApprovalModel.findOne({ specialistId }).lean(),
      ]);
      return isValid(user, approval) ? approval!.zoomUserId : null;
    },

    /** Which of these specialists hold an approval that is valid now (two queries: listings). */
    async approvedAmong(specialistIds: string[]): Promise<Set<string>> {
      const approvals = await S2SHostApprovalModel.find({ specialistId: { $in: specialistIds } }).lean();
      if (approvals.length === 0) return new Set();
      const users = await UserModel.find({ _id: { $in: approvals.map((a) => a.specialistId) } }).lean();
      const userOf = new Map(users.map((u) => [u._id.toString(), u]));
      return new Set(
        approvals
          .filter((a) => isValid(userOf.get(a.specialistId.toString()) ?? null, a))
          .map((a) => a.specialistId.toString()),
      );
    },
  };
}

export type S2SHosts = ReturnType<typeof createS2SHosts>;
