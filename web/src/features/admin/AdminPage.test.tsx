import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminPage } from './AdminPage';

// Only the network edge is replaced: the page, the API client and the error wording all run for real.
function serverAnswers(status: number, body: unknown, byPath: Record<string, unknown> = {}) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (request: Request) => {
    const { pathname, search } = new URL(request.url);
    calls.push(`${request.method === 'GET' ? '' : `${request.method} `}${pathname}${search}`);
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
      'This server does not have the admin API for S2S hosts yet (it comes with the S2S host approval update).',
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
    expect(calls).toContain('POST /api/admin/meetings/b1/retry');
  });
});

const NO_CONNECTIONS = {
  items: [], counts: { connected: 0, needs_reauth: 0, revoked: 0, never: 0 }, page: 1, pageSize: 25, total: 0,
};
const row = (over: Record<string, unknown>) => ({
  specialistId: 's1', name: 'Mara Member', email: 'mara@example.com', emailVerified: true,
  zoomUser: { id: 'z1', email: 'mara@example.com' }, zoomUserLookup: 'found', state: 'awaiting_approval',
  approvable: true, approval: null, ...over,
});

describe('admin page: S2S hosts', () => {
  it('when specialists load, then each row shows email, confirmation, Zoom user and state, and Approve asks the server', async () => {
    const calls = serverAnswers(200, NO_CONNECTIONS, {
      '/api/admin/meetings': NO_MEETINGS,
      '/api/admin/s2s-hosts': {
        items: [
          row({}),
          row({ specialistId: 's2', name: 'Ian Impostor', email: 'ceo@example.com', emailVerified: false, zoomUser: { id: 'z9', email: 'ceo@example.com' }, state: 'email_not_verified', approvable: false }),
          row({ specialistId: 's3', name: 'Nora Nobody', email: 'nora@example.com', zoomUser: null, zoomUserLookup: 'not_found', state: 'not_in_zoom_account', approvable: false }),
        ],
        page: 1, pageSize: 25, total: 3, fallbackHost: null, zoomReachable: true, zoomError: null,
      },
      '/api/admin/s2s-hosts/s1/approve': row({ state: 'approved', approvable: false, zoomUserLookup: null }),
    });
    render(<AdminPage />);
    const table = await screen.findByRole('region', { name: 'S2S hosts table' });
    expect(table.textContent).toContain('Awaiting approval: cannot be booked');
    expect(table.textContent).toContain('Email not confirmed: cannot be booked');
    expect(table.textContent).toContain('None with this email');
    expect(screen.getByText(/No shared host \(ZOOM_S2S_HOST_USER\) is set/)).toBeTruthy();
    // Only the approvable row has the button, named for whom and as which Zoom user.
    expect(screen.queryByRole('button', { name: /Approve Ian Impostor/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Approve Mara Member as mara@example.com' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'Mara Member is approved: their meetings are hosted as mara@example.com.',
    );
    expect(calls).toContain('POST /api/admin/s2s-hosts/s1/approve');
    expect(calls.filter((c) => c === '/api/admin/s2s-hosts?page=1&pageSize=25')).toHaveLength(2);
  });

  it('when an admin revokes an approval, then the server is asked only after the question is confirmed', async () => {
    const calls = serverAnswers(200, NO_CONNECTIONS, {
      '/api/admin/meetings': NO_MEETINGS,
      '/api/admin/s2s-hosts': {
        items: [row({ state: 'approved', approvable: false })],
        page: 1, pageSize: 25, total: 1, fallbackHost: null, zoomReachable: true, zoomError: null,
      },
      '/api/admin/s2s-hosts/s1/approval': row({ state: 'awaiting_approval', approvable: true }),
    });
    render(<AdminPage />);
    await screen.findByRole('region', { name: 'S2S hosts table' });
    fireEvent.click(screen.getByRole('button', { name: 'Revoke approval' }));
    const question = screen.getByRole('group', { name: /Revoke Mara Member's approval\?/ });
    expect(calls).not.toContain('DELETE /api/admin/s2s-hosts/s1/approval');
    fireEvent.click(within(question).getByRole('button', { name: 'Revoke approval' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      "Mara Member's approval is revoked: they cannot be booked until approved again. Meetings already made keep their host.",
    );
    expect(calls).toContain('DELETE /api/admin/s2s-hosts/s1/approval');
  });

  it('when the server runs user-managed Zoom, then the panel says there are no S2S hosts, without an alert', async () => {
    vi.stubGlobal('fetch', async (request: Request) => {
      const { pathname } = new URL(request.url);
      const body =
        pathname === '/api/admin/s2s-hosts'
          ? { error: { code: 'S2S_MODE_OFF', message: 'MEETING_PROVIDER=user' } }
          : pathname === '/api/admin/meetings' ? NO_MEETINGS : NO_CONNECTIONS;
      return new Response(JSON.stringify(body), {
        status: pathname === '/api/admin/s2s-hosts' ? 409 : 200,
        headers: { 'Content-Type': 'application/json' },
      });
    });
    render(<AdminPage />);
    expect(await screen.findByText(/own Zoom account \(MEETING_PROVIDER=user\), so there are no S2S hosts to approve/)).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'S2S hosts table' })).toBeNull();
    expect(screen.queryAllByRole('alert')).toHaveLength(0);
  });

  it('when Zoom cannot be asked, then the panel says so in words next to the table', async () => {
    serverAnswers(200, NO_CONNECTIONS, {
      '/api/admin/meetings': NO_MEETINGS,
      '/api/admin/s2s-hosts': {
        items: [row({ zoomUser: null, zoomUserLookup: 'unavailable', state: 'fallback_host', approvable: false })],
        page: 1, pageSize: 25, total: 1, fallbackHost: 'host@example.com', zoomReachable: false, zoomError: 'Zoom API 503',
      },
    });
    render(<AdminPage />);
    expect((await screen.findByRole('alert')).textContent).toBe('Zoom could not be asked about some specialists: Zoom API 503');
    const table = screen.getByRole('region', { name: 'S2S hosts table' });
    expect(table.textContent).toContain('Hosted by the shared host (ZOOM_S2S_HOST_USER)');
    expect(table.textContent).toContain('Zoom could not be asked');
    expect(screen.getByText(/hosted by the shared host host@example.com; only admins and that host can start those meetings/)).toBeTruthy();
  });
});
