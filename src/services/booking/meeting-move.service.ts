import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { compareAndSet } from '../../db/compare-and-set';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { RetiredGrantModel, type RetiredGrantRecord } from '../../models/retired-grant.model';
import { StrayMeetingModel } from '../../models/stray-meeting.model';
import type { JobQueue } from '../jobs/job-queue';
import type { ZoomApiClient } from '../zoom/zoom-api.client';
import type { RetiredGrants } from '../zoom/retired-grant.service';
import { ZoomApiError, ZoomNotConnectedError } from '../zoom/zoom.errors';
import type { MeetingChangesService } from './meeting-changes.service';
import type { MeetingHost } from './meeting-host.service';
import { meetingInput } from './meeting-input';
import { isMeetingGone, isRepairable, type MeetingRepair } from './meeting-repair.service';
import { quotaKeyOf, type ZoomQuota } from './zoom-quota';

export const JOB_RECONNECT_MOVE = 'meeting-reconnect-move';
/** The request moves the meetings itself; its durable job takes over after this if the process died. */
const JOB_GRACE_MS = 5 * 60_000;
const LATER_MS = 60_000;

type Entry = { bookingId: string; zoomMeetingId: string; cancelled?: boolean | null };
type Step = { done: true } | { done: false; at: Date };

/**
 * A reconnect that brought a different Zoom account: every upcoming confirmed booking's meeting is made in the new
 * account (the booking moves to it with a compare-and-set on its old meeting id, and both parties get an updated
 * invitation), then each meeting left in the old account is deleted with the old grant, which is revoked only after
 * that. Meetings the old grant cannot delete (it is dead) are kept as `orphaned` strays for the admins.
 */
export function createMeetingMove(deps: {
  host: MeetingHost;
  api: ZoomApiClient;
  changes: Pick<MeetingChangesService, 'contextOf'>;
  repair: Pick<MeetingRepair, 'announceRenewal' | 'noteRenewal' | 'removeSpare'>;
  retired: RetiredGrants;
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
  quota?: ZoomQuota;
}) {
  const now = () => deps.clock.now();
  const later = (ms = LATER_MS) => ({ done: false as const, at: new Date(now().getTime() + ms) });

  /** Before the new grant is stored: which meetings live in the old account, and a job that finishes the move. */
  async function prepare(specialistId: string, retiredGrantId: string): Promise<void> {
    const bookings = await BookingModel.find({
      specialistId,
      end: { $gt: now() },
      zoomMeetingId: { $ne: null },
      $or: [
        { status: 'confirmed', 'meeting.status': 'created' },
        { status: 'cancelled', 'meeting.zoomDeleted': false },
      ],
    }).lean<BookingRecord[]>();
    const meetings: Entry[] = bookings.map((b) => ({
      bookingId: b._id.toString(),
      zoomMeetingId: b.zoomMeetingId!,
      cancelled: b.status === 'cancelled',
    }));
    await RetiredGrantModel.updateOne({ _id: retiredGrantId }, { $set: { meetings } });
    const at = new Date(now().getTime() + JOB_GRACE_MS);
    await deps.jobs.schedule(JOB_RECONNECT_MOVE, `${JOB_RECONNECT_MOVE}:${retiredGrantId}`, { retiredGrantId }, at);
  }

  /** Makes the booking's meeting in the new account unless it has moved (or ended, or was cancelled) already. */
  async function moveOne(rg: RetiredGrantRecord, entry: Entry): Promise<Step & { moved?: boolean }> {
    for (let round = 0; round < 3; round += 1) {
      const b = await BookingModel.findById(entry.bookingId).lean<BookingRecord>();
      if (!b || b.zoomMeetingId !== entry.zoomMeetingId || !isRepairable(b, now())) return { done: true };
      const reserved = deps.quota ? await deps.quota.reserve(quotaKeyOf(b)) : ({ ok: true } as const);
      if (!reserved.ok) return { done: false, at: reserved.resumeAt };
      const specialistId = b.specialistId.toString();
      const input = meetingInput(b, await deps.changes.contextOf(b));
      const hostUserId = b.meeting.hostZoomUserId ?? 'me';
      const made = await deps.host.call(specialistId, (tk) => deps.api.createMeeting(tk, hostUserId, input));
      await deps.repair.noteRenewal(entry.bookingId, made.id, 'reconnect_moved', b.sequence + 1);
      const won = await compareAndSet(
        BookingModel,
        { _id: b._id, status: 'confirmed', sequence: b.sequence, zoomMeetingId: entry.zoomMeetingId },
        {
          $set: {
            zoomMeetingId: made.id,
            zoomJoinUrl: made.join_url,
            'meeting.syncedSequence': b.sequence + 1,
            'meeting.lastError': null,
            'meeting.lastRepair': { at: now(), cause: 'reconnect_moved' },
          },
          $inc: { sequence: 1 },
        },
      );
      if (won) {
        await RetiredGrantModel.updateOne({ _id: rg._id }, { $inc: { moved: 1 } });
        const notice = { meetingId: made.id, sequence: b.sequence + 1 };
        await deps.repair.announceRenewal(entry.bookingId, 'reconnect_moved', notice);
        return { done: true, moved: true };
      }
      // Changed meanwhile (moved, cancelled): the meeting just made must not stay (a failed delete is retried).
      await deps.repair.removeSpare(entry.bookingId, specialistId, made.id);
    }
    return later(5_000);
  }

  /** Deletes the old account's meeting once no upcoming booking uses it; a dead old grant leaves it orphaned. */
  async function removeOld(rg: RetiredGrantRecord, entry: Entry): Promise<Step> {
    const b = await BookingModel.findById(entry.bookingId).lean<BookingRecord>();
    if (b && isRepairable(b, now()) && b.zoomMeetingId === entry.zoomMeetingId) return later();
    const stray = { zoomMeetingId: entry.zoomMeetingId };
    const known = await StrayMeetingModel.findOne(stray).lean();
    if (known && known.state !== 'to_delete') return { done: true };
    if (!known) {
      await StrayMeetingModel.updateOne(
        stray,
        {
          $setOnInsert: {
            ...stray,
            specialistId: rg.specialistId,
            bookingId: entry.bookingId,
            zoomUserId: rg.zoomUserId,
            retiredGrantId: rg._id,
            state: 'to_delete',
          },
        },
        { upsert: true },
      );
    }
    const id = rg._id.toString();
    try {
      await deps.retired.withToken(id, (tk) => deps.api.deleteMeeting(tk, entry.zoomMeetingId));
    } catch (error) {
      const refused = error instanceof ZoomNotConnectedError || (error instanceof ZoomApiError && !error.retryable);
      if (!isMeetingGone(error)) {
        if (!refused) throw error;
        await StrayMeetingModel.updateOne(stray, { $set: { state: 'orphaned', lastError: (error as Error).message } });
        return { done: true };
      }
    }
    await StrayMeetingModel.updateOne(stray, { $set: { state: 'deleted', lastError: null } });
    if (b?.status === 'cancelled' && b.zoomMeetingId === entry.zoomMeetingId)
      await BookingModel.updateOne({ _id: b._id }, { $set: { 'meeting.zoomDeleted': true } });
    return { done: true };
  }

  /** Moves what is left to move; revokes the old grant when nothing in its account is left to delete. */
  async function finish(retiredGrantId: string): Promise<{ moved: number; next?: Date }> {
    const rg = await RetiredGrantModel.findById(retiredGrantId).lean<RetiredGrantRecord>();
    if (!rg || rg.finishedAt) return { moved: 0 };
    const entries = (rg.meetings ?? []) as Entry[];
    let moved = 0;
    let next: Date | undefined;
    const wait = (step: Step) => {
      if (!step.done && (!next || step.at < next)) next = step.at;
    };
    for (const entry of entries.filter((e) => !e.cancelled)) {
      const step = await moveOne(rg, entry);
      if (step.done && step.moved) moved += 1;
      wait(step);
    }
    for (const entry of entries) wait(await removeOld(rg, entry));
    const orphaned = await StrayMeetingModel.countDocuments({ retiredGrantId: rg._id, state: 'orphaned' });
    await RetiredGrantModel.updateOne({ _id: rg._id }, { $set: { orphaned } });
    if (next) return { moved, next };
    await deps.retired.revoke(retiredGrantId);
    await RetiredGrantModel.updateOne({ _id: rg._id }, { $set: { finishedAt: now() } });
    deps.logger.info({ specialistId: rg.specialistId, moved: rg.moved + moved, orphaned }, 'Zoom meetings moved');
    return { moved };
  }

  deps.jobs.define(JOB_RECONNECT_MOVE, async ({ retiredGrantId }) => {
    const { next } = await finish(retiredGrantId!);
    if (next) return { retryAt: next };
  });

  return {
    prepare,
    /** The callback's own run: how many meetings moved now (the durable job finishes whatever is left). */
    async moveNow(retiredGrantId: string): Promise<number> {
      try {
        return (await finish(retiredGrantId)).moved;
      } catch (error) {
        const rg = await RetiredGrantModel.findById(retiredGrantId).lean<RetiredGrantRecord>();
        const key = `${JOB_RECONNECT_MOVE}:${retiredGrantId}`;
        deps.logger.warn(
          {
            specialistId: rg?.specialistId,
            retiredGrantId,
            job: JOB_RECONNECT_MOVE,
            key,
            err: (error as Error).message,
          },
          'Moving Zoom meetings failed; its job retries',
        );
        await deps.jobs.schedule(JOB_RECONNECT_MOVE, key, { retiredGrantId }, now());
        return rg?.moved ?? 0;
      }
    },
  };
}

export type MeetingMove = ReturnType<typeof createMeetingMove>;
