import type { ZoomStatus } from '../../lib/api-types';

/** What `/api/zoom/callback` puts in `?zoom=error&reason=…`, in words. */
const REASONS: Record<string, string> = {
  access_denied: 'You chose Deny on Zoom’s page, so Zoom is not connected. You can try again whenever you like.',
  invalid_state: 'That Zoom link expired or was already used. Please start again.',
  exchange_failed: 'Zoom did not accept the authorization. Please try again.',
  zoom_unavailable: 'Zoom is not answering right now. Please try again in a few minutes.',
  missing_code: 'Zoom sent you back without an authorization. Please try again.',
  wrong_browser:
    'Zoom was approved in a different browser from the one that asked, so nothing was connected. Please finish connecting in the browser where you pressed Connect Zoom, within 10 minutes, or press Connect Zoom again here.',
};

export function callbackErrorMessage(reason: string | null): string {
  return (reason && REASONS[reason]) || 'Connecting Zoom did not work. Please try again.';
}

export type ConnectionView = 'connected' | 'needs_reauth' | 'not_connected';

/** Which of the three states the profile shows. A grant Zoom no longer accepts needs the person, not a retry. */
export function connectionView(status: ZoomStatus): ConnectionView {
  if (status.needsReauth) return 'needs_reauth';
  return status.connected ? 'connected' : 'not_connected';
}

export const REAUTH_REASON =
  'Zoom no longer accepts this connection (it was removed in Zoom or has expired), so new bookings cannot get meetings until you reconnect.';

/** After a reconnect to a different Zoom account: how many upcoming meetings moved to it (null when none changed). */
export function accountChangeMessage(change: ZoomStatus['accountChange']): string | null {
  if (!change) return null;
  const meetings = (n: number) => `${n} upcoming meeting${n === 1 ? '' : 's'}`;
  const from = change.previousZoomEmail ? ` (previously ${change.previousZoomEmail})` : '';
  const moved =
    change.moved > 0
      ? `${meetings(change.moved)} moved to it, and both parties got an updated invitation with the new link.`
      : 'No upcoming meetings needed moving.';
  const still = change.finished ? '' : ' Moving is still in progress.';
  const left =
    change.orphaned > 0
      ? ` ${meetings(change.orphaned)} could not be removed from the previous account; the platform's admins were told.`
      : '';
  return `You connected a different Zoom account${from}. ${moved}${still}${left}`;
}
