import { createServer } from 'node:http';
import path from 'node:path';
import { createApp } from './app';
import { ConfigError, loadConfigFromProcess, type AppConfig } from './config';
import { createContainer } from './container';
import { connectMongo, disconnectMongo, ensureIndexes } from './db/mongo';
import { startMongoEngine, type MongoEngine } from './db/mongo-engine';
import { systemClock } from './lib/clock';
import { loadOrCreateDevSecret } from './lib/dev-secrets';
import {
  closeAll,
  describeListenError,
  listen,
  settlesWithin,
  StartupError,
  StartupInterrupted,
  type Closer,
} from './lib/lifecycle';
import { createLogger, type Logger } from './lib/logger';
import { createMongoJobQueue } from './services/jobs/mongo-job-queue';
import { createFileTransport, createSmtpTransport } from './services/mail/mail-transport';
import type { RedisClient } from './db/redis';

/** After the HTTP grace period, every closer together gets this long; the last-resort exit comes a little later. */
const CLOSERS_BUDGET_MS = 5000;
const LAST_RESORT_EXTRA_MS = 2000;

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

function describeEngine(engine: MongoEngine, uri: string, external: boolean): string {
  if (external) return `MongoDB: ${uri.replace(/\/\/[^@/]*@/, '//***@')}`;
  const data = engine.persistent ? 'data kept on disk' : 'data in memory: lost on restart';
  const why = engine.fallbackReason ? ` (${engine.fallbackReason})` : '';
  return `MongoDB engine: ${engine.name}, embedded, at ${uri}; ${data}${why}`;
}

export async function start() {
  const config0 = loadConfigFromProcess();
  const logger = createLogger(config0.log.level);
  const config = withDevDefaults(config0, logger);
  const closers: Closer[] = [];
  const onClose = (name: string, close: () => Promise<unknown>) => closers.push({ name, close });
  let stopSignal: string | undefined;
  let stop: ((signal: string) => Promise<void>) | undefined;
  const onSignal = (signal: string) => {
    stopSignal ??= signal;
    // During start-up the next step notices the signal and closes what has started so far.
    if (stop) void stop(signal).then(() => process.exit());
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const checkpoint = () => {
    if (stopSignal) throw new StartupInterrupted(`${stopSignal} during start-up`);
  };

  try {
    const engine = await startMongoEngine({ uri: config.mongo.uri, dbPath: path.resolve(config.dataDir, 'mongo') });
    onClose('mongodb engine', () => engine.stop());
    checkpoint();
    const mongoUri = config.mongo.uri ?? `${engine.uri}specialist-booking`;
    (engine.persistent ? logger.info : logger.warn).call(
      logger,
      { engine: engine.name },
      describeEngine(engine, mongoUri, Boolean(config.mongo.uri)),
    );
    await connectMongo(mongoUri);
    onClose('mongodb connection', () => disconnectMongo());
    await ensureIndexes();
    checkpoint();

    let redis: RedisClient | undefined;
    if (config.redis.url) {
      // Loaded only when used: the Redis client and the sandbox are a good part of the process's memory otherwise.
      const { connectRedis } = await import('./db/redis.js');
      redis = await connectRedis(config.redis.url, (error) => logger.warn({ err: error }, 'Redis error'));
      onClose('redis', () => redis!.close());
      checkpoint();
    }

    if (config.zoom.useEmbeddedSandbox) {
      if (config.isProduction) throw new StartupError('Zoom credentials are required in production');
      const { startZoomSandbox } = await import('./zoom-sandbox/zoom-sandbox.js');
      const sandbox = await startZoomSandbox({
        port: config.zoom.sandbox.port,
        autoApprove: config.zoom.sandbox.autoApprove,
        logger: (line) => logger.debug({ sandbox: true }, line),
      }).catch((error: unknown) => {
        throw describeListenError(error, config.zoom.sandbox.port, 'ZOOM_SANDBOX_PORT');
      });
      onClose('zoom sandbox', () => sandbox.close());
      config.zoom.oauthBaseUrl = sandbox.oauthBaseUrl;
      config.zoom.apiBaseUrl = sandbox.apiBaseUrl;
      config.zoom.userManaged.clientId = 'sandbox-client-id';
      config.zoom.userManaged.clientSecret = 'sandbox-client-secret';
      config.zoom.s2s = {
        ...config.zoom.s2s,
        accountId: 'sandbox-account-id',
        clientId: 'sandbox-s2s-client-id',
        clientSecret: 'sandbox-s2s-client-secret',
      };
      config.zoom.webhookSecretToken ??= 'sandbox-webhook-secret';
      // Meeting events (host-side changes, echoes of ours) come to our webhook, as a real Zoom app's would.
      sandbox.configureWebhook({
        url: `${config.http.publicBaseUrl}/api/zoom/webhook`,
        secretToken: config.zoom.webhookSecretToken,
      });
      logger.warn(
        `No Zoom credentials configured: using the EMBEDDED ZOOM SANDBOX at ${sandbox.url} (not real Zoom). ` +
          'Set ZOOM_USER_MANAGED_CLIENT_ID/SECRET (or ZOOM_ACCOUNT_ID/ZOOM_CLIENT_ID/SECRET for s2s) to use Zoom.',
      );
      checkpoint();
    }

    const mailTransport = config.mail.smtpUrl
      ? createSmtpTransport(config.mail.smtpUrl)
      : createFileTransport(path.resolve(config.dataDir, 'outbox'));
    onClose('mail transport', async () => mailTransport.close?.());
    logger.info(`Mail goes to ${mailTransport.describe}`);
    const jobs = createMongoJobQueue({ clock: systemClock, logger, pollMs: config.jobs.processEveryMs });

    const container = createContainer({ config, logger, redis, jobs, mailTransport });
    const tokens = container.services.zoom.tokens;
    // Closed after the job queue (closers run last-registered first), before MongoDB: a refresh a job started still
    // gets its rotated token stored.
    onClose('zoom token requests', () => tokens.idle());
    const server = createServer(createApp(container));
    await listen(server, config.http.port, config.http.host, 'PORT');
    onClose('http server', () => new Promise((resolve) => server.close(resolve)));
    checkpoint();
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    await container.services.maintenance.ensureScheduled();
    await container.services.grantHealth.keepalive.ensureScheduled();
    await container.services.grantHealth.digest.ensureScheduled();
    await container.services.meetingReconcile.ensureScheduled();
    await container.services.calendarFeeds.ensureScheduled();
    await container.services.zoomBusy.ensureScheduled();
    await jobs.start();
    onClose('job queue', () => jobs.stop());
    checkpoint();
    logger.info(`Listening on http://${config.http.host}:${port} (docs: ${config.http.publicBaseUrl}/docs)`);

    let stopping: Promise<void> | undefined;
    stop = (signal: string) => (stopping ??= shutdown(signal));
    const shutdown = async (signal: string) => {
      const graceMs = config.http.shutdownGraceMs;
      const graceEnds = Date.now() + graceMs;
      logger.info({ signal }, 'Shutting down: no new connections, finishing in-flight requests');
      const lastResort = setTimeout(
        () => {
          logger.error(
            { pending: closers.map((c) => c.name) },
            'Shutdown took too long; exiting without waiting for the rest',
          );
          process.exit(1);
        },
        graceMs + CLOSERS_BUDGET_MS + LAST_RESORT_EXTRA_MS,
      );
      lastResort.unref();
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (!(await settlesWithin(httpClosed, graceMs))) {
        server.closeAllConnections();
        await settlesWithin(httpClosed, 1000);
      }
      // Zoom has rotated the refresh token of any refresh it received: wait for the answers and their store.
      if (tokens.inFlight() > 0) {
        logger.info({ inFlight: tokens.inFlight() }, 'Waiting for Zoom token requests in flight');
        if (!(await settlesWithin(tokens.idle(), Math.max(0, graceEnds - Date.now()))))
          logger.error({ inFlight: tokens.inFlight() }, 'Zoom token requests still running after the grace period');
      }
      const http = closers.findIndex((c) => c.name === 'http server');
      if (http >= 0) closers.splice(http, 1);
      const abandoned = await closeAll(closers, CLOSERS_BUDGET_MS, logger);
      clearTimeout(lastResort);
      if (abandoned.length > 0) {
        logger.error({ abandoned }, `Stopped, giving up on: ${abandoned.join(', ')}`);
        process.exitCode = 1;
      } else {
        logger.info('Stopped');
      }
    };
    return { server, container, stop };
  } catch (error) {
    // A failed start leaves nothing behind: no embedded database, no sandbox, no poller.
    const abandoned = await closeAll(closers, CLOSERS_BUDGET_MS, logger);
    if (abandoned.length > 0) logger.error({ abandoned }, `Start-up cleanup gave up on: ${abandoned.join(', ')}`);
    throw error;
  }
}

if (require.main === module) {
  start().catch((error: unknown) => {
    if (error instanceof StartupInterrupted) {
      process.stderr.write(`Stopped: ${error.message}\n`);
      process.exit(0);
    }
    if (error instanceof ConfigError || error instanceof StartupError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Start-up failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
