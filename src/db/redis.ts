import { createClient } from 'redis';

function makeClient(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
  });
}

export type RedisClient = ReturnType<typeof makeClient>;

/**
 * One node-redis client. It reconnects on its own; commands fail fast while it is down
 * (no offline queue) so requests get a clear 503 instead of hanging.
 */
export async function connectRedis(url: string, onError: (error: Error) => void): Promise<RedisClient> {
  const client = makeClient(url);
  client.on('error', onError);
  await client.connect();
  return client;
}
