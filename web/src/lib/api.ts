import createClient from 'openapi-fetch';
import type { paths } from './api-schema.gen';
import type { AvailabilityRequest, GuestBookingRequest, Role, User } from './api-types';
import { csrfToken, rememberCsrfToken } from './csrf';
import { sessionStore } from './session-store';

/** Every failed call: the API's `{ error: { code, message, details } }`, or NETWORK when it could not be reached. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

// Empty: the API serves this app (same origin). A separately hosted build sets VITE_API_URL to the API's origin.
const BASE = ((import.meta.env.VITE_API_URL as string | undefined) ?? '').replace(/\/+$/, '');

/**
 * The typed client: paths, parameters, bodies and answers all come from the generated `paths`, so a call that no
 * longer matches the server's schemas does not compile. `fetch` is looked up on every call (tests replace it).
 */
const client = createClient<paths>({
  baseUrl: BASE || (typeof window === 'undefined' ? '' : window.location.origin),
  fetch: (request) => globalThis.fetch(request),
  headers: { Accept: 'application/json' },
  // The session is the API's HttpOnly cookie; a separately hosted build (same site, other host) must include it.
  credentials: BASE ? 'include' : 'same-origin',
});
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
client.use({
  onRequest({ request }) {
    // Double submit: a cross-site page can make the browser send the cookie but cannot read this token.
    const csrf = csrfToken();
    if (csrf && !SAFE_METHODS.has(request.method)) request.headers.set('X-CSRF-Token', csrf);
    return request;
  },
});

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError in the API's words. */
async function unwrap<T>(pending: Promise<Answer<T>>): Promise<T> {
  const wasSignedIn = Boolean(sessionStore.get());
  let answer: Answer<T>;
  try {
    answer = await pending;
  } catch (cause) {
    throw new ApiError(0, 'NETWORK', `Could not reach the server (${(cause as Error).message})`);
  }
  const { data, response } = answer;
  if (response.ok) return data as T;
  const error = (answer.error as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  // A rejected session (expired or signed out elsewhere) ends it here, so every page shows the signed-out state.
  if (response.status === 401 && wasSignedIn) sessionStore.set(null);
  const retryAfter = Number(response.headers.get('Retry-After'));
  throw new ApiError(
    response.status,
    error?.code ?? `HTTP_${response.status}`,
    error?.message ?? response.statusText,
    error?.details,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

const id = (value: string) => ({ path: { id: value } });
const token = (value: string) => ({ path: { token: value } });

/**
 * A sign-in answer carries the bearer token for API clients; the web app drops it at once (its session is the
 * HttpOnly cookie set by the same answer) and keeps only the user and the CSRF token.
 */
async function signedIn(pending: Promise<{ csrfToken: string; user: User }>): Promise<{ user: User }> {
  const { csrfToken: csrf, user } = await pending;
  rememberCsrfToken(csrf);
  return { user };
}

export const api = {
  register: (body: { role: Exclude<Role, 'admin'>; name: string; email: string; password: string; timezone: string }) =>
    signedIn(unwrap(client.POST('/api/auth/register', { body }))),
  login: (body: { email: string; password: string }) => signedIn(unwrap(client.POST('/api/auth/login', { body }))),
  me: () => unwrap(client.GET('/api/me')),
  updateMe: (body: { name?: string; timezone?: string; email?: string; currentPassword?: string }) =>
    unwrap(client.PATCH('/api/me', { body })),
  logout: async () => {
    await unwrap(client.POST('/api/auth/logout'));
    rememberCsrfToken(undefined);
  },
  logoutEverywhere: () => unwrap(client.POST('/api/auth/logout-everywhere')),
  sessions: () => unwrap(client.GET('/api/auth/sessions')),
  verifyEmail: (linkToken: string) => unwrap(client.POST('/api/auth/verify-email', { body: { token: linkToken } })),
  resendVerification: (email: string) => unwrap(client.POST('/api/auth/resend-verification', { body: { email } })),
  forgotPassword: (email: string) => unwrap(client.POST('/api/auth/forgot-password', { body: { email } })),
  resetPassword: (linkToken: string, password: string) =>
    unwrap(client.POST('/api/auth/reset-password', { body: { token: linkToken, password } })),
  changePassword: (body: { currentPassword: string; newPassword: string }) =>
    signedIn(unwrap(client.POST('/api/me/password', { body }))),
  deleteAccount: (password: string) => unwrap(client.DELETE('/api/me', { body: { password } })),
  /** The export as a Blob, for a download link (it is a JSON attachment). */
  exportData: () => unwrap(client.GET('/api/me/export', { parseAs: 'blob' })),

  zoomStatus: () => unwrap(client.GET('/api/zoom/status')),
  zoomConnect: () => unwrap(client.GET('/api/zoom/connect')),
  zoomDisconnect: () => unwrap(client.DELETE('/api/zoom/connection')),

  availability: () => unwrap(client.GET('/api/specialists/me/availability')),
  saveAvailability: (body: AvailabilityRequest) => unwrap(client.PUT('/api/specialists/me/availability', { body })),
  calendars: () => unwrap(client.GET('/api/specialists/me/calendars')),
  /** Fetched once by the server before it is saved: a 422 CALENDAR_FEED_INVALID carries the reason. */
  addCalendar: (body: { url: string; label: string }) => unwrap(client.POST('/api/specialists/me/calendars', { body })),
  removeCalendar: (feedId: string) => unwrap(client.DELETE('/api/specialists/me/calendars/{id}', { params: id(feedId) })),
  syncCalendar: (feedId: string) => unwrap(client.POST('/api/specialists/me/calendars/{id}/sync', { params: id(feedId) })),
  /** The secret address of the caller's bookings as a calendar feed; rotating it kills the old one at once. */
  bookingFeed: () => unwrap(client.GET('/api/me/calendar-feed')),
  rotateBookingFeed: () => unwrap(client.POST('/api/me/calendar-feed/rotate')),
  specialists: () => unwrap(client.GET('/api/specialists')),
  specialist: (specialistId: string) => unwrap(client.GET('/api/specialists/{id}', { params: id(specialistId) })),
  slots: (specialistId: string, range: { from: string; to: string }) =>
    unwrap(client.GET('/api/specialists/{id}/slots', { params: { ...id(specialistId), query: range } })),

  book: (body: { specialistId: string; start: string; topic?: string }, idempotencyKey: string) =>
    unwrap(client.POST('/api/bookings', { body, params: { header: { 'idempotency-key': idempotencyKey } } })),
  bookings: (query: { status?: 'confirmed' | 'cancelled'; from?: string; page?: number; pageSize?: number } = {}) =>
    unwrap(client.GET('/api/bookings', { params: { query } })),
  booking: (bookingId: string) => unwrap(client.GET('/api/bookings/{id}', { params: id(bookingId) })),
  cancel: (bookingId: string) => unwrap(client.POST('/api/bookings/{id}/cancel', { params: id(bookingId) })),
  reschedule: (bookingId: string, start: string) =>
    unwrap(client.POST('/api/bookings/{id}/reschedule', { params: id(bookingId), body: { start } })),
  /** A fresh Zoom start_url (they expire after 2 hours, so it is fetched on click). */
  startUrl: (bookingId: string) => unwrap(client.GET('/api/bookings/{id}/start', { params: id(bookingId) })),

  // Booking without an account: a code mailed to the address proves it.
  guestEmailCode: (email: string) => unwrap(client.POST('/api/guest/email-codes', { body: { email } })),
  guestBook: (body: GuestBookingRequest, idempotencyKey: string) =>
    unwrap(client.POST('/api/guest/bookings', { body, params: { header: { 'idempotency-key': idempotencyKey } } })),

  // The customer's manage link: the token in the path is the credential (no sign-in).
  manage: (link: string) => unwrap(client.GET('/api/manage/{token}', { params: token(link) })),
  manageCancel: (link: string) => unwrap(client.POST('/api/manage/{token}/cancel', { params: token(link) })),
  manageReschedule: (link: string, start: string) =>
    unwrap(client.POST('/api/manage/{token}/reschedule', { params: token(link), body: { start } })),

  zoomConnections: (query: { state?: ConnectionStateFilter; page?: number; pageSize?: number }) =>
    unwrap(client.GET('/api/admin/zoom-connections', { params: { query } })),
  refreshEvents: (query: { page?: number; pageSize?: number } & RefreshEventFilter) =>
    unwrap(client.GET('/api/admin/refresh-events', { params: { query } })),
  adminMeetings: (query: { state?: MeetingStateFilter; page?: number; pageSize?: number }) =>
    unwrap(client.GET('/api/admin/meetings', { params: { query } })),
  retryMeeting: (bookingId: string) =>
    unwrap(client.POST('/api/admin/meetings/{bookingId}/retry', { params: { path: { bookingId } } })),
  s2sHosts: (query: { page?: number; pageSize?: number }) =>
    unwrap(client.GET('/api/admin/s2s-hosts', { params: { query } })),
  approveS2SHost: (specialistId: string) =>
    unwrap(client.POST('/api/admin/s2s-hosts/{specialistId}/approve', { params: { path: { specialistId } } })),
  revokeS2SHostApproval: (specialistId: string) =>
    unwrap(client.DELETE('/api/admin/s2s-hosts/{specialistId}/approval', { params: { path: { specialistId } } })),
};

type ConnectionStateFilter = NonNullable<paths['/api/admin/zoom-connections']['get']['parameters']['query']>['state'];
type MeetingStateFilter = NonNullable<paths['/api/admin/meetings']['get']['parameters']['query']>['state'];
type RefreshEventFilter = Omit<
  NonNullable<paths['/api/admin/refresh-events']['get']['parameters']['query']>,
  'page' | 'pageSize'
>;

/** A fresh Idempotency-Key. crypto.randomUUID exists only on https/localhost; getRandomValues works everywhere. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
