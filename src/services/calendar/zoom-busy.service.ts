import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { BookingModel } from '../../models/booking.model';
import { SpecialistProfileModel, type SpecialistProfileRecord } from '../../models/specialist-profile.model';
import { UserOAuthTokenModel } from '../../models/user-oauth-token.model';
import { ZoomBusyModel } from '../../models/zoom-busy.model';
import type { JobQueue } from '../jobs/job-queue';
import type { MeetingHost } from '../booking/meeting-host.service';
import type { ZoomApiClient } from '../zoom/zoom-api.client';
import { ZoomNotConnectedError } from '../zoom/zoom.errors';
// Our meetings carry the booking's marker in their agenda (older ones in their topic).
import { bookingIdOfMeeting } from '../booking/meeting-ref';

export interface ZoomBusyStatusDto {
  lastSyncAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** No good read for CALENDAR_FEED_STALE_HOURS (or none ever); the last good copy still blocks. */
  stale: boolean;
}

export const JOB_ZOOM_BUSY_SWEEP = 'zoom-busy-sweep';
export const JOB_ZOOM_BUSY = 'zoom-busy';
const DAY_MS = 86_400_000;

/**
 * User-managed mode: the specialist's own scheduled Zoom meetings (not made for our bookings) count as busy, unless
 * `zoomMeetingsBusy` is off. Refreshed by its own sweep at the calendar sync's pace; fails closed like feeds.
 */
export function createZoomBusyService(deps: {
  enabled: boolean;
  host: Pick<MeetingHost, 'call'>;
  api: Pick<ZoomApiClient, 'listAllMeetings'>;
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
  syncEveryMs: number;
  /** CALENDAR_FEED_STALE_HOURS: a copy older than this reads `stale`, as feeds do. */
  staleAfterMs: number;
}) {
  const now = () => deps.clock.now();

  async function sync(specialistId: string): Promise<void> {
    const profile = await SpecialistProfileModel.findOne({ userId: specialistId }).lean<SpecialistProfileRecord>();
    if (!deps.enabled || !profile || profile.zoomMeetingsBusy === false) return;
    const t = now();
    try {
      const [meetings, ours] = await Promise.all([
        deps.host.call(specialistId, (tk) => deps.api.listAllMeetings(tk, 'me')),
        BookingModel.distinct('zoomMeetingId', { specialistId, zoomMeetingId: { $ne: null } }),
      ]);
      const ourIds = new Set((ours as unknown[]).map(String));
      const until = t.getTime() + (profile.maxDaysAhead + 1) * DAY_MS;
      const busy = meetings
        .filter((m) => !ourIds.has(m.id) && !bookingIdOfMeeting(m) && m.start_time && m.duration)
        .map((m) => {
          const start = new Date(m.start_time!);
          return { start, end: new Date(start.getTime() + m.duration! * 60_000) };
        })
        .filter((b) => b.end.getTime() > t.getTime() - DAY_MS && b.start.getTime() < until);
      await ZoomBusyModel.updateOne(
        { specialistId },
        { $set: { busy, coveredUntil: new Date(until), lastSyncAt: t, lastError: null, lastErrorAt: null } },
        { upsert: true },
      );
    } catch (error) {
      // Fail closed: the last good copy keeps blocking; the error is kept for the profile and the logs.
      const reason = error instanceof ZoomNotConnectedError ? 'Zoom is not connected' : (error as Error).message;
      await ZoomBusyModel.updateOne(
        { specialistId },
        { $set: { lastError: reason.slice(0, 300), lastErrorAt: t } },
        { upsert: true },
      );
      deps.logger.warn({ specialistId, reason }, 'Reading the host’s Zoom meetings failed');
    }
  }

  deps.jobs.define(JOB_ZOOM_BUSY_SWEEP, async () => {
    const ids = ((await UserOAuthTokenModel.distinct('userId')) as unknown[]).map(String);
    const t = now().getTime();
    for (const [i, id] of ids.entries())
      await deps.jobs.schedule(JOB_ZOOM_BUSY, `${JOB_ZOOM_BUSY}:${id}`, { specialistId: id }, new Date(t + i * 200));
    if (deps.syncEveryMs <= 0) return;
    return { nextRunAt: new Date(now().getTime() + deps.syncEveryMs) };
  });
  deps.jobs.define(JOB_ZOOM_BUSY, async ({ specialistId }) => sync(specialistId!));

  return {
    sync,
    /**
     * How the copy of the host's own Zoom meetings stands (shown with the calendars): null when it is off (S2S mode,
     * `zoomMeetingsBusy` false) or was never read.
     */
    async status(specialistId: string): Promise<ZoomBusyStatusDto | null> {
      if (!deps.enabled) return null;
      const [copy, profile] = await Promise.all([
        ZoomBusyModel.findOne({ specialistId }).lean(),
        SpecialistProfileModel.findOne({ userId: specialistId }, { zoomMeetingsBusy: 1 }).lean(),
      ]);
      if (!copy || profile?.zoomMeetingsBusy === false) return null;
      const since = copy.lastSyncAt ?? copy.lastErrorAt;
      return {
        lastSyncAt: copy.lastSyncAt?.toISOString() ?? null,
        lastError: copy.lastError ?? null,
        lastErrorAt: copy.lastErrorAt?.toISOString() ?? null,
        stale: !copy.lastSyncAt || (since ? now().getTime() - since.getTime() > deps.staleAfterMs : false),
      };
    },
    /** Account deletion: the stored copy of the host's other Zoom meetings and its sync job. */
    async forget(specialistId: string): Promise<void> {
      await ZoomBusyModel.deleteMany({ specialistId });
      await deps.jobs.cancel(`${JOB_ZOOM_BUSY}:${specialistId}`);
    },
    async ensureScheduled(): Promise<void> {
      if (deps.enabled && deps.syncEveryMs > 0)
        await deps.jobs.schedule(JOB_ZOOM_BUSY_SWEEP, JOB_ZOOM_BUSY_SWEEP, {}, now());
      else await deps.jobs.cancel(JOB_ZOOM_BUSY_SWEEP);
      // Off (S2S mode): copies left from user-managed days would never be refreshed, and time past what they cover
      // counts as busy, so they would block every slot from then on. They mean nothing here: drop them.
      if (!deps.enabled) await ZoomBusyModel.deleteMany({});
    },
  };
}

export type ZoomBusyService = ReturnType<typeof createZoomBusyService>;
