import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { ServiceMetrics } from '../metrics/metrics';
import { instrumentZoomHttp } from '../metrics/zoom-http-metrics';
import { ZoomApiError } from './zoom.errors';

export interface ZoomHttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  data: unknown;
}

/**
 * The one place that sends bytes to Zoom. Never throws on HTTP status: callers interpret responses.
 * Network failures and time-outs become retryable ZoomApiErrors.
 */
export function createZoomHttp(timeoutMs: number, metrics?: Pick<ServiceMetrics, 'zoomCall'>) {
  const client: AxiosInstance = axios.create({
    timeout: timeoutMs,
    validateStatus: () => true,
    maxRedirects: 0,
    // Tokens travel only in headers; never let a proxy env var reroute them.
    proxy: false,
  });
  if (metrics) instrumentZoomHttp(client, metrics);
  return async function send(config: {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    url: string;
    headers?: Record<string, string>;
    data?: unknown;
  }): Promise<ZoomHttpResponse> {
    let response: AxiosResponse;
    try {
      response = await client.request({ ...config, responseType: 'json' });
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new ZoomApiError(`Zoom did not answer (${code ?? 'network error'})`, {
        zoomCode: code,
        retryable: true,
        cause: error,
      });
    }
    const headers: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(response.headers ?? {}))
      headers[key.toLowerCase()] = value == null ? undefined : String(value);
    return { status: response.status, headers, data: response.data };
  };
}

export type ZoomHttp = ReturnType<typeof createZoomHttp>;

/**
 * When to try again after a 429/503: Retry-After (seconds or an HTTP/ISO date); Zoom's daily meeting limit
 * resets at 00:00 UTC, so without a header a daily limit waits for the next UTC midnight.
 */
export function retryAtFrom(
  headers: Record<string, string | undefined>,
  now: Date,
  dailyLimit: boolean,
): Date | undefined {
  const header = headers['retry-after'];
  if (header) {
    if (/^\d+$/.test(header.trim())) return new Date(now.getTime() + Number(header) * 1000);
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return new Date(Math.max(at, now.getTime()));
  }
  if (dailyLimit) {
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    return midnight;
  }
  return undefined;
}
