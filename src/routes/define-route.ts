import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { ZodObject, ZodType } from 'zod';
import { authenticate, type Access } from '../middlewares/authenticate';
import type { SessionCookieSettings } from '../middlewares/session-cookies';
import { validate } from '../middlewares/validate';
import { ErrorResponse } from '../schemas/common.schemas';
import type { AuthService } from '../services/auth/auth.service';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec {
  method: Method;
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  /**
   * 'token' once meant "check only the token; the service reads the account". Sessions live on the account, so
   * authentication always reads it now and hands it to the service on the principal; the flag is kept for callers.
   */
  accountRead?: 'token';
  description?: string;
  request?: { body?: ZodType; query?: ZodObject; params?: ZodObject; headers?: ZodObject };
  /** Success responses; error responses are added from the access rules and the request schemas. */
  responses: Record<number, { description: string; schema?: ZodType; headers?: ResponseConfig['headers'] }>;
  errors?: Record<number, string>;
  /** Runs after authentication and before validation (e.g. a webhook signature check). */
  before?: RequestHandler[];
  handler: (req: Request, res: Response) => unknown;
}

const errorContent = { 'application/json': { schema: ErrorResponse } };

/**
 * Mounts a route and documents it from the same zod schemas that validate it, so /openapi.json cannot drift
 * from what the API accepts.
 */
export function createRouteBuilder(registry: OpenAPIRegistry, auth: AuthService, cookies: SessionCookieSettings) {
  const router = Router();
  function route(spec: RouteSpec): void {
    const responses: Record<string, ResponseConfig> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[status] = {
        description: r.description,
        headers: r.headers,
        content: r.schema ? { 'application/json': { schema: r.schema } } : undefined,
      };
    }
    const errors: Record<number, string> = { ...spec.errors };
    if (spec.request) errors[400] ??= 'Malformed or invalid request';
    if (spec.access !== 'public') {
      errors[401] ??= 'Missing, invalid or expired bearer token';
      if (Array.isArray(spec.access)) errors[403] ??= `Requires role: ${spec.access.join(' or ')}`;
    }
    for (const [status, description] of Object.entries(errors)) {
      responses[status] ??= { description, content: errorContent };
    }
    registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, '{$1}'),
      summary: spec.summary,
      description: spec.description,
      tags: spec.tags,
      security: spec.access === 'public' ? undefined : [{ bearerAuth: [] }],
      request: {
        params: spec.request?.params,
        query: spec.request?.query,
        headers: spec.request?.headers,
        body: spec.request?.body
          ? { required: true, content: { 'application/json': { schema: spec.request.body } } }
          : undefined,
      },
      responses,
    });
    const chain: RequestHandler[] = [];
    if (spec.access !== 'public') chain.push(authenticate(auth, spec.access, cookies));
    chain.push(...(spec.before ?? []));
    if (spec.request) chain.push(validate(spec.request));
    chain.push(async (req, res) => {
      await spec.handler(req, res);
    });
    router[spec.method](spec.path, ...chain);
  }
  return { router, route };
}

export type RouteBuilder = ReturnType<typeof createRouteBuilder>;
export type DefineRoute = RouteBuilder['route'];
