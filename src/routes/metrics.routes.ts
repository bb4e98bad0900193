import { Router } from 'express';
import type { createMetricsController } from '../controllers/metrics.controller';
import { notFoundHandler } from '../middlewares/error-handler';

/**
 * GET /metrics for Prometheus, outside /api and the OpenAPI document. Always mounted, ahead of the web app, so with
 * metrics off (no controller) the path is the same JSON 404 as any unknown path, never the web app's page.
 */
export function createMetricsRouter(controller: ReturnType<typeof createMetricsController> | undefined): Router {
  const router = Router();
  router.get('/metrics', controller ? controller.scrape : notFoundHandler);
  return router;
}
