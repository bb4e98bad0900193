import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { buildOpenApiDocument } from '../openapi/registry';

/** /openapi.json is generated once, on first request, after every route has registered itself. */
export function createDocsRouter(registry: OpenAPIRegistry, serverUrl: string): Router {
  const router = Router();
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  const getDocument = () => (document ??= buildOpenApiDocument(registry, serverUrl));
  router.get('/openapi.json', (_req, res) => {
    res.json(getDocument());
  });
  router.use('/docs', swaggerUi.serve);
  router.get(
    '/docs',
    swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' }, customSiteTitle: 'API docs' }),
  );
  return router;
}
