import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminPage } from './AdminPage';

// Only the network edge is replaced: the page, the API client and the error wording all run for real.
function serverAnswers(status: number, body: unknown) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (request: Request) => {
    const { pathname, search } = new URL(request.url);
    calls.push(`${pathname}${search}`);
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  });
  return calls;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('admin page', () => {
  it('when the server has no admin API yet, then both panels say so in words', async () => {
    serverAnswers(404, { error: { code: 'ROUTE_NOT_FOUND', message: 'No route GET /api/admin/zoom-connections' } });
    render(<AdminPage />);
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map((a) => a.textContent)).toEqual([
      'This server does not have the admin API for Zoom connections yet (it comes with the grant-health update).',
      'This server does not have the admin API for Zoom connections yet (it comes with the grant-health update).',
    ]);
  });

  it('when connections load, then the table shows each state and dates with the zone, filtered by the chosen state', async () => {
    const calls = serverAnswers(200, {
      items: [
        {
          specialistId: 's1', name: 'Sam', email: 'sam@example.com', state: 'needs_reauth', zoomEmail: 'sam@zoom.example',
          authorizedAt: '2026-11-01T10:00:00Z', lastUsedAt: null, lastRefreshedAt: '2026-12-01T10:00:00Z',
          accessTokenExpiresAt: '2026-12-01T11:00:00Z', refreshErrorCount: 2, lastRefreshError: 'Invalid Token!',
          lastRefreshErrorAt: '2026-12-01T10:00:00Z', pendingMeetings: 3,
        },
      ],
      counts: { connected: 4, needs_reauth: 1, revoked: 0, never: 2 },
      page: 1, pageSize: 25, total: 1,
    });
    render(<AdminPage />);
    const table = await screen.findByRole('region', { name: 'Zoom connections table' });
    expect(table.textContent).toContain('Needs reconnect');
    expect(table.textContent).toContain('sam@zoom.example');
    expect(table.textContent).toMatch(/\(UTC\)|\([A-Za-z_]+\/[A-Za-z_]+\)/);
    expect(screen.getByRole('combobox', { name: 'State' })).toBeTruthy();
    expect(screen.getByRole('option', { name: 'Needs reconnect (1)' })).toBeTruthy();
    expect(calls[0]).toBe('/api/admin/zoom-connections?page=1&pageSize=25');
  });
});
