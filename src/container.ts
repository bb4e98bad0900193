import type { AppConfig } from './config';
import { systemClock, type Clock } from './lib/clock';
import { createLogger, type Logger } from './lib/logger';
import { createAuthService } from './services/auth.service';
import { createHealthService } from './services/health.service';
import { createJwtService } from './services/jwt.service';
import { createLoginThrottle } from './services/login-throttle.service';
import type { RedisClient } from './services/redis.service';
import { createUserService } from './services/user.service';

export interface AppDeps {
  config: AppConfig;
  clock?: Clock;
  logger?: Logger;
  redis?: RedisClient;
}

/** Wires services from their dependencies. One container per app instance; tests build several. */
export function createContainer(deps: AppDeps) {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(config.log.level);
  if (!config.auth.jwtSecret) throw new Error('config.auth.jwtSecret must be set (server.ts generates one in development)');
  const jwt = createJwtService(new TextEncoder().encode(config.auth.jwtSecret), clock, config.auth.jwtTtlSeconds);
  const throttle = createLoginThrottle({
    maxPerIp: config.auth.loginMaxPerIp,
    maxFailuresPerEmail: config.auth.loginMaxPerEmail,
    windowSeconds: config.auth.loginWindowSeconds,
    redis: deps.redis,
  });
  const services = {
    jwt,
    users: createUserService(),
    auth: createAuthService({ jwt, throttle }),
    health: createHealthService({ redis: deps.redis }),
  };
  return { config, clock, logger, redis: deps.redis, services };
}

export type Container = ReturnType<typeof createContainer>;
