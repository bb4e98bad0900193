import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../lib/errors';
import type { RedisClient } from '../../db/redis';

export interface LoginThrottleOptions {
  maxPerIp: number;
  maxFailuresPerEmail: number;
  windowSeconds: number;
  /** Shared across instances when present; otherwise counted per process. */
  redis?: RedisClient;
}

/**
 * Slows password guessing: every attempt counts against the IP; failed attempts count against the email
 * (a success clears them), so one attacker cannot lock a user out from many addresses.
 */
export function createLoginThrottle(options: LoginThrottleOptions) {
  const make = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: options.windowSeconds });
    if (!options.redis) return memory;
    // While Redis is down the in-process limiter takes over (an outage must not turn logins into 500s).
    return new RateLimiterRedis({
      storeClient: options.redis,
      useRedisPackage: true,
      keyPrefix,
      points,
      duration: options.windowSeconds,
      insuranceLimiter: memory,
    });
  };
  const perIp = make('login:ip', options.maxPerIp);
  const perEmail = make('login:email', options.maxFailuresPerEmail);

  return {
    async beforeAttempt(ip: string, email: string): Promise<void> {
      const emailState = await perEmail.get(email);
      if (emailState && emailState.consumedPoints >= options.maxFailuresPerEmail) {
        throw tooMany(emailState);
      }
      try {
        await perIp.consume(ip);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw tooMany(error);
        throw error;
      }
    },
    async recordFailure(email: string): Promise<void> {
      await perEmail.penalty(email, 1);
    },
    async recordSuccess(email: string): Promise<void> {
      await perEmail.delete(email);
    },
  };
}

function tooMany(res: RateLimiterRes): RateLimitedError {
  return new RateLimitedError(
    'Too many login attempts; try again later',
    Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  );
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
