import type { RequestHandler } from 'express';
import type { ZodType } from 'zod';
import { ValidationError } from '../lib/errors';

export interface RequestSchemas {
  body?: ZodType;
  query?: ZodType;
  params?: ZodType;
  headers?: ZodType;
}

/** Parses each part with its schema; the parsed values land on res.locals (Express 5's req.query is read-only). */
export function validate(schemas: RequestSchemas): RequestHandler {
  return (req, res, next) => {
    const issues: Array<{ in: string; path: PropertyKey[]; message: string; code: string }> = [];
    for (const part of ['params', 'query', 'body', 'headers'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const input = part === 'body' ? (req.body ?? {}) : { ...(req[part] as object) };
      const result = schema.safeParse(input);
      if (result.success) res.locals[part] = result.data;
      else
        issues.push(...result.error.issues.map((i) => ({ in: part, path: i.path, message: i.message, code: i.code })));
    }
    if (issues.length > 0) return next(new ValidationError('Request validation failed', issues));
    next();
  };
}
