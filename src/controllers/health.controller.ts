import type { Request, Response } from 'express';
import type { HealthService } from '../services/health.service';

export function createHealthController(health: HealthService) {
  return {
    live(_req: Request, res: Response) {
      res.status(200).json({ status: 'ok' });
    },
    async ready(_req: Request, res: Response) {
      const readiness = await health.readiness();
      if (readiness.ready) {
        res.status(200).json({ status: 'ready', checks: readiness.checks });
        return;
      }
      const failing = Object.entries(readiness.checks)
        .filter(([, c]) => !c.ok)
        .map(([name]) => name);
      res.status(503).json({
        error: {
          code: 'NOT_READY',
          message: `Not ready: ${failing.join(', ')} unavailable`,
          details: readiness.checks,
        },
      });
    },
  };
}
