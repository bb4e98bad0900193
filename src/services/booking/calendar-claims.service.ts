import { Types } from 'mongoose';
import { BookingConflictError } from './booking.errors';
import { BookingClaimModel, CLAIM_CELL_MINUTES } from '../../models/booking-claim.model';
import { isDuplicateKeyError } from '../../lib/errors';

const CELL_MS = CLAIM_CELL_MINUTES * 60_000;

/** The cells a booking holds: its own time plus the trailing buffer, so any two bookings are ≥ buffer apart. */
export function cellsFor(start: Date, end: Date, bufferMinutes: number): Date[] {
  const first = Math.floor(start.getTime() / CELL_MS) * CELL_MS;
  const last = end.getTime() + bufferMinutes * 60_000;
  const cells: Date[] = [];
  for (let t = first; t < last; t += CELL_MS) cells.push(new Date(t));
  return cells;
}

/**
 * Claims `cells` for the booking, all or nothing. Cells the booking already holds are kept (a reschedule may
 * overlap its old time). On conflict, the cells inserted by this call are released and BookingConflictError thrown.
 */
export async function claimCells(
  specialistId: string,
  bookingId: Types.ObjectId,
  cells: Date[],
  now: Date,
  options: { newBooking?: boolean } = {},
): Promise<Date[]> {
  // A booking being created holds no cells yet: no need to ask.
  const owned = options.newBooking ? [] : await BookingClaimModel.find({ bookingId }).lean();
  const ownedTimes = new Set(owned.map((c) => c.cell.getTime()));
  const wanted = cells.filter((c) => !ownedTimes.has(c.getTime()));
  if (wanted.length === 0) return [];
  try {
    // Complete and typed here, so mongoose need not hydrate and validate each cell (lean).
    const owner = new Types.ObjectId(specialistId);
    await BookingClaimModel.insertMany(
      wanted.map((cell) => ({ specialistId: owner, cell, bookingId, createdAt: now })),
      { ordered: true, lean: true },
    );
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await BookingClaimModel.deleteMany({ bookingId, cell: { $in: wanted } });
    throw new BookingConflictError();
  }
  return wanted;
}

/** Gives back exactly the cells one claimCells call inserted (e.g. when the change they were for lost a race). */
export async function releaseInserted(bookingId: Types.ObjectId, inserted: Date[]): Promise<void> {
  if (inserted.length > 0) await BookingClaimModel.deleteMany({ bookingId, cell: { $in: inserted } });
}

/** Releases the booking's cells outside `keep` (all of them when `keep` is empty). */
export async function releaseCells(bookingId: Types.ObjectId, keep: Date[] = []): Promise<void> {
  if (keep.length === 0) {
    await BookingClaimModel.deleteMany({ bookingId });
    return;
  }
  await BookingClaimModel.deleteMany({ bookingId, cell: { $nin: keep } });
}
