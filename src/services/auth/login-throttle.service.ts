import type { RedisClient } from '../../db/redis';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { createRateLimiter } from './rate-limiter';

export interface LoginThrottleOptions {
  maxPerIp: number;
  maxFailuresPerEmail: number;
  windowSeconds: number;
  clock: Clock;
  /** Shared across instances when present; otherwise counted per process. */
  redis?: RedisClient;
  logger?: Logger;
}

const MESSAGE = 'Too many login attempts; try again later';

/**
 * Slows password guessing: every attempt counts against the IP and against the email before the password is checked
 * (one atomic step each, so concurrent guesses cannot all slip under the limit); a success gives the email's attempts
 * back, so one attacker cannot lock a user out from many addresses for longer than a window.
 */
export function createLoginThrottle(options: LoginThrottleOptions) {
  const common = { windowSeconds: options.windowSeconds, clock: options.clock, redis: options.redis };
  const perIp = createRateLimiter({ ...common, name: 'login:ip', points: options.maxPerIp, message: MESSAGE });
  const perEmail = createRateLimiter({
    ...common,
    name: 'login:email',
    points: options.maxFailuresPerEmail,
    message: MESSAGE,
    logger: options.logger,
  });

  return {
    async beforeAttempt(ip: string, email: string): Promise<void> {
      await perIp.consume(ip);
      await perEmail.consume(email);
    },
    async recordSuccess(email: string): Promise<void> {
      await perEmail.reset(email);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
