import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { ZoomSandbox } from '../../src/zoom-sandbox/zoom-sandbox';

/** The app listening on loopback with the sandbox posting its meeting events to our webhook, signed with our secret. */
export async function listenForZoomEvents(app: Express, sandbox: ZoomSandbox, secretToken = 'test-webhook-secret') {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/zoom/webhook`;
  sandbox.configureWebhook({ url, secretToken, dropEvents: false });
  return {
    url,
    close: async () => {
      sandbox.configureWebhook({ url: 'http://127.0.0.1:9/none', dropEvents: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
