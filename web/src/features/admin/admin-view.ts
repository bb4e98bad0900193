import { ApiError } from '../../lib/api';
import { describeError } from '../../lib/error-messages';
import type { ConnectionState } from '../../lib/api-types';

export const STATES: Array<{ value: ConnectionState | ''; label: string }> = [
  { value: '', label: 'All' },
  { value: 'connected', label: 'Connected' },
  { value: 'needs_reauth', label: 'Needs reconnect' },
  { value: 'revoked', label: 'Revoked' },
  { value: 'never', label: 'Never connected' },
];

export const stateLabel = (state: string) => STATES.find((s) => s.value === state)?.label ?? state;

/** The admin API arrives with the grant-health work: until a server has it, say so instead of a bare 404. */
export function adminLoadError(error: unknown): string {
  if (error instanceof ApiError && error.status === 404 && error.code === 'ROUTE_NOT_FOUND') {
    return 'This server does not have the admin API for Zoom connections yet (it comes with the grant-health update).';
  }
  if (error instanceof ApiError && error.status === 403) return 'Only admins can see this page.';
  return describeError(error);
}
