import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type RequestHandler } from 'express';
import { buildOpenApiDocument } from '../openapi/registry';

/**
 * /openapi.json is generated once, on first request, after every route has registered itself. Swagger UI (its
 * bundle is megabytes) is loaded on the first visit to /docs, not at start: most processes never serve it.
 */
export function createDocsRouter(registry: OpenAPIRegistry, serverUrl: string): Router {
  const router = Router();
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  const getDocument = () => (document ??= buildOpenApiDocument(registry, serverUrl));
  router.get('/openapi.json', (_req, res) => {
    res.json(getDocument());
  });
  let ui: Promise<{ serve: RequestHandler[]; page: RequestHandler }> | undefined;
  const loadUi = () =>
    (ui ??= import('swagger-ui-express').then(({ default: swaggerUi }) => ({
      serve: swaggerUi.serve,
      page: swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' }, customSiteTitle: 'API docs' }),
    })));
  const chain =
    (pick: (loaded: Awaited<ReturnType<typeof loadUi>>) => RequestHandler[]): RequestHandler =>
    (req, res, next) => {
      loadUi().then((loaded) => {
        const handlers = pick(loaded);
        const run = (i: number) => (error?: unknown) =>
          error || i >= handlers.length ? next(error) : handlers[i]!(req, res, run(i + 1));
        run(0)();
      }, next);
    };
  router.use(
    '/docs',
    chain((loaded) => loaded.serve),
  );
  router.get(
    '/docs',
    chain((loaded) => [loaded.page]),
  );
  return router;
}
