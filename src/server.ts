import type { Server } from 'node:http';
import path from 'node:path';
import { createApp } from './app';
import { ConfigError, loadConfigFromProcess, type AppConfig } from './config';
import { createContainer } from './container';
import { connectMongo, disconnectMongo, ensureIndexes } from './db/mongo';
import { startMongoEngine } from './db/mongo-engine';
import { systemClock } from './lib/clock';
import { loadOrCreateDevSecret } from './lib/dev-secrets';
import { createLogger, type Logger } from './lib/logger';
import { createMongoJobQueue } from './services/jobs/mongo-job-queue';
import { createFileTransport, createSmtpTransport } from './services/mail/mail-transport';
import type { RedisClient } from './db/redis';

/** Fills development defaults that must persist across restarts (secrets under DATA_DIR). */
function withDevDefaults(config: AppConfig, logger: Logger): AppConfig {
  if (config.isProduction) return config;
  const dataDir = path.resolve(config.dataDir);
  const next = { ...config, auth: { ...config.auth } };
  if (!next.auth.jwtSecret) {
    next.auth.jwtSecret = loadOrCreateDevSecret(dataDir, 'jwt-secret', 48).toString('hex');
    logger.warn('JWT_SECRET is not set: using a development secret kept in %s', path.join(dataDir, 'secrets'));
  }
  if (!next.tokenEncryptionKey) {
    next.tokenEncryptionKey = loadOrCreateDevSecret(dataDir, 'token-encryption-key', 32);
    logger.warn('TOKEN_ENCRYPTION_KEY is not set: using a development key kept in %s', path.join(dataDir, 'secrets'));
  }
  return next;
}

export async function start() {
  const config0 = loadConfigFromProcess();
  const logger = createLogger(config0.log.level);
  const config = withDevDefaults(config0, logger);
  const closers: Array<() => Promise<unknown>> = [];

  const engine = await startMongoEngine({
    uri: config.mongo.uri,
    dbPath: path.resolve(config.dataDir, 'mongo'),
    logger,
  });
  closers.unshift(() => engine.stop());
  const mongoUri = config.mongo.uri ?? `${engine.uri}specialist-booking`;
  logger.info(
    { engine: engine.name },
    config.mongo.uri ? `MongoDB engine: ${engine.name}` : `MongoDB engine: ${engine.name} (embedded, at ${mongoUri})`,
  );
  await connectMongo(mongoUri);
  closers.unshift(() => disconnectMongo());
  await ensureIndexes();

  let redis: RedisClient | undefined;
  if (config.redis.url) {
    // Loaded only when used: the Redis client and the sandbox are a good part of the process's memory otherwise.
    const { connectRedis } = await import('./db/redis.js');
    redis = await connectRedis(config.redis.url, (error) => logger.warn({ err: error }, 'Redis error'));
    closers.unshift(() => redis!.close());
  }

  if (config.zoom.useEmbeddedSandbox) {
    if (config.isProduction) throw new Error('Zoom credentials are required in production');
    const { startZoomSandbox } = await import('./zoom-sandbox/zoom-sandbox.js');
    const sandbox = await startZoomSandbox({
      port: config.zoom.sandbox.port,
      autoApprove: config.zoom.sandbox.autoApprove,
      logger: (line) => logger.debug({ sandbox: true }, line),
    });
    closers.unshift(() => sandbox.close());
    config.zoom.oauthBaseUrl = sandbox.oauthBaseUrl;
    config.zoom.apiBaseUrl = sandbox.apiBaseUrl;
    config.zoom.userManaged.clientId = 'sandbox-client-id';
    config.zoom.userManaged.clientSecret = 'sandbox-client-secret';
    config.zoom.s2s = { ...config.zoom.s2s, accountId: 'sandbox-account-id', clientId: 'sandbox-s2s-client-id', clientSecret: 'sandbox-s2s-client-secret' };
    config.zoom.webhookSecretToken ??= 'sandbox-webhook-secret';
    logger.warn(
      `No Zoom credentials configured: using the EMBEDDED ZOOM SANDBOX at ${sandbox.url} (not real Zoom). ` +
        'Set ZOOM_USER_MANAGED_CLIENT_ID/SECRET (or ZOOM_ACCOUNT_ID/ZOOM_CLIENT_ID/SECRET for s2s) to use Zoom.',
    );
  }

  const mailTransport = config.mail.smtpUrl
    ? createSmtpTransport(config.mail.smtpUrl)
    : createFileTransport(path.resolve(config.dataDir, 'outbox'));
  closers.unshift(async () => mailTransport.close?.());
  logger.info(`Mail goes to ${mailTransport.describe}`);
  const jobs = createMongoJobQueue({ clock: systemClock, logger, pollMs: config.jobs.processEveryMs });

  const container = createContainer({ config, logger, redis, jobs, mailTransport });
  const app = createApp(container);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.http.port, config.http.host, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  await container.services.maintenance.ensureScheduled();
  await jobs.start();
  closers.unshift(() => jobs.stop());
  logger.info(`Listening on http://${config.http.host}:${port} (docs: ${config.http.publicBaseUrl}/docs)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => server.closeAllConnections(), config.http.shutdownGraceMs).unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(force);
    for (const close of closers) {
      await close().catch((error) => logger.warn({ err: error }, 'Error while closing'));
    }
    logger.info('Stopped');
  };
  process.once('SIGTERM', () => void stop('SIGTERM').then(() => process.exit(0)));
  process.once('SIGINT', () => void stop('SIGINT').then(() => process.exit(0)));
  return { server, container, stop };
}

if (require.main === module) {
  start().catch((error) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`Start-up failed: ${(error as Error).stack ?? error}\n`);
    }
    process.exit(1);
  });
}
