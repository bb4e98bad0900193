import type { AppConfig } from '../../config';
import type { RedisClient } from '../../db/redis';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { createRateLimiter } from './rate-limiter';

/**
 * Limits on what costs us mail or accounts: sign-ups per IP, and verification, reset and resend mails per email and
 * per IP, all counted in ACCOUNT_LIMIT_WINDOW_SECONDS windows.
 */
export function createAccountLimits(deps: {
  auth: Pick<AppConfig['auth'], 'signupMaxPerIp' | 'mailsMaxPerEmail' | 'mailsMaxPerIp' | 'accountLimitWindowSeconds'>;
  clock: Clock;
  redis?: RedisClient;
  logger?: Logger;
}) {
  const common = {
    windowSeconds: deps.auth.accountLimitWindowSeconds,
    clock: deps.clock,
    redis: deps.redis,
    logger: deps.logger,
  };
  const signupPerIp = createRateLimiter({
    ...common,
    name: 'signup:ip',
    points: deps.auth.signupMaxPerIp,
    message: 'Too many accounts created from this address; try again later',
  });
  const mailsPerEmail = createRateLimiter({
    ...common,
    name: 'account-mail:email',
    points: deps.auth.mailsMaxPerEmail,
    message: 'Too many mails asked for this address; try again later',
  });
  const mailsPerIp = createRateLimiter({
    ...common,
    name: 'account-mail:ip',
    points: deps.auth.mailsMaxPerIp,
    message: 'Too many mails asked from this address; try again later',
  });
  return {
    signup: (ip: string) => signupPerIp.consume(ip),
    /** A mail someone asked for (resend, reset): refused with 429 over either limit. */
    async mailAsked(ip: string, email: string): Promise<void> {
      await mailsPerIp.consume(ip);
      await mailsPerEmail.consume(email);
    },
    /** A mail we send unasked (the sign-up's verification): counted; skipped once the address's limit is spent. */
    mailAllowed: (email: string) => mailsPerEmail.tryConsume(email),
  };
}

export type AccountLimits = ReturnType<typeof createAccountLimits>;
