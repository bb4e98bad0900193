import express from 'express';
import { loadConfig } from '../config';
import { createContainer } from '../container';
import { createLogger } from '../lib/logger';
import { mountRoutes } from '../routes';
import { createMongoJobQueue } from '../services/jobs/mongo-job-queue';
import { buildOpenApiDocument } from './registry';

/**
 * The server's OpenAPI document, built in-process from the same route registry that serves /openapi.json, without
 * a database, Redis or a listening port (nothing is called: routes only register their schemas). The web app's API
 * types are generated from it (`npm run api-types`), and `npm run typecheck` compares them with it.
 */
export function offlineOpenApiDocument() {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    // Placeholders: the container refuses to start without secrets, and nothing here signs or encrypts anything.
    JWT_SECRET: 'x'.repeat(32),
    TOKEN_ENCRYPTION_KEY: '0'.repeat(64),
  });
  const logger = createLogger('silent');
  const container = createContainer({
    config,
    logger,
    jobs: createMongoJobQueue({ clock: { now: () => new Date(0) }, logger, pollMs: 60_000 }),
    mailTransport: { describe: 'none', send: async () => undefined },
  });
  return buildOpenApiDocument(mountRoutes(express(), container), config.http.publicBaseUrl);
}
