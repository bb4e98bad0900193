import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import { UnauthenticatedError, ValidationError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { ZoomWebhookNotConfiguredError } from './zoom.errors';

const MAX_AGE_SECONDS = 5 * 60;

export interface WebhookRequest {
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer | undefined;
}

/**
 * Zoom webhooks (https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events): `x-zm-signature` is
 * `v0=` + hex HMAC-SHA256(secret, `v0:{x-zm-request-timestamp}:{raw body}`).
 */
export function createZoomWebhookService(deps: {
  secretToken: string | undefined;
  clock: Clock;
  logger: Logger;
  onDeauthorized(zoomUserId: string): Promise<unknown>;
  /** `meeting.deleted` / `meeting.updated` (payload.object): must be quick, the repair itself runs as a job. */
  onMeetingChanged?(event: string, object: Record<string, unknown>): Promise<unknown>;
}) {
  function verify(req: WebhookRequest): void {
    if (!deps.secretToken) throw new ZoomWebhookNotConfiguredError();
    const { signature, timestamp, rawBody } = req;
    if (!signature || !timestamp || !rawBody)
      throw new UnauthenticatedError('Missing Zoom signature', 'INVALID_SIGNATURE');
    const ts = Number(timestamp);
    // Zoom sends milliseconds in some events and seconds in others' docs; accept both.
    const tsSeconds = ts > 1e12 ? ts / 1000 : ts;
    if (!Number.isFinite(ts) || Math.abs(deps.clock.now().getTime() / 1000 - tsSeconds) > MAX_AGE_SECONDS) {
      throw new UnauthenticatedError('Stale or invalid Zoom request timestamp', 'INVALID_SIGNATURE');
    }
    const expected = `v0=${createHmac('sha256', deps.secretToken)
      .update(`v0:${timestamp}:${rawBody.toString('utf8')}`)
      .digest('hex')}`;
    const a = Buffer.from(expected);
    const b = Buffer.from(signature);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new UnauthenticatedError('Bad Zoom signature', 'INVALID_SIGNATURE');
    }
  }

  return {
    verify,
    async handle(body: { event: string; payload?: Record<string, unknown> }): Promise<Record<string, unknown>> {
      const payload = body.payload ?? {};
      switch (body.event) {
        case 'endpoint.url_validation': {
          const plainToken = payload.plainToken;
          if (typeof plainToken !== 'string' || !plainToken)
            throw new ValidationError('payload.plainToken is required');
          const encryptedToken = createHmac('sha256', deps.secretToken!).update(plainToken).digest('hex');
          return { plainToken, encryptedToken };
        }
        case 'app_deauthorized': {
          const zoomUserId = String(payload.user_id ?? '');
          if (zoomUserId) await deps.onDeauthorized(zoomUserId);
          return { received: true };
        }
        case 'meeting.deleted':
        case 'meeting.updated': {
          const object = payload.object;
          if (object && typeof object === 'object' && !Array.isArray(object))
            await deps.onMeetingChanged?.(body.event, object as Record<string, unknown>);
          return { received: true };
        }
        default:
          deps.logger.info({ event: body.event }, 'Ignoring Zoom webhook event');
          return { received: true };
      }
    },
  };
}

export type ZoomWebhookService = ReturnType<typeof createZoomWebhookService>;
