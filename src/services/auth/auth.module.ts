import type { AppConfig } from '../../config';
import type { RedisClient } from '../../db/redis';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { JobQueue } from '../jobs/jobs.module';
import type { MailModule } from '../mail/mail.module';
import { createAccountDeletion } from './account-deletion.service';
import { createAccountExport } from './account-export.service';
import { createAccountLimits } from './account-limits';
import { createAccountLinks } from './account-links.service';
import { createAccountService } from './account.service';
import { createAuthService } from './auth.service';
import { createEmailCodes } from './email-codes.service';
import { createEmailPolicy } from './email-policy';
import { guestOwnerOf, type GuestOwnerInput } from './guest-accounts';
import { createJwtService } from './jwt.service';
import { createLoginThrottle } from './login-throttle.service';
import { createPasswordService } from './password.service';
import { createRateLimiter } from './rate-limiter';
import { createUserService } from './user.service';

// What other features may use of auth besides the module's services.
export { bookableSpecialists, verifiedCustomersOnly } from './email-policy';
export { normaliseEmail } from './accounts';
export type { CodeClaim, EmailCodes } from './email-codes.service';

type DeletionDeps = Parameters<typeof createAccountDeletion>[0];

/** Auth: tokens, sign-up and login, accounts, passwords and account deletion/export. */
export function createAuthModule(deps: {
  config: AppConfig;
  clock: Clock;
  logger: Logger;
  redis?: RedisClient;
  jobs: JobQueue;
  mail: MailModule['mail'];
  /**
   * Deletion cancels the account's bookings, disconnects its Zoom grants (current and retired) and forgets its
   * calendars (features wired after this one).
   */
  bookings: DeletionDeps['bookings'];
  zoom: DeletionDeps['zoom'];
  feeds: DeletionDeps['feeds'];
}) {
  const { config, clock, logger, redis, jobs, mail } = deps;
  if (!config.auth.jwtSecret) throw new Error('config.auth.jwtSecret must be set (server.ts generates one in dev)');
  const jwt = createJwtService(new TextEncoder().encode(config.auth.jwtSecret), clock, config.auth.jwtTtlSeconds);
  const throttle = createLoginThrottle({
    maxPerIp: config.auth.loginMaxPerIp,
    maxFailuresPerEmail: config.auth.loginMaxPerEmail,
    windowSeconds: config.auth.loginWindowSeconds,
    clock,
    redis,
    logger,
  });
  const limits = createAccountLimits({ auth: config.auth, clock, redis, logger });
  const users = createUserService();
  const links = createAccountLinks({ jwt, clock, frontendUrl: config.frontendUrl });
  const account = createAccountService({
    links,
    mail,
    limits,
    throttle,
    users,
    jobs,
    clock,
    frontendUrl: config.frontendUrl,
  });
  const emailPolicy = createEmailPolicy(config.auth.requireVerifiedEmail);
  const auth = createAuthService({
    jwt,
    throttle,
    limits,
    clock,
    ttlSeconds: config.auth.jwtTtlSeconds,
    onSignedUp: account.afterSignUp,
  });
  const passwords = createPasswordService({
    auth,
    links,
    mail,
    limits,
    throttle,
    jobs,
    logger,
    frontendUrl: config.frontendUrl,
  });
  const accountDeletion = createAccountDeletion({
    bookings: deps.bookings,
    zoom: deps.zoom,
    feeds: deps.feeds,
    links,
    throttle,
    clock,
    logger,
  });
  const accountExport = createAccountExport({ auth, clock });
  // Guest booking: codes that prove an address, per address and per IP per hour.
  const codeLimit = (name: string, points: number, message: string) =>
    createRateLimiter({ name, points, windowSeconds: 3600, clock, redis, logger, message });
  const emailCodes = createEmailCodes({
    secret: config.auth.jwtSecret,
    clock,
    mail,
    perEmail: codeLimit(
      'guest-code:email',
      config.guests.codesMaxPerEmail,
      'Too many codes asked for this address; try again later',
    ),
    perIp: codeLimit(
      'guest-code:ip',
      config.guests.codesMaxPerIp,
      'Too many codes asked from this address; try again later',
    ),
    failuresPerIp: codeLimit(
      'guest-code-failures:ip',
      config.guests.codeFailuresMaxPerIp,
      'Too many codes that do not work were entered from this address; try again later',
    ),
  });
  const guests = { ownerOf: (guest: GuestOwnerInput) => guestOwnerOf(guest, clock.now()) };
  return { jwt, users, emailPolicy, auth, account, passwords, accountDeletion, accountExport, emailCodes, guests };
}

export type AuthModule = ReturnType<typeof createAuthModule>;
