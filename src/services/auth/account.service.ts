import { isValidObjectId } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { InvalidLinkError, isDuplicateKeyError, NotFoundError } from '../../lib/errors';
import { ACCOUNT_LINK_PURPOSES } from '../../models/account-link.model';
import { BookingModel } from '../../models/booking.model';
import { S2SHostApprovalModel } from '../../models/s2s-host-approval.model';
import { UserModel, type UserRecord } from '../../models/user.model';
import { emailChangeNoticeMail, verifyEmailMail } from '../mail/account-mail.templates';
import type { JobQueue } from '../jobs/job-queue';
import type { MailOutbox } from '../mail/mail-outbox.service';
import type { AccountLimits } from './account-limits';
import type { AccountLinks } from './account-links.service';
import { emailTaken, normaliseEmail, passwordMatches, wrongCurrentPassword } from './accounts';
import type { LoginThrottle } from './login-throttle.service';
import { toUserDto, type UserDto, type UserService } from './user.service';

const VERIFY_TTL_MS = 24 * 3600_000;

export interface ProfileChange {
  name?: string;
  timezone?: string;
  email?: string;
  currentPassword?: string;
}

/** Email verification and the account's own profile: the verified address is the one the account goes by. */
export function createAccountService(deps: {
  links: AccountLinks;
  mail: MailOutbox;
  limits: AccountLimits;
  throttle: LoginThrottle;
  users: UserService;
  jobs: Pick<JobQueue, 'soon'>;
  clock: Clock;
  frontendUrl: string;
}) {
  /** `sessionVersion` binds an email-change link: ending every session (a reset, a password change) voids it. */
  async function mailVerification(
    user: { id: string; name: string },
    email: string,
    change: false | { sessionVersion: number },
  ) {
    const purpose = change ? 'change-email' : 'verify-email';
    await deps.links.revoke(user.id, purpose); // only the newest link works
    const sessionVersion = change ? change.sessionVersion : undefined;
    const link = await deps.links.issue({ userId: user.id, purpose, email, ttlMs: VERIFY_TTL_MS, sessionVersion });
    await deps.mail.enqueue(
      verifyEmailMail({ id: link.id, to: email, name: user.name, url: link.url, change: Boolean(change) }),
    );
  }

  async function requestEmailChange(
    user: UserRecord & { _id: { toString(): string } },
    input: ProfileChange,
    ip: string,
  ) {
    const email = normaliseEmail(input.email!);
    if (email === user.email) return;
    await deps.throttle.beforeAttempt(ip, user.email);
    if (!input.currentPassword || !(await passwordMatches(user.passwordHash, input.currentPassword))) {
      throw wrongCurrentPassword();
    }
    await deps.throttle.recordSuccess(user.email);
    if (await UserModel.exists({ email })) throw emailTaken();
    await deps.limits.mailAsked(ip, email);
    const id = user._id.toString();
    await UserModel.updateOne({ _id: id }, { $set: { pendingEmail: email } });
    await mailVerification({ id, name: user.name }, email, { sessionVersion: user.sessionVersion ?? 0 });
    await deps.mail.enqueue(
      emailChangeNoticeMail({
        id: `${id}:${deps.clock.now().getTime()}`,
        to: user.email,
        name: user.name,
        newEmail: email,
        resetUrl: `${deps.frontendUrl}/forgot-password`,
      }),
    );
  }

  return {
    /** The sign-up's verification mail (counted against the address's mail limit; skipped once it is spent). */
    async afterSignUp(user: UserDto, how: { tookOver: boolean } = { tookOver: false }): Promise<void> {
      // A guest record taken over (it may have been an impostor's account before): no earlier link of it works.
      if (how.tookOver) for (const purpose of ACCOUNT_LINK_PURPOSES) await deps.links.revoke(user.id, purpose);
      if (await deps.limits.mailAllowed(user.email)) await mailVerification(user, user.email, false);
    },

    /**
     * Always the same answer, in the same time: the address is looked up after the response. Only the limits answer
     * back (429).
     */
    async resendVerification(input: { email: string; ip: string }): Promise<void> {
      const email = normaliseEmail(input.email);
      await deps.limits.mailAsked(input.ip, email);
      deps.jobs.soon(async () => {
        const user = await UserModel.findOne({ email }).lean();
        if (user && !user.emailVerified && !user.deletingAt && !user.guest) {
          await mailVerification({ id: user._id.toString(), name: user.name }, email, false);
        }
      });
    },

    /** Opens a verification link: the sign-up's address, or the new address of an email change, is now verified. */
    async verifyEmail(token: string): Promise<UserDto> {
      const link = await deps.links.peek(token, ['verify-email', 'change-email']);
      const user = await UserModel.findById(link.userId).lean();
      if (!user || user.deletingAt) throw new InvalidLinkError();
      const change = link.purpose === 'change-email';
      // A link for an address the account no longer has (or no longer asks for) proves nothing; an email change asked
      // for before every session ended (a reset by the address's owner, a password change) neither.
      if ((change ? user.pendingEmail : user.email) !== link.email) throw new InvalidLinkError();
      const sessionVersion = user.sessionVersion ?? 0;
      if (change && (link.sessionVersion ?? 0) !== sessionVersion) throw new InvalidLinkError();
      if (!(await deps.links.use(link))) throw new InvalidLinkError();
      // Compare-and-set on the state checked; a write that verifies or moves the address changes who may see the
      // account's (guest) bookings, so it raises the access version (the old calendar-feed address stops working).
      const filter = change
        ? { _id: user._id, pendingEmail: link.email, sessionVersion: user.sessionVersion ?? null }
        : { _id: user._id, email: link.email, emailVerified: { $ne: true } };
      const $set = change ? { email: link.email, pendingEmail: null, emailVerified: true } : { emailVerified: true };
      let changed;
      try {
        changed = await UserModel.updateOne(filter, { $set, $inc: { accessVersion: 1 } });
      } catch (error) {
        if (isDuplicateKeyError(error)) throw emailTaken(); // someone signed up with it meanwhile
        throw error;
      }
      if (change && changed.modifiedCount !== 1) throw new InvalidLinkError(); // a reset or a newer change won
      if (change && user.emailVerified) {
        // The owner of the old address moves: their guest bookings under it go along (and mail goes to the new one).
        // An account that never verified the old address takes nothing: those bookings are its owner's.
        await BookingModel.updateMany(
          { customerId: user._id, 'guest.email': user.email },
          { $set: { 'guest.email': link.email } },
        );
      }
      // An S2S host approval was for the old address (it is void by comparison too; this keeps no stale record).
      if (change && changed.modifiedCount === 1) await S2SHostApprovalModel.deleteMany({ specialistId: user._id });
      return deps.users.getById(user._id.toString());
    },

    /** Name and time zone at once; a new email waits for its link (and the old address is told). */
    async updateMe(userId: string, input: ProfileChange, ip: string): Promise<UserDto> {
      if (!isValidObjectId(userId)) throw new NotFoundError('User');
      const user = await UserModel.findById(userId).lean();
      if (!user) throw new NotFoundError('User');
      if (input.email !== undefined) await requestEmailChange(user, input, ip);
      const { name, timezone } = input;
      if (name === undefined && timezone === undefined) return toUserDto((await UserModel.findById(userId).lean())!);
      return deps.users.updateProfile(userId, { name, timezone });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
