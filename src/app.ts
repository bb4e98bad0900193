import express, { type Express } from 'express';
import type { Container } from './container';
import { applySecurity } from './http/security';
import { serveWebApp } from './http/web-app';
import { createMetricsController } from './controllers/metrics.controller';
import { httpMetrics } from './middlewares/http-metrics';
import { createMetricsRouter } from './routes/metrics.routes';
import { errorHandler, notFoundHandler, requireJsonBody } from './middlewares/error-handler';
import { requestLogger } from './middlewares/request-logger';
import { createDocsRouter } from './routes/docs.routes';
import { mountRoutes } from './routes';

/** Builds the HTTP app from its dependencies. Never listens: server.ts and the tests do that. */
export function createApp(container: Container): Express {
  const { config, logger } = container;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.use(requestLogger(logger));
  const { metrics } = container.services;
  if (metrics) app.use(httpMetrics(metrics));
  applySecurity(app, { frontendUrl: config.frontendUrl, publicBaseUrl: config.http.publicBaseUrl });
  app.use('/api', requireJsonBody);
  // Webhook signatures cover the exact bytes Zoom sent: keep them raw; the route parses JSON after checking them.
  app.use('/api/zoom/webhook', express.raw({ type: () => true, limit: config.http.bodyLimit }));
  app.use(express.json({ limit: config.http.bodyLimit }));
  app.use(createMetricsRouter(metrics && createMetricsController({ metrics, token: config.metrics.token })));
  const registry = mountRoutes(app, container);
  app.use(createDocsRouter(registry, config.http.publicBaseUrl));
  serveWebApp(app, config.http.webDistDir);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
