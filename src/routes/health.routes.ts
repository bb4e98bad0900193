import { z } from 'zod';
import type { createHealthController } from '../controllers/health.controller';
import type { DefineRoute } from './define-route';

const Check = z.object({ ok: z.boolean(), error: z.string().optional() });

export function registerHealthRoutes(route: DefineRoute, controller: ReturnType<typeof createHealthController>) {
  route({
    method: 'get',
    path: '/healthz',
    tags: ['Health'],
    summary: 'Liveness: the process is up',
    access: 'public',
    responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
    handler: controller.live,
  });
  route({
    method: 'get',
    path: '/readyz',
    tags: ['Health'],
    summary: 'Readiness: MongoDB answers (and Redis, when configured)',
    access: 'public',
    responses: {
      200: {
        description: 'Ready',
        schema: z.object({ status: z.literal('ready'), checks: z.record(z.string(), Check) }),
      },
    },
    errors: { 503: 'A dependency is down; `details` names it' },
    handler: controller.ready,
  });
}
