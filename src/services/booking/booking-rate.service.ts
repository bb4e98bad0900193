import type { Clock } from '../../lib/clock';
import { RateLimitedError, UnprocessableError } from '../../lib/errors';
import type { BookingRecord } from '../../models/booking.model';
import { returnUse, takeUse } from '../usage-ledger';
import type { Viewer } from './booking.dto';

const HOUR_MS = 3_600_000;

/**
 * What one customer may do to a specialist's Zoom quota (100 meeting creates/updates per host per UTC day): move one
 * booking at most RESCHEDULE_LIMIT_PER_BOOKING times, and make at most BOOKING_RATE_PER_HOUR bookings plus moves per
 * UTC clock hour (a window shared by all instances, in MongoDB). Specialists and admins are not limited.
 */
export function createBookingRateLimits(deps: { clock: Clock; reschedulesPerBooking: number; changesPerHour: number }) {
  return {
    /** 422 RESCHEDULE_LIMIT_REACHED once the customer has moved this booking the allowed number of times. */
    assertMayMove(booking: BookingRecord, viewer: Viewer): void {
      if (viewer.role !== 'customer') return;
      if ((booking.customerMoves ?? 0) >= deps.reschedulesPerBooking) {
        throw new UnprocessableError(
          deps.reschedulesPerBooking === 0
            ? 'Bookings cannot be moved by customers here; cancel it and book anew'
            : `This booking has been moved ${deps.reschedulesPerBooking} times, the most allowed; cancel it and book anew`,
          'RESCHEDULE_LIMIT_REACHED',
          { limit: deps.reschedulesPerBooking },
        );
      }
    },

    /**
     * Takes one of the customer's bookings-plus-moves of this hour, or throws 429 RATE_LIMITED (Retry-After: the
     * hour's end). Returns the way to give it back when the change is then refused (e.g. the slot was taken).
     */
    async takeChange(viewer: Viewer): Promise<() => Promise<void>> {
      if (viewer.role !== 'customer') return async () => {};
      const t = deps.clock.now();
      const start = Math.floor(t.getTime() / HOUR_MS) * HOUR_MS;
      const resetAt = new Date(start + HOUR_MS);
      const use = { key: `customer-changes:${viewer.userId}`, window: new Date(start).toISOString().slice(0, 13) };
      if (!(await takeUse({ ...use, resetAt, limit: deps.changesPerHour }))) {
        throw new RateLimitedError(
          `At most ${deps.changesPerHour} bookings and moves per hour; try again later`,
          Math.max(1, Math.ceil((resetAt.getTime() - t.getTime()) / 1000)),
        );
      }
      return () => returnUse(use);
    },
  };
}

export type BookingRateLimits = ReturnType<typeof createBookingRateLimits>;
