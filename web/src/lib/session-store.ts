import type { User } from './api-types';

/**
 * The signed-in session (API token + user), kept in localStorage so a reload or the return from Zoom's consent page
 * keeps the person signed in. The token is a bearer credential: the CSP forbids inline and third-party scripts.
 */
export interface Session {
  token: string;
  user: User;
}

const KEY = 'specialist-booking.session';
const listeners = new Set<() => void>();
let cached: Session | null | undefined;

function read(): Session | null {
  try {
    const raw = window.localStorage.getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as Session) : null;
    return parsed && typeof parsed.token === 'string' && parsed.user ? parsed : null;
  } catch {
    return null;
  }
}

export const sessionStore = {
  get(): Session | null {
    if (cached === undefined) cached = read();
    return cached;
  },
  set(session: Session | null): void {
    cached = session;
    if (session) window.localStorage.setItem(KEY, JSON.stringify(session));
    else window.localStorage.removeItem(KEY);
    listeners.forEach((l) => l());
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// Another tab signed in or out.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== KEY) return;
    cached = read();
    listeners.forEach((l) => l());
  });
}
