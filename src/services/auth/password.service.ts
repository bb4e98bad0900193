import { randomUUID } from 'node:crypto';
import { InvalidLinkError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { UserModel } from '../../models/user.model';
import type { JobQueue } from '../jobs/job-queue';
import { passwordChangedMail, resetPasswordMail } from '../mail/account-mail.templates';
import type { MailOutbox } from '../mail/mail-outbox.service';
import type { AccountLimits } from './account-limits';
import type { AccountLinks } from './account-links.service';
import { hashPassword, normaliseEmail, passwordMatches, wrongCurrentPassword } from './accounts';
import type { AuthService, ClientInfo, Principal } from './auth.service';
import type { LoginThrottle } from './login-throttle.service';
import { toUserDto } from './user.service';

const RESET_TTL_MS = 30 * 60_000;

/**
 * Forgotten and changed passwords. Either one ends every other session of the account and any email change in
 * progress (its link dies).
 */
export function createPasswordService(deps: {
  auth: AuthService;
  links: AccountLinks;
  mail: MailOutbox;
  limits: AccountLimits;
  throttle: LoginThrottle;
  jobs: Pick<JobQueue, 'soon'>;
  logger: Logger;
  frontendUrl: string;
}) {
  const forgotUrl = `${deps.frontendUrl}/forgot-password`;

  async function mailResetLink(email: string): Promise<void> {
    const user = await UserModel.findOne({ email }).lean();
    // A guest record is no account: nothing to reset (the same 202 as an unknown address).
    if (!user || user.deletingAt || user.guest) return;
    const userId = user._id.toString();
    await deps.links.revoke(userId, 'reset-password'); // only the newest link works
    const link = await deps.links.issue({ userId, purpose: 'reset-password', email, ttlMs: RESET_TTL_MS });
    await deps.mail.enqueue(resetPasswordMail({ id: link.id, to: email, name: user.name, url: link.url }));
  }

  async function mailChanged(user: { email: string; name: string }) {
    const id = randomUUID();
    await deps.mail.enqueue(passwordChangedMail({ id, to: user.email, name: user.name, resetUrl: forgotUrl }));
  }

  return {
    /**
     * Always the same answer, in the same time: whether the address has an account is looked up after the response
     * (a lost lookup costs the person one more click, never a wrong answer). Only the limits answer back (429).
     */
    async forgotPassword(input: { email: string; ip: string }): Promise<void> {
      const email = normaliseEmail(input.email);
      await deps.limits.mailAsked(input.ip, email);
      deps.jobs.soon(() =>
        mailResetLink(email).catch((error: unknown) => deps.logger.warn({ err: error }, 'Reset mail not queued')),
      );
    },

    /** Sets the password from a reset link: every session ends, and the link and its siblings stop working. */
    async resetPassword(input: { token: string; password: string }): Promise<void> {
      const link = await deps.links.peek(input.token, ['reset-password']);
      const user = await UserModel.findById(link.userId).lean();
      if (!user || user.deletingAt || user.email !== link.email) throw new InvalidLinkError();
      if (!(await deps.links.use(link))) throw new InvalidLinkError();
      const passwordHash = await hashPassword(input.password);
      // Opening a link mailed to the address proves it, like the verification link: whoever held the account before
      // (an impostor who signed up with the address) loses its sessions, its email change and its feed address.
      const userId = user._id.toString();
      await deps.auth.endAllSessions(userId, { passwordHash, emailVerified: true }, { accessChanged: true });
      await deps.links.revoke(userId, 'reset-password');
      await deps.links.revoke(userId, 'change-email');
      await mailChanged(user);
    },

    /** Needs the current password; ends every other session and answers with a new token for this one. */
    async changePassword(
      principal: Principal,
      input: { currentPassword: string; newPassword: string },
      client: ClientInfo,
    ) {
      const user = await UserModel.findById(principal.userId).lean();
      if (!user) throw wrongCurrentPassword();
      await deps.throttle.beforeAttempt(client.ip, user.email);
      if (!(await passwordMatches(user.passwordHash, input.currentPassword))) throw wrongCurrentPassword();
      await deps.throttle.recordSuccess(user.email);
      const passwordHash = await hashPassword(input.newPassword);
      await deps.auth.endAllSessions(principal.userId, { passwordHash });
      await deps.links.revoke(principal.userId, 'reset-password');
      await deps.links.revoke(principal.userId, 'change-email');
      const session = await deps.auth.startSession(principal.userId, user.role, client);
      await mailChanged(user);
      return { ...session, user: toUserDto({ ...user, pendingEmail: null }) };
    },
  };
}

export type PasswordService = ReturnType<typeof createPasswordService>;
