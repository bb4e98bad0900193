import { ApiError } from './api';

/** Field names as the forms label them, so a validation problem points at what the person sees. */
const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  email: 'Email',
  password: 'Password',
  newPassword: 'New password',
  currentPassword: 'Current password',
  timezone: 'Time zone',
  role: 'Specialist or Customer',
  slotMinutes: 'Slot length (minutes)',
  bufferMinutes: 'Buffer (minutes)',
  minNoticeMinutes: 'Minimum notice (minutes)',
  maxDaysAhead: 'Book up to (days ahead)',
  cancelNoticeMinutes: 'Cancellation notice (minutes)',
  maxBookingsPerDay: 'Max bookings per day',
  weekly: 'Weekly hours',
  headline: 'Headline',
  topic: 'Topic',
  start: 'Time',
  url: 'Calendar address',
  label: 'Label',
  code: 'Code from the email',
};

const BY_CODE: Record<string, string> = {
  NETWORK: "We can't reach the server. Check your connection and try again.",
  INVALID_CREDENTIALS: "That email and password don't match an account.",
  EMAIL_TAKEN: 'An account with this email already exists. Sign in instead.',
  UNAUTHENTICATED: 'Please sign in first.',
  TOKEN_EXPIRED: 'Your session has ended. Please sign in again.',
  INVALID_TOKEN: 'Your session has ended. Please sign in again.',
  FORBIDDEN: "Your account can't do this.",
  NOT_FOUND: "We couldn't find that. It may have been removed.",
  ROUTE_NOT_FOUND: "This part of the server isn't available yet.",
  BOOKING_CONFLICT: 'Someone has just booked this time. Please pick another one.',
  OUTSIDE_AVAILABILITY: "This time is outside the specialist's hours. Please pick another one.",
  TOO_SHORT_NOTICE: 'This time is too soon to book. Please pick a later one.',
  BEYOND_HORIZON: 'This time is too far ahead to book yet.',
  ZOOM_NOT_CONNECTED: "This specialist can't take bookings right now: their Zoom account isn't connected.",
  ZOOM_UNAVAILABLE: "Zoom isn't answering right now. Please try again in a few minutes.",
  ZOOM_CONNECT_FAILED: "Zoom didn't accept the connection. Please try again.",
  BOOKING_CANCELLED: 'This booking was cancelled.',
  BOOKING_NOT_ACTIVE: 'This booking was cancelled, so it cannot be changed.',
  BOOKING_CHANGED: 'This booking changed meanwhile. Reload the page and try again.',
  MEETING_PENDING: "The Zoom meeting isn't ready yet. Try again in a moment.",
  IDEMPOTENCY_KEY_REUSED: 'This booking request changed while it was being sent. Please pick the time again.',
  TOO_LATE_TO_CHANGE: "It's too close to the start to change this booking here. Please contact the specialist.",
  DAILY_LIMIT_REACHED: 'The specialist is fully booked on this day. Please pick another day.',
  MANAGE_LINK_INVALID:
    'This link no longer works: the booking was cancelled or moved (the latest email has the current link), or the session is over.',
  PAYLOAD_TOO_LARGE: 'That is too much text. Please shorten it.',
  SESSION_ENDED: 'Your session has ended. Please sign in again.',
  CSRF_TOKEN_INVALID: 'Your session has changed in another tab. Reload the page and try again.',
  EMAIL_NOT_VERIFIED: 'Please confirm your email address first: open the link we emailed you.',
  LINK_INVALID: 'This link no longer works: it is too old, was already used, or a newer one was sent. Ask for a new one.',
  WRONG_PASSWORD: "That isn't your current password.",
  REAUTHENTICATION_REQUIRED: 'Please enter your password to confirm.',
  CALENDAR_FEED_LIMIT: 'You have 5 calendars already, the most you can add. Remove one to add another.',
  CALENDAR_FEED_INVALID: 'This calendar could not be added. Check that you pasted its whole secret address.',
  GUESTS_NOT_ALLOWED: 'This specialist takes bookings from signed-in customers only. Please sign in to book.',
  GUEST_EMAIL_NOT_CUSTOMER: 'This email belongs to a specialist account, which cannot book. Please use another email.',
  CALENDAR_BUSY: 'The specialist is busy at that time. Please pick another time.',
  ACCOUNT_BEING_DELETED: 'The account with this email is being deleted. Please try again in a few minutes.',
  START_LINK_SHARED_HOST:
    "This meeting is hosted by the platform's shared Zoom host, so an admin starts it. Join it with the join link.",
  S2S_HOST_NOT_APPROVED:
    "You are not approved (any more) to host this meeting in the platform's Zoom account. Please ask an admin.",
  ZOOM_STATE_NOT_YOURS: 'That Zoom connection was started by another account. Press Connect Zoom yourself.',
  S2S_HOST_EMAIL_NOT_VERIFIED: 'This specialist has not confirmed their email address yet, so they cannot be approved.',
  NOT_IN_ZOOM_ACCOUNT: "This specialist's email is not a user of the platform's Zoom account, so they cannot be approved.",
  S2S_MODE_OFF:
    "This server hosts meetings in each specialist's own Zoom account (MEETING_PROVIDER=user), so there are no S2S hosts to approve.",
};

/** The server's reason a calendar was refused ("The calendar server answered HTTP 404"), as a sentence. */
function feedRefusal(details: unknown): string | undefined {
  const reason = (details as { reason?: unknown } | undefined)?.reason;
  if (typeof reason !== 'string' || reason.trim() === '') return undefined;
  const text = reason.trim();
  // "The host …" reads on after the colon as "the host …"; an acronym ("HTTP …") keeps its capitals.
  const lower = /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
  return `This calendar could not be added: ${/[.!?]$/.test(lower) ? lower : `${lower}.`}`;
}

/**
 * Why an emailed code did not work (`details.reason` of EMAIL_CODE_INVALID), and what to do. The server says more
 * than `invalid` only about a live code: `wrong` (with the tries left), then `dead`.
 */
function codeProblem(details: unknown): string {
  const { reason, triesLeft } = (details ?? {}) as { reason?: string; triesLeft?: number };
  if (reason === 'wrong' && triesLeft) {
    return `That code is not right. Check the email and try again (${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left).`;
  }
  if (reason === 'wrong' || reason === 'dead') return 'That code was entered wrongly 5 times and no longer works. Ask for a new code.';
  return 'That code does not work: it may be mistyped, older than 10 minutes, already used, or not the newest one sent. Ask for a new code.';
}

/** Turns zod's wording into a sentence fragment a person understands. */
function friendly(message: string): string {
  const min = /expected string to have >=(\d+) characters/.exec(message);
  if (min) return `must be at least ${min[1]} characters`;
  const max = /expected string to have <=(\d+) characters/.exec(message);
  if (max) return `must be at most ${max[1]} characters`;
  if (/invalid email/i.test(message)) return 'must be a valid email address';
  if (/IANA time zone/.test(message)) return 'must be a time zone from the list';
  return message.charAt(0).toLowerCase() + message.slice(1);
}

function validationProblems(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((d: { path?: unknown[]; message?: string }) => {
    if (!d || typeof d.message !== 'string') return [];
    const key = Array.isArray(d.path) ? String(d.path[0] ?? '') : '';
    const label = FIELD_LABELS[key];
    return [label ? `${label} ${friendly(d.message)}.` : `${d.message.replace(/\.$/, '')}.`];
  });
}

/** One sentence (or a few) for any failure, shown next to the form or action that caused it. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (error.code === 'RATE_LIMITED') {
    const wait = error.retryAfterSeconds ? ` in ${Math.ceil(error.retryAfterSeconds / 60)} minute(s)` : ' later';
    return `Too many attempts. Please try again${wait}.`;
  }
  if (error.code === 'EMAIL_CODE_INVALID') return codeProblem(error.details);
  if (error.code === 'VALIDATION_FAILED') {
    const problems = validationProblems(error.details);
    return problems.length > 0 ? problems.join(' ') : 'Please check the form and try again.';
  }
  if (error.code === 'CALENDAR_FEED_INVALID') return feedRefusal(error.details) ?? BY_CODE.CALENDAR_FEED_INVALID!;
  // s2s mode: the platform hosts the meetings; what is missing is the platform's to set up, not a connection.
  if (error.code === 'ZOOM_NOT_CONNECTED' && (error.details as { missingStep?: string } | undefined)?.missingStep)
    return "This specialist can't take bookings yet: the platform has not set up their Zoom hosting.";
  const known = BY_CODE[error.code];
  if (known) return known;
  if (error.status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
  return error.message || 'Something went wrong. Please try again.';
}
