import type { ZoomStatus } from '../../lib/api-types';
import { describe, expect, it } from 'vitest';
import { accountChangeMessage, callbackErrorMessage, connectionView } from './zoom-messages';

const status: ZoomStatus = {
  connected: false, zoomEmail: null, zoomUserId: null, authorizedAt: null, lastUsedAt: null, needsReauth: false,
  state: 'never', lastRefreshedAt: null, accessTokenExpiresAt: null, accountChange: null,
};

describe('Zoom callback outcomes', () => {
  it('when Zoom sends back each documented reason, then each gets its own sentence', () => {
    const reasons = ['access_denied', 'invalid_state', 'exchange_failed', 'zoom_unavailable', 'missing_code', 'wrong_browser'];
    const sentences = reasons.map(callbackErrorMessage);
    expect(new Set(sentences).size).toBe(reasons.length);
    expect(callbackErrorMessage('access_denied')).toMatch(/Deny/);
    expect(callbackErrorMessage('invalid_state')).toMatch(/expired/);
  });

  it('when the approval came back to another browser, then it says to finish where Connect Zoom was pressed', () => {
    expect(callbackErrorMessage('wrong_browser')).toMatch(
      /different browser.*nothing was connected.*finish connecting in the browser where you pressed Connect Zoom/,
    );
  });

  it('when the reason is unknown or missing, then a general sentence is shown', () => {
    expect(callbackErrorMessage('weird')).toBe('Connecting Zoom did not work. Please try again.');
    expect(callbackErrorMessage(null)).toBe('Connecting Zoom did not work. Please try again.');
  });

  it('when the grant needs re-authorization, then that wins over "connected"', () => {
    expect(connectionView({ ...status, connected: true, needsReauth: true })).toBe('needs_reauth');
    expect(connectionView({ ...status, connected: true })).toBe('connected');
    expect(connectionView(status)).toBe('not_connected');
  });
});

describe('a reconnect to a different Zoom account', () => {
  it('when meetings moved, then the profile says how many and where from; nothing when the account did not change', () => {
    const change = { at: '2026-12-01T10:00:00Z', previousZoomEmail: 'old@zoom.example', moved: 3, orphaned: 0, finished: true };
    expect(accountChangeMessage(change)).toBe(
      'You connected a different Zoom account (previously old@zoom.example). 3 upcoming meetings moved to it, and both parties got an updated invitation with the new link.',
    );
    expect(accountChangeMessage({ ...change, moved: 1, orphaned: 1, finished: false })).toMatch(
      /1 upcoming meeting moved to it.*Moving is still in progress\. 1 upcoming meeting could not be removed/,
    );
    expect(accountChangeMessage(null)).toBeNull();
  });
});
