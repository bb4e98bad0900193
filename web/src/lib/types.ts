/** The API's response shapes, as documented at /openapi.json (kept by hand: the web app never imports server code). */
export type Role = 'specialist' | 'customer' | 'admin';

export interface User {
  id: string;
  role: Role;
  name: string;
  email: string;
  timezone: string;
  createdAt: string;
}

export interface AuthResponse {
  token: string;
  user: User;
}

export interface ZoomStatus {
  connected: boolean;
  zoomEmail: string | null;
  zoomUserId: string | null;
  authorizedAt: string | null;
  lastUsedAt: string | null;
  needsReauth: boolean;
  /** Since the grant-health update (older servers omit these). */
  state?: ConnectionState;
  lastRefreshedAt?: string | null;
  accessTokenExpiresAt?: string | null;
}

export type Day = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface AvailabilityRequest {
  timezone: string;
  weekly: Array<{ day: Day; start: string; end: string }>;
  slotMinutes: number;
  bufferMinutes: number;
  minNoticeMinutes: number;
  maxDaysAhead: number;
  headline?: string;
  /** Customers may cancel or reschedule until this many minutes before the start. */
  cancelNoticeMinutes?: number;
  /** At most this many bookings per day in the specialist's zone; null = no limit. */
  maxBookingsPerDay?: number | null;
}

export interface Specialist {
  id: string;
  name: string;
  headline: string;
  timezone: string;
  zoomConnected: boolean;
}

export interface Slot {
  start: string;
  end: string;
}

export type MeetingStatus = 'pending' | 'created' | 'failed' | 'cancelled';

export interface Booking {
  id: string;
  specialistId: string;
  customerId: string;
  start: string;
  end: string;
  durationMinutes: number;
  topic: string | null;
  notes: string | null;
  status: 'confirmed' | 'cancelled';
  cancelledAt: string | null;
  meeting: {
    status: MeetingStatus;
    joinUrl: string | null;
    startUrl?: string | null;
    attempts: number;
    lastError?: string | null;
  };
  createdAt: string;
}

/** What a customer's manage link (`/manage/:token`) shows; `token` is null once the booking is cancelled. */
export interface ManagedBooking {
  token: string | null;
  booking: Booking;
  specialist: { id: string; name: string; timezone: string };
  changeableUntil: string;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

// Admin API (GET /api/admin/zoom-connections and /api/admin/refresh-events).
export type ConnectionState = 'connected' | 'needs_reauth' | 'revoked' | 'never';

export interface ZoomConnectionRow {
  specialistId: string;
  name: string;
  email: string;
  state: ConnectionState;
  zoomEmail: string | null;
  authorizedAt: string | null;
  lastUsedAt: string | null;
  lastRefreshedAt: string | null;
  accessTokenExpiresAt: string | null;
  refreshErrorCount: number;
  lastRefreshError: string | null;
  lastRefreshErrorAt: string | null;
  pendingMeetings: number;
}

export interface ZoomConnectionPage extends Page<ZoomConnectionRow> {
  counts: Record<ConnectionState, number>;
}

export interface RefreshEvent {
  at: string;
  specialistId: string;
  trigger: 'request' | 'rejected_token' | 'keepalive';
  outcome: 'ok' | 'invalid_grant' | 'error';
  durationMs: number;
  error: string | null;
}

export type MeetingTroubleState = 'pending' | 'failed' | 'waiting_for_quota' | 'orphaned' | 'repaired';

export interface MeetingTroubleRow {
  bookingId: string;
  specialist: { id: string; name: string };
  start: string;
  zoomMeetingId: string | null;
  state: MeetingTroubleState;
  lastError: string | null;
  lastRepair: { at: string; cause: string } | null;
}

export interface MeetingTroublePage extends Page<MeetingTroubleRow> {
  counts: Record<MeetingTroubleState, number>;
}
