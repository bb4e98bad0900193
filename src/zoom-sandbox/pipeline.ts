import express, { type Request, type RequestHandler, type Response } from 'express';
import { routeKeyFor } from './route-keys';
import type { SandboxState } from './state';

/** Request plumbing shared by every counted route: body parsing, route keys, recording, logging. */

export function flatQuery(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
  }
  return out;
}

export function routeKeyOf(res: Response): string {
  return String(res.locals.routeKey);
}

/** True when a JSON endpoint received something that is not a JSON object. */
export function hasBodyError(res: Response): boolean {
  return res.locals.bodyError === true;
}

/** OAuth endpoints take form bodies; a parse failure is remembered instead of answered, so faults still apply. */
export function oauthBodyParser(): RequestHandler {
  const parse = express.urlencoded({ extended: false, limit: '100kb' });
  return (req, res, next) => {
    if (!req.path.startsWith('/oauth/')) return next();
    parse(req, res, (error?: unknown) => {
      if (error) res.locals.bodyError = true;
      next();
    });
  };
}

/**
 * Zoom's REST API answers 400 code 300 for bodies that are not a JSON object, whatever the Content-Type
 * problem, so the raw text is read and parsed here rather than by express.json().
 */
export function apiJsonBodyParser(): RequestHandler {
  const readText = express.text({ type: () => true, limit: '1mb' });
  return (req, res, next) => {
    if (!req.path.startsWith('/v2/')) return next();
    readText(req, res, (error?: unknown) => {
      if (error) {
        res.locals.bodyError = true;
        return next();
      }
      const text: unknown = req.body;
      if (typeof text !== 'string' || text.length === 0) {
        req.body = undefined;
        return next();
      }
      const contentType = req.get('content-type');
      try {
        const parsed: unknown = JSON.parse(text);
        const jsonType = !contentType || /[/+]json\b/i.test(contentType);
        if (jsonType && parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) req.body = parsed;
        else res.locals.bodyError = true;
      } catch {
        res.locals.bodyError = true;
      }
      next();
    });
  };
}

export function recordRequests(state: SandboxState): RequestHandler {
  return (req, res, next) => {
    const routeKey = routeKeyFor(req.method, req.path);
    res.locals.routeKey = routeKey;
    state.recorder.record(routeKey, {
      method: req.method,
      path: req.path,
      query: flatQuery(req),
      headers: { ...req.headers },
      body: req.body,
      at: state.now(),
    });
    next();
  };
}

export function logRequests(state: SandboxState): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    // Captured now: routers rewrite req.url while they run.
    const line = `${req.method} ${req.path}`;
    res.on('finish', () => state.options.log(`${line} -> ${res.statusCode} (${Date.now() - started}ms)`));
    next();
  };
}
