/** A small keep-alive HTTP client for the bench (node:http, so the moment a response arrives is exact). */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of several shapes
  location?: string;
  /** Set-Cookie lines (the connect's browser binding). */
  setCookie?: string[];
  ms: number;
}

export function createClient(baseUrl: string, maxSockets = 64) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const url = new URL(baseUrl);
  return {
    /** `onResponse` runs the moment the response head arrives (before the body is read). */
    request(
      method: string,
      pathname: string,
      options: { token?: string; body?: unknown; cookie?: string; onResponse?: () => void } = {},
    ): Promise<Reply> {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method,
            path: pathname,
            headers: {
              ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
              ...(options.cookie ? { cookie: options.cookie } : {}),
              ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            },
          },
          (res) => {
            options.onResponse?.();
            const ms = performance.now() - started;
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString();
              let body: unknown = text;
              if (res.headers['content-type']?.includes('json') && text) body = JSON.parse(text);
              resolve({
                status: res.statusCode!,
                body,
                location: res.headers.location,
                setCookie: res.headers['set-cookie'],
                ms,
              });
            });
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

export type Client = ReturnType<typeof createClient>;

/** Runs `tasks` with at most `concurrency` in flight; returns each task's latency and the wall time. */
export async function runConcurrently(
  tasks: Array<() => Promise<Reply>>,
  concurrency: number,
): Promise<{ latencies: number[]; wallMs: number; failures: Reply[] }> {
  const latencies: number[] = [];
  const failures: Reply[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tasks.length) {
        const reply = await tasks[next++]!();
        if (reply.status >= 300) failures.push(reply);
        else latencies.push(reply.ms);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - started, failures };
}

export const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
};
