import { z } from 'zod';

export const ConnectResponse = z
  .object({ authorizeUrl: z.url().meta({ description: "Send the specialist's browser here" }) })
  .meta({ id: 'ZoomConnectResponse' });

// The browser lands here: repeated or odd parameters must still end in a redirect, so take the first value.
const firstValue = z.preprocess((v) => {
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}, z.string().optional());

export const CallbackQuery = z
  .object({ code: firstValue, state: firstValue, error: firstValue, error_description: firstValue })
  .meta({ id: 'ZoomCallbackQuery' });

export const CallbackBody = z
  .strictObject({ code: z.string().min(1).max(2048), state: z.string().min(1).max(512) })
  .meta({ id: 'ZoomCallbackRequest' });

export const ConnectionStatus = z
  .object({
    connected: z.boolean(),
    zoomEmail: z.string().nullable(),
    zoomUserId: z.string().nullable(),
    authorizedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    needsReauth: z.boolean(),
    state: z.enum(['connected', 'needs_reauth', 'revoked', 'never']).meta({
      description:
        'connected; needs_reauth (Zoom refused the refresh token: reconnect); revoked (disconnected here or the ' +
        'app was removed in Zoom); never (not connected yet)',
    }),
    lastRefreshedAt: z.string().nullable(),
    accessTokenExpiresAt: z
      .string()
      .nullable()
      .meta({ description: 'When the current access token expires (not the token)' }),
    accountChange: z
      .object({
        at: z.string(),
        previousZoomEmail: z.string().nullable(),
        moved: z.number().int().meta({ description: 'Upcoming meetings moved to the new Zoom account' }),
        orphaned: z
          .number()
          .int()
          .meta({ description: 'Meetings left in the previous account that could not be deleted (admins see them)' }),
        finished: z.boolean(),
      })
      .nullable()
      .meta({ description: 'The last reconnect that brought a different Zoom account (null: never)' }),
  })
  .meta({ id: 'ZoomConnectionStatus' });

export const CallbackResult = z
  .object({
    connected: z.literal(true),
    zoomEmail: z.string(),
    zoomUserId: z.string(),
    moved: z.number().int().optional().meta({ description: 'Only after a reconnect to a different Zoom account' }),
  })
  .meta({ id: 'ZoomCallbackResult' });

export const WebhookBody = z
  .object({
    event: z.string().max(200),
    event_ts: z.number().optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'ZoomWebhookEvent' });

export const WebhookResponse = z
  .union([z.object({ plainToken: z.string(), encryptedToken: z.string() }), z.object({ received: z.literal(true) })])
  .meta({ id: 'ZoomWebhookResponse' });
