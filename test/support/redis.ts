import { spawnSync } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import { connectRedis, type RedisClient } from '../../src/db/redis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const required = process.env.REQUIRE_REDIS === '1';

/**
 * jest collects tests synchronously, so whether Redis answers is decided before describe() runs: a child process
 * sends PING and any RESP reply (+PONG, or -NOAUTH on a protected server) counts as reachable.
 */
function probe(url: string): boolean {
  const { hostname, port } = new URL(url);
  const script = `
    const s = require('node:net').connect(${Number(port) || 6379}, ${JSON.stringify(hostname.replace(/^\[|\]$/g, ''))});
    s.setTimeout(1500, () => process.exit(1));
    s.on('connect', () => s.write('PING\\r\\n'));
    s.on('data', (d) => process.exit(/^[+-]/.test(String(d)) ? 0 : 1));
    s.on('error', () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', script], { timeout: 3000 }).status === 0;
}

export const redisReachable = probe(TEST_REDIS_URL);

if (!redisReachable && !required) {
  console.warn(
    `Redis not reachable at ${TEST_REDIS_URL}: skipping Redis tests (set REQUIRE_REDIS=1 to make them fail instead)`,
  );
}

/**
 * describe() for tests against a real Redis: skipped when none answers, except under REQUIRE_REDIS=1 (CI) where they
 * fail.
 */
export const describeRedis: jest.Describe = redisReachable || required ? describe : describe.skip;

export async function connectTestRedis(url = TEST_REDIS_URL): Promise<RedisClient> {
  if (!redisReachable) throw new Error(`REQUIRE_REDIS=1 but Redis is not reachable at ${TEST_REDIS_URL}`);
  return connectRedis(url, () => {});
}

/** Deletes only the keys under `prefix` (never FLUSHALL: other test files share this Redis). */
export async function deleteKeys(redis: RedisClient, prefix: string): Promise<void> {
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) {
    if (keys.length > 0) await redis.del(keys);
  }
}

/**
 * A TCP proxy in front of the shared Redis. Stopping it is "Redis went away" for the clients behind it (their
 * sockets drop and reconnects are refused) without touching the server other test files use; start() brings it back.
 */
export async function startRedisProxy(target = TEST_REDIS_URL) {
  const upstream = new URL(target);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  function start(): Promise<void> {
    const s = net.createServer((client) => {
      const to = net.connect(Number(upstream.port) || 6379, upstream.hostname.replace(/^\[|\]$/g, ''));
      track(client);
      track(to);
      client.pipe(to).pipe(client);
      client.on('close', () => to.destroy());
      to.on('close', () => client.destroy());
    });
    server = s;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        resolve();
      });
    });
  }
  function stop(): Promise<void> {
    const s = server;
    server = undefined;
    if (!s) return Promise.resolve();
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    return closed;
  }
  await start();
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), start, stop };
}
