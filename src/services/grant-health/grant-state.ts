import type { UserOAuthTokenRecord } from '../../models/user-oauth-token.model';

export const CONNECTION_STATES = ['connected', 'needs_reauth', 'revoked', 'never'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

type GrantFields = Pick<UserOAuthTokenRecord, 'isActive' | 'isRevoked' | 'needsReauth' | 'zoomRefreshToken'>;

/**
 * The one definition of a specialist's connection state: `revoked` when the specialist disconnected or removed the
 * app in Zoom (app_deauthorized), `needs_reauth` when Zoom refused the refresh token (the grant is dead), `never`
 * without any grant. STATE_FILTERS below must say the same thing as a MongoDB filter.
 */
export function connectionState(grant: GrantFields | null | undefined): ConnectionState {
  if (!grant) return 'never';
  if (grant.isRevoked || !grant.isActive || !grant.zoomRefreshToken) return 'revoked';
  return grant.needsReauth ? 'needs_reauth' : 'connected';
}

export const STATE_FILTERS: Record<Exclude<ConnectionState, 'never'>, Record<string, unknown>> = {
  connected: { isRevoked: false, isActive: true, needsReauth: false, zoomRefreshToken: { $ne: null } },
  needs_reauth: { isRevoked: false, isActive: true, needsReauth: true, zoomRefreshToken: { $ne: null } },
  revoked: { $or: [{ isRevoked: true }, { isActive: false }, { zoomRefreshToken: null }] },
};
