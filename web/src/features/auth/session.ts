import { useSyncExternalStore } from 'react';
import { sessionStore, type Session } from '../../lib/session-store';

export function useSession(): Session | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}

export const signIn = (session: Session) => sessionStore.set(session);
export const signOut = () => sessionStore.set(null);

/** Where each role starts after signing in. */
export function homeFor(role: string): string {
  if (role === 'specialist') return '/specialist/profile';
  if (role === 'admin') return '/admin';
  return '/';
}
