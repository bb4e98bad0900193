import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from './api';
import { sessionStore } from './session-store';

const USER = {
  id: 'u1',
  role: 'customer',
  name: 'Cleo',
  email: 'cleo@example.com',
  timezone: 'Europe/Berlin',
  emailVerified: false,
  pendingEmail: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

function recordRequests(answer: (request: Request) => Response) {
  const seen: Request[] = [];
  vi.stubGlobal('fetch', async (request: Request) => {
    seen.push(request);
    return answer(request);
  });
  return seen;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = 'csrf=; Max-Age=0; Path=/';
  sessionStore.set(null);
  localStorage.clear();
});

describe('the API client on the cookie session', () => {
  it('sends the cookie (same origin) and, on a state-changing request, the CSRF token read from the csrf cookie', async () => {
    document.cookie = 'csrf=the-csrf-token; Path=/';
    const seen = recordRequests(() => new Response(null, { status: 204 }));
    await api.logout();
    expect(seen[0]!.credentials).toBe('same-origin');
    expect(seen[0]!.headers.get('X-CSRF-Token')).toBe('the-csrf-token');
    expect(seen[0]!.headers.get('Authorization')).toBeNull();
  });

  it('sends no CSRF token on a GET, and never an Authorization header', async () => {
    document.cookie = 'csrf=the-csrf-token; Path=/';
    const seen = recordRequests(() => json(USER));
    await api.me();
    expect(seen[0]!.headers.get('X-CSRF-Token')).toBeNull();
    expect(seen[0]!.headers.get('Authorization')).toBeNull();
  });

  it('drops the bearer token of a sign-in answer and keeps nothing in localStorage', async () => {
    recordRequests(() => json({ token: 'eyJ.secret.token', csrfToken: 'c1', user: USER }));
    const session = await api.login({ email: USER.email, password: 'correct horse battery' });
    sessionStore.set(session);
    expect(JSON.stringify(session)).not.toContain('eyJ.secret.token');
    expect(localStorage.length).toBe(0);
    // Without a readable csrf cookie (API on another host of the site), the sign-in answer's token is sent.
    const seen = recordRequests(() => new Response(null, { status: 204 }));
    await api.logoutEverywhere();
    expect(seen[0]!.headers.get('X-CSRF-Token')).toBe('c1');
  });

  it('ends the session here when the API rejects it', async () => {
    sessionStore.set({ user: USER as never });
    recordRequests(() => json({ error: { code: 'SESSION_ENDED', message: 'ended' } }, 401));
    await expect(api.sessions()).rejects.toMatchObject({ status: 401, code: 'SESSION_ENDED' });
    expect(sessionStore.get()).toBeNull();
  });
});
