import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { BookingClaimModel } from '../../models/booking-claim.model';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { SpecialistProfileModel } from '../../models/specialist-profile.model';
import { cellsFor } from '../booking/calendar-claims.service';
import type { JobQueue } from './job-queue';

export const JOB_MAINTENANCE = 'maintenance';
const EVERY_MS = 60_000;
const ORPHAN_AGE_MS = 10 * 60_000;

/**
 * A self-rescheduling job that repairs what a crash between two writes can leave behind: calendar cells claimed by a
 * booking that was never stored or was cancelled, and whatever the extra sweeps look after.
 */
export function registerMaintenance(deps: {
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
  /** Further repairs (e.g. confirmation mail a crash left unsent). */
  sweeps?: Array<() => Promise<unknown>>;
}) {
  const now = () => deps.clock.now();

  async function sweep(): Promise<{ claims: number }> {
    for (const extra of deps.sweeps ?? []) await extra();
    const old = new Date(now().getTime() - ORPHAN_AGE_MS);
    const ids = ((await BookingClaimModel.distinct('bookingId', { createdAt: { $lt: old } })) as unknown[]).map(String);
    const orphans: string[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const live = await BookingModel.find({ _id: { $in: chunk }, status: 'confirmed' }, { _id: 1 }).lean();
      const liveIds = new Set(live.map((b) => b._id.toString()));
      orphans.push(...chunk.filter((id) => !liveIds.has(id)));
    }
    if (orphans.length > 0) {
      await BookingClaimModel.deleteMany({ bookingId: { $in: orphans }, createdAt: { $lt: old } });
      deps.logger.warn(
        { bookings: orphans.length },
        'Released calendar cells of bookings that were never stored or are cancelled',
      );
    }
    return { claims: orphans.length + (await releasePreviousTimes(old)) };
  }

  /** Cells a moved booking still holds at its previous time (a crash between the move and the release). */
  async function releasePreviousTimes(old: Date): Promise<number> {
    const moved = await BookingModel.find({ staleCellsSince: { $lt: old } })
      .limit(200)
      .lean<BookingRecord[]>();
    let released = 0;
    for (const b of moved) {
      if (b.status === 'confirmed') {
        const profile = await SpecialistProfileModel.findOne({ userId: b.specialistId }, { bufferMinutes: 1 }).lean();
        const keep = cellsFor(b.start, b.end, profile?.bufferMinutes ?? 0);
        // Only cells older than the grace: a move in flight right now keeps the cells it has just claimed.
        const gone = await BookingClaimModel.deleteMany({
          bookingId: b._id,
          cell: { $nin: keep },
          createdAt: { $lt: old },
        });
        released += gone.deletedCount;
      }
      await BookingModel.updateOne({ _id: b._id, sequence: b.sequence }, { $set: { staleCellsSince: null } });
    }
    if (released > 0) deps.logger.warn({ cells: released }, 'Released calendar cells held by bookings’ previous times');
    return released;
  }

  deps.jobs.define(JOB_MAINTENANCE, async () => {
    await sweep();
    return { nextRunAt: new Date(now().getTime() + EVERY_MS) };
  });

  return {
    sweep,
    /** Idempotent: one maintenance job exists whatever the number of instances. */
    async ensureScheduled(): Promise<void> {
      await deps.jobs.schedule(JOB_MAINTENANCE, JOB_MAINTENANCE, {}, now());
    },
  };
}
