import type { createAdminController } from '../controllers/admin.controller';
import {
  RefreshEventPage,
  RefreshEventsQuery,
  ZoomConnectionPage,
  ZoomConnectionsQuery,
} from '../schemas/admin.schemas';
import type { DefineRoute } from './define-route';

export function registerAdminRoutes(route: DefineRoute, controller: ReturnType<typeof createAdminController>) {
  const tags = ['Grant health (admin)'];
  route({
    method: 'get',
    path: '/api/admin/zoom-connections',
    tags,
    summary: "Every specialist's Zoom connection: state, token times, refresh errors, meetings still waiting",
    description: 'Sorted by specialist name. `counts` covers all specialists whatever the `state` filter.',
    access: ['admin'],
    request: { query: ZoomConnectionsQuery },
    responses: { 200: { description: 'One page of connections', schema: ZoomConnectionPage } },
    handler: controller.zoomConnections,
  });
  route({
    method: 'get',
    path: '/api/admin/refresh-events',
    tags,
    summary: "The log of calls to Zoom's token endpoint for user grants, newest first",
    description: 'Kept for ZOOM_REFRESH_LOG_DAYS (default 30).',
    access: ['admin'],
    request: { query: RefreshEventsQuery },
    responses: { 200: { description: 'One page of the log', schema: RefreshEventPage } },
    handler: controller.refreshEvents,
  });
}
