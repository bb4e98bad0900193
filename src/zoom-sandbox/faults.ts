import { STATUS_CODES } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { InjectedFault } from './types';

export const InjectedFaultSchema = z.object({
  route: z.string().min(1),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  retryAfter: z.string().optional(),
  /** Response headers to send with `status` (e.g. `X-RateLimit-Type`). */
  headers: z.record(z.string(), z.string()).optional(),
  delayMs: z.number().min(0).optional(),
  hang: z.boolean().optional(),
  // JSON has no Infinity: over HTTP, null, "Infinity" or a negative number mean "every request".
  times: z
    .custom<number | 'Infinity' | null>(
      (t) => t === null || t === 'Infinity' || (typeof t === 'number' && !Number.isNaN(t)),
    )
    .optional()
    .transform((t) => (t === null || t === 'Infinity' || (typeof t === 'number' && t < 0) ? Infinity : t)),
});

interface ActiveFault extends InjectedFault {
  remaining: number;
}

/** Faults waiting to be applied, first injected first matched; each is consumed `times` times. */
export class FaultRegistry {
  private faults: ActiveFault[] = [];

  inject(fault: InjectedFault): void {
    const parsed = InjectedFaultSchema.parse(fault);
    const remaining = parsed.times ?? 1;
    if (!(remaining > 0)) return;
    this.faults.push({ ...(parsed as InjectedFault), remaining });
  }

  clear(): void {
    this.faults = [];
  }

  take(routeKey: string): InjectedFault | undefined {
    const index = this.faults.findIndex((f) => f.route === '*' || f.route === routeKey);
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }
}

/**
 * What Zoom sends for a status when the fault gives no body: OAuth endpoints speak {reason,error}, the API
 * {code,message}.
 */
export function defaultFaultBody(routeKey: string, status: number): unknown {
  const oauth = routeKey.includes(' /oauth/');
  if (status === 429) {
    return oauth
      ? { reason: 'Too many requests', error: 'too_many_requests' }
      : { code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' };
  }
  if (status === 401) {
    return oauth
      ? { reason: 'Invalid client_id or client_secret', error: 'invalid_client' }
      : { code: 124, message: 'Invalid access token.' };
  }
  if (status === 400)
    return oauth ? { reason: 'Invalid request', error: 'invalid_request' } : { code: 300, message: 'Invalid request.' };
  const text = STATUS_CODES[status] ?? 'Error';
  return oauth
    ? { reason: text, error: status >= 500 ? 'server_error' : 'invalid_request' }
    : { code: status, message: text };
}

export interface FaultRuntime {
  faults: FaultRegistry;
  timers: Set<NodeJS.Timeout>;
  /** Responses deliberately left unanswered; close() destroys their sockets. */
  hung: Set<Response>;
}

/** Applies the first matching injected fault before authentication and handling. */
export function faultMiddleware(runtime: FaultRuntime, routeKeyOf: (res: Response) => string): RequestHandler {
  return (_req, res, next) => {
    const routeKey = routeKeyOf(res);
    const fault = runtime.faults.take(routeKey);
    if (!fault) return next();
    const act = () => {
      if (fault.hang) {
        runtime.hung.add(res);
        res.on('close', () => runtime.hung.delete(res));
        return;
      }
      if (fault.status === undefined) return next();
      if (fault.retryAfter !== undefined) res.set('Retry-After', fault.retryAfter);
      if (fault.headers) res.set(fault.headers);
      if (fault.status === 204 || fault.status === 304) return void res.status(fault.status).end();
      res.status(fault.status).json(fault.body === undefined ? defaultFaultBody(routeKey, fault.status) : fault.body);
    };
    if (!fault.delayMs || fault.hang) return act();
    const timer = setTimeout(() => {
      runtime.timers.delete(timer);
      // Like a slow real server, finish the work even if the client gave up waiting (it may retry blindly).
      act();
    }, fault.delayMs);
    runtime.timers.add(timer);
  };
}
