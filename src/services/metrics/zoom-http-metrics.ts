import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import type { ServiceMetrics } from './metrics';

const STARTED = Symbol('zoomCallStarted');
type Timed = InternalAxiosRequestConfig & { [STARTED]?: number };

const secondsSince = (config: Timed | undefined) =>
  config?.[STARTED] === undefined ? 0 : (performance.now() - config[STARTED]) / 1000;

/** Counts and times every request the Zoom HTTP client sends (it resolves on any status; throws without one). */
export function instrumentZoomHttp(client: AxiosInstance, metrics: Pick<ServiceMetrics, 'zoomCall'>): void {
  client.interceptors.request.use((config: Timed) => {
    config[STARTED] = performance.now();
    return config;
  });
  client.interceptors.response.use(
    (response) => {
      const config = response.config as Timed;
      metrics.zoomCall({
        method: config.method ?? 'GET',
        url: config.url ?? '',
        status: response.status,
        seconds: secondsSince(config),
      });
      return response;
    },
    (error: { config?: Timed }) => {
      const config = error.config;
      metrics.zoomCall({
        method: config?.method ?? 'GET',
        url: config?.url ?? '',
        status: 'network_error',
        seconds: secondsSince(config),
      });
      return Promise.reject(error);
    },
  );
}
