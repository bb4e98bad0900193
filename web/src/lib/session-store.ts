import type { User } from './api-types';

/**
 * Who is signed in, in memory only. The credential is the API's HttpOnly session cookie, which no script can read;
 * the app learns the user from GET /api/me at start (and from the sign-in answer), so nothing of the session is kept
 * in localStorage. `undefined` while that first answer is pending, `null` when signed out.
 */
export interface Session {
  user: User;
}

const listeners = new Set<() => void>();
let current: Session | null | undefined;
// Another tab signed in or out: a message with no secret in it tells this one to ask /api/me again.
const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('specialist-booking.session');

function publish(session: Session | null | undefined) {
  current = session;
  listeners.forEach((l) => l());
}

export const sessionStore = {
  get(): Session | null | undefined {
    return current;
  },
  /** Known: the user from a sign-in or /api/me answer, or null after sign-out or a rejected session. */
  set(session: Session | null): void {
    const changedAccount = (current?.user.id ?? null) !== (session?.user.id ?? null);
    publish(session);
    if (changedAccount) channel?.postMessage('changed');
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Called by the app with its /api/me loader, at start and when another tab signs in or out. */
  onOtherTab(reload: () => void): void {
    if (channel) channel.onmessage = () => reload();
  },
};
