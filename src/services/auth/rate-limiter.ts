import type { RedisClient } from '../../db/redis';
import type { Clock } from '../../lib/clock';
import { RateLimitedError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';

export interface RateLimiterOptions {
  /** Part of every key, e.g. `login:email`. */
  name: string;
  points: number;
  windowSeconds: number;
  clock: Clock;
  /** Shared across instances when present; counted per process otherwise (and while Redis is down). */
  redis?: RedisClient;
  logger?: Logger;
  /** The sentence a refused caller reads. */
  message: string;
}

export interface RateLimiter {
  /** Counts one attempt and refuses (RATE_LIMITED, with Retry-After) once the window's points are spent. */
  consume(id: string): Promise<void>;
  /** Counts one attempt; false (instead of an error) once the window's points are spent. */
  tryConsume(id: string): Promise<boolean>;
  /** Forgets the current window's attempts (a successful login clears its failures). */
  reset(id: string): Promise<void>;
  /** Gives one counted attempt back (it turned out to be no failure, e.g. a right code). */
  refund(id: string): Promise<void>;
}

const MEMORY_PRUNE_AT = 10_000;

/**
 * A fixed-window counter whose windows follow the injected clock. Counting is one atomic step (Redis INCR, or a
 * synchronous Map update in process), so concurrent attempts can never all pass a check made before any of them
 * counted. A window's first attempt starts nothing: windows are aligned to multiples of `windowSeconds`, which allows
 * up to twice the points across a window boundary, a trade for one round trip per attempt.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windowMs = options.windowSeconds * 1000;
  const memory = new Map<string, { window: number; count: number }>();
  let redisDown = false;

  const windowOf = (t: number) => Math.floor(t / windowMs);
  const keyOf = (window: number, id: string) => `ratelimit:${options.name}:${window}:${id}`;

  function countInMemory(key: string, window: number): number {
    if (memory.size > MEMORY_PRUNE_AT) {
      for (const [k, v] of memory) if (v.window < window) memory.delete(k);
    }
    const entry = memory.get(key);
    const count = entry && entry.window === window ? entry.count + 1 : 1;
    memory.set(key, { window, count });
    return count;
  }

  async function count(id: string, t: number): Promise<number> {
    const window = windowOf(t);
    const key = keyOf(window, id);
    if (options.redis) {
      try {
        const [n] = await options.redis
          .multi()
          .incr(key)
          .pExpire(key, windowMs + 60_000)
          .exec();
        redisDown = false;
        return Number(n);
      } catch (error) {
        if (!redisDown) options.logger?.warn({ err: error }, 'Redis unavailable: rate limits counted per process');
        redisDown = true;
      }
    }
    return countInMemory(key, window);
  }

  async function tryConsume(id: string): Promise<{ ok: boolean; retryAfterSeconds: number }> {
    const t = options.clock.now().getTime();
    const n = await count(id, t);
    const retryAfterMs = (windowOf(t) + 1) * windowMs - t;
    return { ok: n <= options.points, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  return {
    async consume(id) {
      const { ok, retryAfterSeconds } = await tryConsume(id);
      if (!ok) throw new RateLimitedError(options.message, retryAfterSeconds);
    },
    async tryConsume(id) {
      return (await tryConsume(id)).ok;
    },
    async refund(id) {
      const window = windowOf(options.clock.now().getTime());
      const key = keyOf(window, id);
      if (options.redis) {
        try {
          await options.redis
            .multi()
            .decr(key)
            .pExpire(key, windowMs + 60_000)
            .exec();
          return;
        } catch {
          // counted in process while Redis is down (count() says so in the log)
        }
      }
      const entry = memory.get(key);
      if (entry && entry.window === window && entry.count > 0) entry.count -= 1;
    },
    async reset(id) {
      const key = keyOf(windowOf(options.clock.now().getTime()), id);
      memory.delete(key);
      if (options.redis) await options.redis.del(key).catch(() => undefined);
    },
  };
}
