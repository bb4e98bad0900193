import { pingMongo } from '../db/mongo';
import type { RedisClient } from '../db/redis';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export function createHealthService(deps: { redis?: RedisClient; timeoutMs?: number }) {
  const timeoutMs = deps.timeoutMs ?? 2000;
  return {
    async readiness(): Promise<Readiness> {
      const checks: Readiness['checks'] = {};
      const probes: Array<[string, () => Promise<unknown>]> = [['mongodb', () => pingMongo(timeoutMs)]];
      if (deps.redis) {
        const redis = deps.redis;
        probes.push([
          'redis',
          () =>
            Promise.race([
              redis.isReady ? redis.ping() : Promise.reject(new Error('Redis is not connected')),
              new Promise((_, reject) =>
                setTimeout(() => reject(new Error('Redis ping timed out')), timeoutMs).unref(),
              ),
            ]),
        ]);
      }
      await Promise.all(
        probes.map(async ([name, probe]) => {
          try {
            await probe();
            checks[name] = { ok: true };
          } catch (error) {
            checks[name] = { ok: false, error: (error as Error).message };
          }
        }),
      );
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
