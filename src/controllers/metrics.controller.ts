import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { UnauthenticatedError } from '../lib/errors';
import type { Metrics } from '../services/metrics/metrics.service';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** GET /metrics: 401 without the bearer token when one is set. */
export function createMetricsController(deps: { metrics: Pick<Metrics, 'exposition'>; token?: string }) {
  const expected = deps.token ? digest(deps.token) : undefined;
  return {
    async scrape(req: Request, res: Response) {
      if (expected) {
        const match = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
        // Compared as digests: equal length, constant time, whatever was sent.
        if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
          res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
          throw new UnauthenticatedError('A valid METRICS_TOKEN bearer token is required');
        }
      }
      const { contentType, body } = await deps.metrics.exposition();
      res.setHeader('Cache-Control', 'no-store');
      res.type(contentType).send(body);
    },
  };
}
