import { z } from 'zod';
import { REFRESH_OUTCOMES, REFRESH_TRIGGERS } from '../models/refresh-event.model';
import { ObjectId } from './common.schemas';

export const CONNECTION_STATES = ['connected', 'needs_reauth', 'revoked', 'never'] as const;
const ConnectionStateSchema = z.enum(CONNECTION_STATES).meta({
  description:
    'connected; needs_reauth (Zoom refused the refresh token: the grant is dead); revoked (disconnected by the ' +
    'specialist or app_deauthorized at Zoom); never (no grant at all)',
});

const page = z.coerce.number().int().min(1).max(10_000).default(1).meta({ description: 'From 1 (default 1)' });
const pageSize = z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Default 50, at most 200' });
const instant = z.string().nullable().meta({ description: 'ISO 8601 instant (UTC)' });

export const ZoomConnectionsQuery = z
  .strictObject({ state: ConnectionStateSchema.optional(), page, pageSize })
  .meta({ id: 'ZoomConnectionsQuery' });

export const ZoomConnectionRow = z
  .object({
    specialistId: z.string(),
    name: z.string(),
    email: z.string(),
    state: ConnectionStateSchema,
    zoomEmail: z.string().nullable(),
    authorizedAt: instant,
    lastUsedAt: instant,
    lastRefreshedAt: instant,
    accessTokenExpiresAt: instant,
    refreshErrorCount: z.number().int(),
    lastRefreshError: z.string().nullable(),
    lastRefreshErrorAt: instant,
    pendingMeetings: z
      .number()
      .int()
      .meta({ description: 'Upcoming confirmed bookings still waiting for their Zoom meeting' }),
    reauthReason: z
      .enum(['lost_response', 'revoked', 'invalid_grant'])
      .nullable()
      .meta({ description: "needs_reauth only: lost_response (we lost Zoom's answer), revoked, invalid_grant" }),
    grantAgeSeconds: z.number().nullable().meta({ description: 'needs_reauth only: authorization to refusal' }),
    sinceLastRefreshSeconds: z
      .number()
      .nullable()
      .meta({ description: 'needs_reauth only: last successful refresh to refusal' }),
  })
  .meta({ id: 'ZoomConnectionRow' });

export const ZoomConnectionPage = z
  .object({
    items: z.array(ZoomConnectionRow),
    counts: z.object({
      connected: z.number().int(),
      needs_reauth: z.number().int(),
      revoked: z.number().int(),
      never: z.number().int(),
    }),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'ZoomConnectionPage' });

export const RefreshEventsQuery = z
  .strictObject({
    specialistId: ObjectId.optional(),
    outcome: z.enum(REFRESH_OUTCOMES).optional(),
    trigger: z.enum(REFRESH_TRIGGERS).optional(),
    page,
    pageSize,
  })
  .meta({ id: 'RefreshEventsQuery' });

export const RefreshEvent = z
  .object({
    at: z.string().meta({ description: 'When the call to Zoom started (ISO 8601, UTC)' }),
    specialistId: z.string(),
    trigger: z.enum(REFRESH_TRIGGERS).meta({
      description: 'request (a caller needed a fresh token), rejected_token (Zoom answered 401), keepalive',
    }),
    outcome: z.enum(REFRESH_OUTCOMES),
    durationMs: z.number().int(),
    error: z.string().nullable().meta({ description: "Zoom's reason (never a token)" }),
    grantAgeSeconds: z.number().nullable().meta({ description: "invalid_grant only: the grant's age" }),
    sinceLastRefreshSeconds: z
      .number()
      .nullable()
      .meta({ description: 'invalid_grant only: time since its last successful refresh' }),
  })
  .meta({ id: 'RefreshEvent' });

export const RefreshEventPage = z
  .object({ items: z.array(RefreshEvent), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() })
  .meta({ id: 'RefreshEventPage' });

export type ZoomConnectionsQuery = z.infer<typeof ZoomConnectionsQuery>;
export type RefreshEventsQuery = z.infer<typeof RefreshEventsQuery>;
