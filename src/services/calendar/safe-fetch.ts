import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

const MAX_REDIRECTS = 3;

/** A refusal or failure to show the specialist; never carries the address itself (it is a secret). */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
}

export type Resolve = (hostname: string) => Promise<string[]>;

export interface FetchedFeed {
  status: 'ok' | 'not-modified';
  body?: string;
  etag?: string | null;
  lastModified?: string | null;
}

const systemResolve: Resolve = async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address);

/** Never fetched from: loopback, private, shared, link-local (cloud metadata), multicast and reserved addresses. */
const forbidden = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  forbidden.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  forbidden.addSubnet(net, bits, 'ipv6');
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** `::ffff:10.0.0.1` is 10.0.0.1. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}
export const isLoopback = (address: string) => {
  const a = normalise(address);
  return loopback.check(a.address, a.family);
};
const isForbidden = (address: string) => {
  const a = normalise(address);
  return forbidden.check(a.address, a.family);
};

/** `webcal://` (how calendars advertise subscriptions) is https. */
export function normaliseFeedUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim().replace(/^webcals?:\/\//i, 'https://'));
  } catch {
    throw new FeedFetchError('The address is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new FeedFetchError('The address must start with https://');
  return url;
}

/**
 * Fetches a calendar feed the way a server that fetches user-given URLs must: https only, the host resolved by us and
 * every address checked, the connection made to the checked address (no second lookup a DNS rebinding could change),
 * each redirect checked the same way (at most 3), one deadline for the whole fetch, and a size cap while reading.
 * `allowPrivate` (tests and development) lets loopback through, and plain http to loopback only.
 */
export function createFeedFetcher(options: {
  timeoutMs: number;
  maxBytes: number;
  allowPrivate: boolean;
  resolve?: Resolve;
  /** Extra trusted CA certificates (tests with a self-signed https server). */
  ca?: string | Buffer;
}) {
  const resolve = options.resolve ?? systemResolve;

  /** The lookup counts against the fetch's deadline too: a name server that never answers ends it on time. */
  function resolveBefore(hostname: string, deadline: AbortSignal): Promise<string[]> {
    const late = () => new FeedFetchError(`No answer within ${options.timeoutMs} ms`);
    if (deadline.aborted) return Promise.reject(late());
    return new Promise<string[]>((done, fail) => {
      const onAbort = () => fail(late());
      deadline.addEventListener('abort', onAbort, { once: true });
      resolve(hostname).then(
        (addresses) => {
          deadline.removeEventListener('abort', onAbort);
          done(addresses);
        },
        () => {
          deadline.removeEventListener('abort', onAbort);
          fail(new FeedFetchError(`The host ${hostname} could not be found`));
        },
      );
    });
  }

  async function checkedAddress(url: URL, deadline: AbortSignal): Promise<string> {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(hostname) ? [hostname] : await resolveBefore(hostname, deadline);
    if (addresses.length === 0) throw new FeedFetchError(`The host ${hostname} could not be found`);
    for (const address of addresses) {
      if (isForbidden(address) && !(options.allowPrivate && isLoopback(address)))
        throw new FeedFetchError(`The host ${hostname} is a private or local address, which is not allowed`);
    }
    const address = addresses[0]!;
    if (url.protocol !== 'https:' && !(options.allowPrivate && isLoopback(address)))
      throw new FeedFetchError('The address must start with https://');
    return address;
  }

  function get(url: URL, address: string, headers: Record<string, string>, deadline: AbortSignal) {
    return new Promise<http.IncomingMessage>((done, fail) => {
      const client = url.protocol === 'https:' ? https : http;
      const hostname = url.hostname.replace(/^\[|\]$/g, '');
      const req = client.request({
        host: address,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: {
          host: url.host,
          accept: 'text/calendar, */*;q=0.5',
          'user-agent': 'specialist-booking/1',
          ...headers,
        },
        servername: isIP(hostname) ? undefined : hostname,
        ca: options.ca,
        signal: deadline,
        agent: false, // a fresh connection per fetch: the address checked is the address connected
      });
      req.on('socket', (socket) =>
        socket.once('connect', () => {
          const remote = socket.remoteAddress ?? '';
          if (isForbidden(remote) && !(options.allowPrivate && isLoopback(remote)))
            req.destroy(new FeedFetchError('The connection went to a private or local address, which is not allowed'));
        }),
      );
      req.on('response', done);
      req.on('error', fail);
      req.end();
    });
  }

  async function readCapped(res: http.IncomingMessage): Promise<string> {
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      res.destroy();
      throw new FeedFetchError(`The calendar is larger than ${options.maxBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBytes) {
        res.destroy();
        throw new FeedFetchError(`The calendar is larger than ${options.maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  return {
    async fetch(raw: string, conditional: { etag?: string | null; lastModified?: string | null } = {}) {
      let url = normaliseFeedUrl(raw);
      const headers: Record<string, string> = { 'accept-encoding': 'identity' };
      if (conditional.etag) headers['if-none-match'] = conditional.etag;
      if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;
      const deadline = AbortSignal.timeout(options.timeoutMs);
      try {
        for (let redirects = 0; ; redirects += 1) {
          const address = await checkedAddress(url, deadline);
          const res = await get(url, address, headers, deadline);
          const status = res.statusCode ?? 0;
          if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
            res.resume();
            if (redirects >= MAX_REDIRECTS) throw new FeedFetchError(`More than ${MAX_REDIRECTS} redirects`);
            url = normaliseFeedUrl(new URL(res.headers.location, url).toString());
            continue;
          }
          if (status === 304) {
            res.resume();
            return { status: 'not-modified' } satisfies FetchedFeed;
          }
          if (status < 200 || status > 299) {
            res.resume();
            throw new FeedFetchError(`The calendar server answered HTTP ${status}`);
          }
          const body = await readCapped(res);
          const header = (name: string) => {
            const v = res.headers[name];
            return typeof v === 'string' ? v : null;
          };
          return {
            status: 'ok',
            body,
            etag: header('etag'),
            lastModified: header('last-modified'),
          } satisfies FetchedFeed;
        }
      } catch (error) {
        if (error instanceof FeedFetchError) throw error;
        if (deadline.aborted) throw new FeedFetchError(`No answer within ${options.timeoutMs} ms`);
        const code = (error as NodeJS.ErrnoException).code;
        throw new FeedFetchError(`The calendar could not be fetched (${code ?? (error as Error).message})`);
      }
    },
  };
}

export type FeedFetcher = ReturnType<typeof createFeedFetcher>;
