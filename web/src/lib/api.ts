import { sessionStore } from './session-store';
import type {
  AuthResponse,
  AvailabilityRequest,
  Booking,
  ManagedBooking,
  MeetingTroublePage,
  Page,
  RefreshEvent,
  Role,
  Slot,
  Specialist,
  User,
  ZoomConnectionPage,
  ZoomStatus,
} from './types';

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

type Query = Record<string, string | number | undefined>;
interface Options {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
}

async function call<T>(method: string, path: string, options: Options = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  const url = `${BASE}${path}${qs ? `?${qs}` : ''}`;
  const token = sessionStore.get()?.token;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (cause) {
    throw new ApiError(0, 'NETWORK', `Could not reach the server (${(cause as Error).message})`);
  }
  if (res.status === 204) return undefined as T;
  const payload: unknown = await res.json().catch(() => undefined);
  if (res.ok) return payload as T;
  const error = (payload as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  // A rejected session (expired or signed out elsewhere) ends it here, so every page shows the signed-out state.
  if (res.status === 401 && token) sessionStore.set(null);
  const retryAfter = Number(res.headers.get('Retry-After'));
  throw new ApiError(
    res.status,
    error?.code ?? `HTTP_${res.status}`,
    error?.message ?? res.statusText,
    error?.details,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

export const api = {
  register: (body: { role: Exclude<Role, 'admin'>; name: string; email: string; password: string; timezone: string }) =>
    call<AuthResponse>('POST', '/api/auth/register', { body }),
  login: (body: { email: string; password: string }) => call<AuthResponse>('POST', '/api/auth/login', { body }),
  me: () => call<User>('GET', '/api/me'),

  zoomStatus: () => call<ZoomStatus>('GET', '/api/zoom/status'),
  zoomConnect: () => call<{ authorizeUrl: string }>('GET', '/api/zoom/connect'),
  zoomDisconnect: () => call<void>('DELETE', '/api/zoom/connection'),

  availability: () => call<AvailabilityRequest & { headline: string }>('GET', '/api/specialists/me/availability'),
  saveAvailability: (body: AvailabilityRequest) => call<unknown>('PUT', '/api/specialists/me/availability', { body }),
  specialists: () => call<{ items: Specialist[] }>('GET', '/api/specialists'),
  specialist: (id: string) => call<Specialist>('GET', `/api/specialists/${encodeURIComponent(id)}`),
  slots: (id: string, range: { from: string; to: string }) =>
    call<{ timezone: string; slots: Slot[] }>('GET', `/api/specialists/${encodeURIComponent(id)}/slots`, { query: range }),

  book: (body: { specialistId: string; start: string; topic?: string }, idempotencyKey: string) =>
    call<Booking>('POST', '/api/bookings', { body, headers: { 'Idempotency-Key': idempotencyKey } }),
  bookings: (query: { status?: 'confirmed' | 'cancelled'; from?: string; page?: number; pageSize?: number } = {}) =>
    call<Page<Booking>>('GET', '/api/bookings', { query }),
  booking: (id: string) => call<Booking>('GET', `/api/bookings/${encodeURIComponent(id)}`),
  cancel: (id: string) => call<Booking>('POST', `/api/bookings/${encodeURIComponent(id)}/cancel`),
  reschedule: (id: string, start: string) =>
    call<Booking>('POST', `/api/bookings/${encodeURIComponent(id)}/reschedule`, { body: { start } }),
  /** A fresh Zoom start_url (they expire after 2 hours, so it is fetched on click). */
  startUrl: (id: string) => call<{ url: string }>('GET', `/api/bookings/${encodeURIComponent(id)}/start`),

  // The customer's manage link: the token in the path is the credential (no sign-in).
  manage: (token: string) => call<ManagedBooking>('GET', `/api/manage/${encodeURIComponent(token)}`),
  manageCancel: (token: string) => call<ManagedBooking>('POST', `/api/manage/${encodeURIComponent(token)}/cancel`),
  manageReschedule: (token: string, start: string) =>
    call<ManagedBooking>('POST', `/api/manage/${encodeURIComponent(token)}/reschedule`, { body: { start } }),

  zoomConnections: (query: { state?: string; page?: number; pageSize?: number }) =>
    call<ZoomConnectionPage>('GET', '/api/admin/zoom-connections', { query }),
  refreshEvents: (query: { specialistId?: string; outcome?: string; trigger?: string; page?: number; pageSize?: number }) =>
    call<Page<RefreshEvent>>('GET', '/api/admin/refresh-events', { query }),
  adminMeetings: (query: { state?: string; page?: number; pageSize?: number }) =>
    call<MeetingTroublePage>('GET', '/api/admin/meetings', { query }),
  retryMeeting: (bookingId: string) =>
    call<{ bookingId: string; retried: string }>('POST', `/api/admin/meetings/${encodeURIComponent(bookingId)}/retry`),
};

/** A fresh Idempotency-Key. crypto.randomUUID exists only on https/localhost; getRandomValues works everywhere. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
