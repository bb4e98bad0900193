import type { Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { StrayMeetingModel } from '../../models/stray-meeting.model';
import type { JobQueue } from '../jobs/job-queue';
import type { ZoomApiClient } from '../zoom/zoom-api.client';
import { ZoomApiError } from '../zoom/zoom.errors';
import type { MeetingChangesService } from './meeting-changes.service';
import type { MeetingHost } from './meeting-host.service';
import { meetingInput } from './meeting-input';
import { bookingIdOfMeeting } from './meeting-ref';
import { driftOf, isMeetingGone, isRepairable, type MeetingRepair } from './meeting-repair.service';

export const JOB_RECONCILE_SWEEP = 'meeting-reconcile-sweep';
export const JOB_RECONCILE_HOST = 'meeting-reconcile-host';
/** Hosts are reconciled one after another over the interval, never further apart than this. */
const MAX_SPACING_MS = 30_000;
/** A meeting made for a booking that points at another one is a spare only once any create in flight has saved. */
const SPARE_AGE_MS = 10 * 60_000;

type Listed = Awaited<ReturnType<ZoomApiClient['listAllMeetings']>>[number];
export interface HostReport {
  checked: number;
  repaired: number;
  removed: number;
}

/**
 * The safety net for the webhooks Zoom drops after its three retries: every MEETING_RECONCILE_EVERY_MINUTES one sweep
 * (one instance at a time, through the job queue) queues a job per host with bookings in the next
 * MEETING_RECONCILE_DAYS, spread over the interval. Each lists the host's meetings once and repairs drift both ways:
 * a booking's meeting that is gone or differs (through the repair service, which counts against the quota), and a
 * meeting carrying our marker that no booking should have (its booking cancelled, or a spare of an unclear create).
 */
export function createMeetingReconcile(deps: {
  host: MeetingHost;
  api: ZoomApiClient;
  changes: Pick<MeetingChangesService, 'contextOf'>;
  repair: Pick<MeetingRepair, 'repair'>;
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
  everyMs: number;
  windowMs: number;
}) {
  const now = () => deps.clock.now();

  async function sweep(): Promise<{ hosts: number }> {
    const t = now();
    const ids = (
      (await BookingModel.distinct('specialistId', {
        end: { $gt: t },
        start: { $lt: new Date(t.getTime() + deps.windowMs) },
      })) as Types.ObjectId[]
    ).map(String);
    const hosts = [...(await deps.host.callableAmong(ids))];
    const spacing = Math.min(MAX_SPACING_MS, Math.floor((deps.everyMs || 3_600_000) / Math.max(1, hosts.length)));
    for (const [i, specialistId] of hosts.entries()) {
      const at = new Date(t.getTime() + i * spacing);
      await deps.jobs.schedule(JOB_RECONCILE_HOST, `${JOB_RECONCILE_HOST}:${specialistId}`, { specialistId }, at);
    }
    if (hosts.length > 0) deps.logger.info({ hosts: hosts.length }, 'Meeting reconciliation sweep');
    return { hosts: hosts.length };
  }

  /** Whether a booking's meeting as listed by Zoom is missing or differs from the booking. */
  async function drifted(booking: BookingRecord, listed: Listed | undefined): Promise<boolean> {
    if (!listed) return true;
    const input = meetingInput(booking, await deps.changes.contextOf(booking));
    return Object.keys(driftOf(listed, input)).length > 0;
  }

  /** A meeting of ours no booking should have: its booking is cancelled, or points at another meeting. */
  function unwanted(listed: Listed, booking: BookingRecord, t: Date): boolean {
    if (booking.status === 'cancelled') return true;
    if (booking.meeting.status !== 'created' || !booking.zoomMeetingId || booking.zoomMeetingId === listed.id)
      return false;
    const made = listed.created_at ? Date.parse(listed.created_at) : 0;
    return t.getTime() - made > SPARE_AGE_MS;
  }

  async function remove(specialistId: string, listed: Listed, booking: BookingRecord): Promise<boolean> {
    try {
      await deps.host.call(specialistId, (tk) => deps.api.deleteMeeting(tk, listed.id));
    } catch (error) {
      if (!isMeetingGone(error)) {
        if (!(error instanceof ZoomApiError) || error.retryable) throw error;
        // Zoom refuses: an admin has to look at it.
        await StrayMeetingModel.updateOne(
          { zoomMeetingId: listed.id },
          {
            $set: { state: 'orphaned', lastError: error.message },
            $setOnInsert: { specialistId, bookingId: booking._id, zoomUserId: listed.host_id ?? null },
          },
          { upsert: true },
        );
        return false;
      }
    }
    if (booking.status === 'cancelled' && booking.zoomMeetingId === listed.id) {
      await BookingModel.updateOne(
        { _id: booking._id, status: 'cancelled', zoomMeetingId: listed.id },
        { $set: { 'meeting.zoomDeleted': true, 'meeting.status': 'cancelled' } },
      );
    }
    deps.logger.info({ bookingId: booking._id, meetingId: listed.id }, 'Removed a Zoom meeting no booking uses');
    return true;
  }

  async function reconcileHost(specialistId: string): Promise<HostReport> {
    const t = now();
    const bookings = await BookingModel.find({
      specialistId,
      end: { $gt: t },
      start: { $lt: new Date(t.getTime() + deps.windowMs) },
    }).lean<BookingRecord[]>();
    const hostUsers = new Set(bookings.map((b) => b.meeting.hostZoomUserId).filter((h): h is string => Boolean(h)));
    // No meeting with a recorded host (s2s knows none in advance): nothing of ours to list yet.
    const knownHost = deps.host.knownHostUserId(specialistId);
    if (hostUsers.size === 0 && knownHost) hostUsers.add(knownHost);
    const listed: Listed[] = [];
    for (const hostUser of hostUsers)
      listed.push(...(await deps.host.call(specialistId, (tk) => deps.api.listAllMeetings(tk, hostUser))));
    const byId = new Map(listed.map((m) => [m.id, m]));
    const report: HostReport = { checked: 0, repaired: 0, removed: 0 };

    for (const booking of bookings) {
      if (!isRepairable(booking, t)) continue;
      report.checked += 1;
      if (!(await drifted(booking, byId.get(booking.zoomMeetingId!)))) continue;
      // The repair reads the meeting itself (a list can lag behind a change) and reserves quota before writing.
      const outcome = await deps.repair.repair(booking._id.toString(), 'reconcile');
      if (outcome.status === 'recreated' || outcome.status === 'set_back') report.repaired += 1;
    }

    const ours = listed
      .map((m) => ({ m, bookingId: bookingIdOfMeeting(m) }))
      .filter((x): x is { m: Listed; bookingId: string } => Boolean(x.bookingId));
    const known = await BookingModel.find({
      _id: { $in: ours.map((x) => x.bookingId) },
      specialistId,
    }).lean<BookingRecord[]>();
    const bookingOf = new Map(known.map((b) => [b._id.toString(), b]));
    for (const { m, bookingId } of ours) {
      // A marker naming no booking of this specialist belongs to someone else (another deployment): not ours to touch.
      const booking = bookingOf.get(bookingId);
      if (booking && unwanted(m, booking, t) && (await remove(specialistId, m, booking))) report.removed += 1;
    }
    if (report.repaired > 0 || report.removed > 0) deps.logger.info({ specialistId, ...report }, 'Reconciled');
    return report;
  }

  deps.jobs.define(JOB_RECONCILE_SWEEP, async () => {
    await sweep();
    if (deps.everyMs <= 0) return;
    return { nextRunAt: new Date(now().getTime() + deps.everyMs) };
  });

  deps.jobs.define(JOB_RECONCILE_HOST, async ({ specialistId }) => {
    await reconcileHost(specialistId!);
  });

  return {
    sweep,
    reconcileHost,
    /** Idempotent: one sweep job whatever the number of instances; removed when reconciliation is turned off. */
    async ensureScheduled(): Promise<void> {
      if (deps.everyMs > 0) await deps.jobs.schedule(JOB_RECONCILE_SWEEP, JOB_RECONCILE_SWEEP, {}, now());
      else await deps.jobs.cancel(JOB_RECONCILE_SWEEP);
    },
  };
}

export type MeetingReconcile = ReturnType<typeof createMeetingReconcile>;
