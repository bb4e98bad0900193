import { useSyncExternalStore } from 'react';
import { api } from '../../lib/api';
import { sessionStore, type Session } from '../../lib/session-store';

/** The signed-in user, or null when signed out or not yet known (see useSessionKnown). */
export function useSession(): Session | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get) ?? null;
}

/** False until the first GET /api/me has answered, so pages that need a sign-in wait instead of flashing "Please sign in". */
export function useSessionKnown(): boolean {
  return useSyncExternalStore(sessionStore.subscribe, () => sessionStore.get() !== undefined);
}

export const signIn = (session: Session) => sessionStore.set(session);

/** Ends the session at the API (its cookie and token stop working at once), then here. */
export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } finally {
    sessionStore.set(null);
  }
}

/** Asks the API who the cookie belongs to (at start, and when another tab signs in or out). */
export function loadSession(): Promise<void> {
  return api.me().then(
    (user) => sessionStore.set({ user }),
    () => sessionStore.set(null),
  );
}

/** Where each role starts after signing in. */
export function homeFor(role: string): string {
  if (role === 'specialist') return '/specialist/profile';
  if (role === 'admin') return '/admin';
  return '/';
}
