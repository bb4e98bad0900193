import type { Express } from 'express';
import type { Container } from '../container';
import { createAuthController } from '../controllers/auth.controller';
import { createHealthController } from '../controllers/health.controller';
import { createZoomController } from '../controllers/zoom.controller';
import { createOpenApiRegistry } from '../openapi/registry';
import { registerAuthRoutes } from './auth.routes';
import { createRouteBuilder } from './define-route';
import { registerHealthRoutes } from './health.routes';
import { registerZoomRoutes } from './zoom.routes';

/** Every route of the service, each documented in the returned OpenAPI registry. */
export function mountRoutes(app: Express, c: Container) {
  const registry = createOpenApiRegistry();
  const { router, route } = createRouteBuilder(registry, c.services.auth);
  registerHealthRoutes(route, createHealthController(c.services.health));
  registerAuthRoutes(route, createAuthController(c.services.auth, c.services.users));
  registerZoomRoutes(
    route,
    createZoomController({
      connection: c.services.zoom.connection,
      webhook: c.services.zoom.webhook,
      frontendUrl: c.config.frontendUrl,
    }),
  );
  app.use(router);
  return registry;
}
