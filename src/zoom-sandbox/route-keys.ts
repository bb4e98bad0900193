/**
 * The Express route patterns the sandbox serves. Call counters and injected faults use `METHOD pattern` keys,
 * resolved before routing so a fault can pre-empt authentication and handling.
 */
export const ROUTE_KEYS = [
  'GET /oauth/authorize',
  'POST /oauth/authorize/decision',
  'POST /oauth/token',
  'POST /oauth/revoke',
  // Listed before '/v2/users/:userId' so that 'me' is counted under its own key, as Express routes it.
  'GET /v2/users/me',
  'GET /v2/users',
  'GET /v2/users/:userId',
  'POST /v2/users/:userId/meetings',
  'GET /v2/users/:userId/meetings',
  'GET /v2/meetings/:meetingId',
  'PATCH /v2/meetings/:meetingId',
  'DELETE /v2/meetings/:meetingId',
  'GET /j/:meetingId',
  'GET /s/:meetingId',
] as const;

export type RouteKey = (typeof ROUTE_KEYS)[number];

const compiled = ROUTE_KEYS.map((key) => {
  const [method, pattern] = key.split(' ') as [string, string];
  return { key, method, segments: pattern.split('/').filter(Boolean) };
});

/** The route key for a request, or `METHOD path` when no route matches (still counted). */
export function routeKeyFor(method: string, path: string): string {
  const upper = method.toUpperCase();
  const segments = path.split('/').filter(Boolean);
  const lookup = upper === 'HEAD' ? 'GET' : upper;
  for (const route of compiled) {
    if (route.method !== lookup || route.segments.length !== segments.length) continue;
    const matches = route.segments.every(
      (part, i) => part.startsWith(':') || part.toLowerCase() === segments[i]?.toLowerCase(),
    );
    if (matches) return route.key;
  }
  return `${upper} ${path}`;
}
