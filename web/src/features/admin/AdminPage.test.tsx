import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminPage } from './AdminPage';

// Only the network edge is replaced: the page, the API client and the error wording all run for real.
function serverAnswers(status: number, body: unknown, byPath: Record<string, unknown> = {}) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (request: Request) => {
    const { pathname, search } = new URL(request.url);
    calls.push(`${pathname}${search}`);
    const answer = pathname in byPath ? byPath[pathname] : body;
    return new Response(JSON.stringify(answer), {
      status: pathname in byPath ? 200 : status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  return calls;
}

const NO_MEETINGS = {
  items: [],
  counts: { pending: 0, failed: 0, waiting_for_quota: 0, orphaned: 0, repaired: 0 },
  page: 1, pageSize: 25, total: 0,
};

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('admin page', () => {
  it('when the server has no admin API yet, then every panel says so in words', async () => {
    serverAnswers(404, { error: { code: 'ROUTE_NOT_FOUND', message: 'No route GET /api/admin/zoom-connections' } });
    render(<AdminPage />);
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map((a) => a.textContent)).toEqual([
      'This server does not have the admin API for Zoom connections yet (it comes with the grant-health update).',
      'This server does not have the admin API for meetings yet (it comes with the meeting-integrity update).',
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
          reauthReason: 'lost_response', grantAgeSeconds: 30 * 86_400 + 3_600, sinceLastRefreshSeconds: 3_600,
        },
      ],
      counts: { connected: 4, needs_reauth: 1, revoked: 0, never: 2 },
      page: 1, pageSize: 25, total: 1,
    }, { '/api/admin/meetings': NO_MEETINGS });
    render(<AdminPage />);
    const table = await screen.findByRole('region', { name: 'Zoom connections table' });
    expect(table.textContent).toContain('Needs reconnect');
    expect(table.textContent).toContain('sam@zoom.example');
    expect(table.textContent).toContain("Lost by the platform (Zoom's answer to a refresh never arrived)");
    expect(table.textContent).toContain('Grant lived 30 d 1 h, 1 h after its last refresh');
    expect(table.textContent).toMatch(/\(UTC\)|\([A-Za-z_]+\/[A-Za-z_]+\)/);
    expect(screen.getByRole('combobox', { name: 'State' })).toBeTruthy();
    expect(screen.getByRole('option', { name: 'Needs reconnect (1)' })).toBeTruthy();
    expect(calls).toContain('/api/admin/zoom-connections?page=1&pageSize=25');
  });
});

describe('admin page: meetings', () => {
  it('when meetings in trouble load, then each shows its state, cause and a Retry now button that asks the server', async () => {
    const calls = serverAnswers(200, NO_MEETINGS, {
      '/api/admin/meetings': {
        ...NO_MEETINGS,
        items: [
          {
            bookingId: 'b1', specialist: { id: 's1', name: 'Sam' }, start: '2026-12-01T10:00:00Z', zoomMeetingId: '123',
            state: 'orphaned', lastError: 'The previous Zoom grant is dead', lastRepair: { at: '2026-11-30T10:00:00Z', cause: 'reconnect_moved' },
          },
        ],
        counts: { ...NO_MEETINGS.counts, orphaned: 1 },
        total: 1,
      },
      '/api/admin/meetings/b1/retry': { bookingId: 'b1', retried: 'check' },
    });
    render(<AdminPage />);
    const table = await screen.findByRole('region', { name: 'Meetings table' });
    expect(table.textContent).toContain('Orphaned');
    expect(table.textContent).toContain('moved to a new Zoom account');
    expect(table.textContent).toContain('The previous Zoom grant is dead');
    expect(screen.getByRole('option', { name: 'Orphaned (1)' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry now: booking b1' }));
    expect((await screen.findByRole('status')).textContent).toBe('Booking b1: the next attempt runs now.');
    expect(calls).toContain('/api/admin/meetings/b1/retry');
  });
});
