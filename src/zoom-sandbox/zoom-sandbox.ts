import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { apiRoutes, meetingLinkRoutes } from './api.routes';
import { controlRoutes } from './control.routes';
import { faultMiddleware } from './faults';
import { hostDelete, hostUpdate } from './host-actions';
import { oauthAuthorizeRoutes } from './oauth-authorize.routes';
import { oauthTokenRoutes } from './oauth-token.routes';
import { apiJsonBodyParser, logRequests, oauthBodyParser, recordRequests, routeKeyOf } from './pipeline';
import { createSandboxState, type SandboxState } from './state';
import type { ZoomSandbox, ZoomSandboxOptions } from './types';

export type {
  HostMeetingUpdate,
  InjectedFault,
  RecordedRequest,
  SandboxClock,
  SandboxMeeting,
  SandboxUser,
  SandboxWebhookDelivery,
  ZoomSandbox,
  ZoomSandboxOptions,
} from './types';
export { createSandboxState, type SandboxState } from './state';
export { ROUTE_KEYS, type RouteKey } from './route-keys';

/**
 * A loopback HTTP server speaking Zoom's OAuth (https://zoom.us) and REST (https://api.zoom.us/v2) protocols,
 * for tests and as the default Zoom when no credentials are configured.
 */
export function createZoomSandboxApp(state: SandboxState): Express {
  const app = express();
  app.disable('x-powered-by');
  // A conditional GET must not hide the fresh start_url Zoom returns on every read.
  app.set('etag', false);
  app.use(logRequests(state));
  app.use('/_sandbox', controlRoutes(state));
  app.use(oauthBodyParser());
  app.use(apiJsonBodyParser());
  app.use(recordRequests(state));
  app.use(faultMiddleware(state, routeKeyOf));
  app.use(oauthAuthorizeRoutes(state));
  app.use(oauthTokenRoutes(state));
  app.use('/v2', apiRoutes(state));
  app.use(meetingLinkRoutes(state));
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ code: 404, message: 'Not Found' });
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    state.options.log(`error on ${req.method} ${req.path}: ${error instanceof Error ? error.stack : String(error)}`);
    if (!res.headersSent) res.status(500).json({ code: 500, message: 'Internal Server Error' });
  });
  return app;
}

export async function startZoomSandbox(options: ZoomSandboxOptions = {}): Promise<ZoomSandbox> {
  const state = createSandboxState(options);
  const server = createServer(createZoomSandboxApp(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(state.options.port, state.options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://${displayHost(state.options.host)}:${(server.address() as AddressInfo).port}`;
  state.setBaseUrl(url);
  let closing: Promise<void> | undefined;

  return {
    url,
    oauthBaseUrl: url,
    apiBaseUrl: `${url}/v2`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of state.timers) clearTimeout(timer);
        state.timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        // Hung and keep-alive connections would otherwise hold close() open.
        for (const res of state.hung) res.socket?.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
    calls: (route) => state.recorder.calls(route),
    requests: (route) => state.recorder.requests(route),
    resetCalls: () => state.recorder.reset(),
    inject: (fault) => state.faults.inject(fault),
    clearFaults: () => state.faults.clear(),
    meetings: () => structuredClone(state.meetings.all()),
    users: () => structuredClone(state.users.list()),
    ensureUser: (email) => structuredClone(state.users.ensure(email)),
    revokeUserGrants: (zoomUserId) => state.auth.revokeUser(zoomUserId),
    hostUpdateMeeting: (meetingId, update) => {
      const result = hostUpdate(state, meetingId, update);
      if (result.found && result.invalid) throw new RangeError(`invalid ${result.invalid}`);
      return result.found;
    },
    hostDeleteMeeting: (meetingId) => hostDelete(state, meetingId),
    configureWebhook: (patch) => void state.webhooks.configure(patch),
    webhookDeliveries: () => state.webhooks.deliveries(),
    webhooksSettled: () => state.webhooks.settled(),
  };
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
