import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const calendarFixture = (name: string) =>
  readFileSync(path.join(__dirname, '..', 'fixtures', 'calendars', name), 'utf8');

type Answer = { status: number; body?: string; headers?: Record<string, string> };

/**
 * A calendar host on loopback: each path answers what the test set (a fixture, an error, a redirect), and every
 * request's headers are kept so tests can see the conditional GETs. A set ETag is honoured with 304.
 */
export async function startFeedServer() {
  const answers = new Map<string, Answer>();
  const requests: Array<{ path: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    const a = answers.get(req.url ?? '') ?? { status: 404, body: 'not found' };
    const etag = a.headers?.etag;
    if (etag && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(a.status, { 'content-type': 'text/calendar', ...a.headers }).end(a.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    requests,
    serve(pathname: string, answer: Answer) {
      answers.set(pathname, answer);
      return `${base}${pathname}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type FeedServer = Awaited<ReturnType<typeof startFeedServer>>;
