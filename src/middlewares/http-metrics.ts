import type { RequestHandler } from 'express';
import type { Metrics } from '../services/metrics/metrics.service';

/**
 * Times every request into `http_request_duration_seconds` by its route pattern (`/api/bookings/:id`), never the raw
 * path: requests no route matched are `static` (the web app, the docs) or `unmatched` (404s), so ids and probing
 * URLs cannot grow the label set.
 */
export function httpMetrics(metrics: Pick<Metrics, 'httpRequest'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route =
        typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : res.statusCode === 404 ? 'unmatched' : 'static';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequest({ method: req.method, route, status: res.statusCode }, seconds);
    });
    next();
  };
}
