import { ZoomTokenRejectedError } from './zoom.errors';

/**
 * What both Zoom token services share, whatever stores their tokens (a MongoDB lease for user grants, a Redis lock
 * for the S2S token): one lookup in flight per key within a process, and "a rejected token forces one refresh and
 * one retry". `obtain(key, rejected)` must return a token other than `rejected` when one is given.
 */
export function createTokenClient<Hint = never>(options: {
  /** `hint`: what the caller already read about the key (e.g. the stored grant), to save reading it again. */
  obtain(key: string, rejected?: string, hint?: Hint): Promise<string>;
  /** Called once per rejection, before the refresh (e.g. to log it). */
  onRejected?(key: string): void;
}) {
  const inFlight = new Map<string, Promise<string>>();

  function getAccessToken(key: string, rejected?: string, hint?: Hint): Promise<string> {
    const flightKey = `${key}:${rejected ?? ''}`;
    const existing = inFlight.get(flightKey);
    if (existing) return existing;
    const promise = options.obtain(key, rejected, hint).finally(() => inFlight.delete(flightKey));
    inFlight.set(flightKey, promise);
    return promise;
  }

  async function withToken<T>(key: string, call: (token: string) => Promise<T>, hint?: Hint): Promise<T> {
    const token = await getAccessToken(key, undefined, hint);
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof ZoomTokenRejectedError)) throw error;
      options.onRejected?.(key);
      return call(await getAccessToken(key, token));
    }
  }

  return { getAccessToken, withToken };
}
