import { ZoomApiError } from '../zoom/zoom.errors';

/** A meeting that still has to be made: tried when due, or waiting for the host's daily Zoom quota. */
export const OPEN_MEETING = { $in: ['pending' as const, 'waiting_for_quota' as const] };

/**
 * How long after an attempt's claim its create call may still finish at Zoom although we never saw the answer
 * (the attempt's lock, 60 s, plus Zoom's own slowness). Until then a removal keeps looking for the meeting by its
 * reference; later stragglers are the reconcile sweep's.
 */
export const CREATE_SETTLE_MS = 120_000;

/** Zoom's own answer that the host's meeting create/update quota for the UTC day is used up. */
export const isDailyLimit = (error: unknown) => error instanceof ZoomApiError && error.rateLimitType === 'daily';

export const lockFree = (t: Date) => [{ 'meeting.lockedUntil': null }, { 'meeting.lockedUntil': { $lte: t } }];
