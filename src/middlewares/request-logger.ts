import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pinoHttp from 'pino-http';
import type { Logger } from '../lib/logger';

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;
/** A manage link's token is its credential, and it sits in the path (the API's and the web app's). */
const MANAGE_TOKEN = /^(\/(?:api\/)?manage\/)[^/]+/;
/** So is a bookings feed's (GET /api/calendar/<token>.ics). */
const CALENDAR_TOKEN = /^(\/api\/calendar\/)[^/]+/;

/** Every log line carries the request id; clients see it in X-Request-Id (theirs is kept when it is sane). */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Query strings can carry OAuth codes and signed links: log the path only.
    serializers: {
      req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0]!.replace(MANAGE_TOKEN, '$1[redacted]').replace(CALENDAR_TOKEN, '$1[redacted]'),
        userAgent: req.headers['user-agent'],
      }),
      // Response headers are not logged: Location can carry a Zoom start URL (zak), which starts meetings as host.
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
}
