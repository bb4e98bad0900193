import type { ZoomStatus } from '../../lib/api-types';
import { describe, expect, it } from 'vitest';
import { callbackErrorMessage, connectionView } from './zoom-messages';

const status: ZoomStatus = {
  connected: false, zoomEmail: null, zoomUserId: null, authorizedAt: null, lastUsedAt: null, needsReauth: false,
  state: 'never', lastRefreshedAt: null, accessTokenExpiresAt: null, accountChange: null,
};

describe('Zoom callback outcomes', () => {
  it('when Zoom sends back each documented reason, then each gets its own sentence', () => {
    const reasons = ['access_denied', 'invalid_state', 'exchange_failed', 'zoom_unavailable', 'missing_code'];
    const sentences = reasons.map(callbackErrorMessage);
    expect(new Set(sentences).size).toBe(reasons.length);
    expect(callbackErrorMessage('access_denied')).toMatch(/Deny/);
    expect(callbackErrorMessage('invalid_state')).toMatch(/expired/);
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
