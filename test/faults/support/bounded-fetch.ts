/**
 * Every fetch a scenario makes without a signal of its own gets one: a call to a server that stopped answering
 * fails, naming its URL, instead of holding the suite until jest's own limit.
 */
const unbounded = globalThis.fetch;
const LIMIT_MS = 60_000;

globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
  unbounded(input, init?.signal ? init : { ...init, signal: AbortSignal.timeout(LIMIT_MS) }).catch((error: Error) => {
    if (error.name !== 'TimeoutError') throw error;
    const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
    throw new Error(`faults: ${init?.method ?? 'GET'} ${url} got no answer within ${LIMIT_MS / 1000} s`, {
      cause: error,
    });
  });
