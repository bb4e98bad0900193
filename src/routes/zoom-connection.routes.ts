import type { createZoomController } from '../controllers/zoom-connection.controller';
import {
  CallbackBody,
  CallbackQuery,
  CallbackResult,
  ConnectionStatus,
  ConnectResponse,
  WebhookBody,
  WebhookResponse,
} from '../schemas/zoom-connection.schemas';
import type { DefineRoute } from './define-route';

export function registerZoomRoutes(route: DefineRoute, controller: ReturnType<typeof createZoomController>) {
  const tags = ['Zoom connection'];
  route({
    method: 'get',
    path: '/api/zoom/connect',
    tags,
    summary: 'Start "Connect Zoom": returns the Zoom authorization URL (state + PKCE S256)',
    description:
      'Also sets the HttpOnly cookie `zoom_connect` (`__Host-zoom_connect` on https; SameSite=Lax, Path=/, ' +
      'Max-Age 600) holding a nonce whose hash is stored with the state: the GET callback completes only in the ' +
      'browser that holds it.',
    access: ['specialist'],
    responses: { 200: { description: 'Redirect the browser to authorizeUrl', schema: ConnectResponse } },
    handler: controller.connect,
  });
  route({
    method: 'get',
    path: '/api/zoom/callback',
    tags,
    summary: "Zoom's redirect target: stores the grant, then 302 to the frontend profile page",
    description:
      'Always answers 302: `${FRONTEND_URL}/specialist/profile?zoom=connected` (plus `&moved=<n>` when the ' +
      'reconnect brought a different Zoom account and n upcoming meetings moved to it), or `?zoom=error&reason=<code>` ' +
      '(access_denied, invalid_state, exchange_failed, zoom_unavailable, missing_code, wrong_browser). ' +
      'wrong_browser: the `zoom_connect` cookie of the browser that asked is missing or does not match; nothing is ' +
      'stored and the state stays usable for that browser.',
    access: 'public',
    request: { query: CallbackQuery },
    responses: { 302: { description: 'Redirect to the frontend with the outcome' } },
    handler: controller.callbackRedirect,
  });
  route({
    method: 'post',
    path: '/api/zoom/callback',
    tags,
    summary: 'Completes "Connect Zoom" for single-page apps whose redirect URI is a frontend route',
    access: ['specialist'],
    request: { body: CallbackBody },
    responses: { 200: { description: 'Connected', schema: CallbackResult } },
    errors: {
      400: 'Unknown, expired or replayed state, or Zoom refused the code',
      403: 'The state belongs to another specialist (ZOOM_STATE_NOT_YOURS); it is left as it was',
    },
    handler: controller.callbackJson,
  });
  route({
    method: 'get',
    path: '/api/zoom/status',
    tags,
    summary: "The specialist's Zoom connection (never a token)",
    access: ['specialist'],
    responses: { 200: { description: 'Connection status', schema: ConnectionStatus } },
    handler: controller.status,
  });
  route({
    method: 'delete',
    path: '/api/zoom/connection',
    tags,
    summary: 'Disconnect Zoom: revoke at Zoom (best effort) and wipe the stored tokens',
    access: ['specialist'],
    responses: { 204: { description: 'Disconnected (also when nothing was connected)' } },
    handler: controller.disconnect,
  });
  route({
    method: 'post',
    path: '/api/zoom/webhook',
    tags,
    summary:
      'Zoom webhook: endpoint.url_validation, app_deauthorized, meeting.deleted and meeting.updated ' +
      '(signed with x-zm-signature)',
    access: 'public',
    request: { body: WebhookBody },
    before: [controller.verifyWebhookSignature],
    responses: { 200: { description: 'Handled', schema: WebhookResponse } },
    errors: { 401: 'Missing, bad or stale signature' },
    handler: controller.webhook,
  });
}
