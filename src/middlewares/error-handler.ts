import type { ErrorRequestHandler, RequestHandler } from 'express';
import mongoose from 'mongoose';
import { ZodError } from 'zod';
import { AppError, isDuplicateKeyError } from '../lib/errors';
import type { Logger } from '../lib/logger';

interface ErrorBody {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/** Body-parser and http-errors style errors carry `type`/`status`. */
function fromHttpError(error: { type?: string; status?: number; message?: string }): ErrorBody | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'MALFORMED_JSON', message: 'Request body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: error.message ?? 'Unsupported encoding' };
    case 'request.aborted':
      return { status: 400, code: 'REQUEST_ABORTED', message: 'Request aborted' };
  }
  if (error.status && error.status >= 400 && error.status < 500) {
    return { status: error.status, code: 'BAD_REQUEST', message: error.message ?? 'Bad request' };
  }
  return undefined;
}

/** The driver (or mongoose's command buffer) could not reach MongoDB: a dependency outage, not a bug. */
const MONGO_UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  // A request that was waiting for a connection when another one's network error cleared the pool.
  'PoolClearedOnNetworkError',
  'MongoPoolClosedError',
  // Mongoose's wrapper of the driver's server selection failure.
  'MongooseServerSelectionError',
]);
function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let e = error as { name?: string; message?: string; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth += 1
  ) {
    if (MONGO_UNREACHABLE.has(e.name ?? '')) return true;
    if (e.name === 'MongooseError' && /buffering timed out/.test(e.message ?? '')) return true;
  }
  return false;
}

export function toErrorBody(error: unknown): ErrorBody | undefined {
  if (isDatabaseUnavailable(error)) {
    return { status: 503, code: 'DATABASE_UNAVAILABLE', message: 'The database is unreachable; try again shortly' };
  }
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof ZodError) {
    return { status: 400, code: 'VALIDATION_FAILED', message: 'Request validation failed', details: error.issues };
  }
  if (error instanceof mongoose.Error.CastError) {
    return { status: 400, code: 'INVALID_ID', message: `Invalid value for ${error.path}` };
  }
  if (error instanceof mongoose.Error.ValidationError) {
    const details = Object.values(error.errors).map((e) => ({ path: e.path, message: e.message }));
    return { status: 400, code: 'VALIDATION_FAILED', message: 'Validation failed', details };
  }
  if (isDuplicateKeyError(error)) {
    return { status: 409, code: 'CONFLICT', message: 'A record with these values already exists' };
  }
  if (error && typeof error === 'object') return fromHttpError(error as { type?: string; status?: number });
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = toErrorBody(error);
    if (!known || known.status >= 500) {
      (req.log ?? logger).error({ err: error, reqId: req.id }, known ? known.message : 'Unhandled error');
    }
    const body = known ?? { status: 500, code: 'INTERNAL', message: 'Internal server error' };
    const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (body.status === 429 && retryAfter) res.setHeader('Retry-After', String(retryAfter));
    if (body.code === 'DATABASE_UNAVAILABLE') res.setHeader('Retry-After', '5');
    if (res.headersSent) return res.end();
    const { status, ...rest } = body;
    res.status(status).json({ error: rest.details === undefined ? { code: rest.code, message: rest.message } : rest });
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'ROUTE_NOT_FOUND', message: `No route for ${req.method} ${req.path}` } });
};

/** Bodies on our API are JSON; anything else is refused before it is parsed. */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    res.status(415).json({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as application/json' } });
    return;
  }
  next();
};
