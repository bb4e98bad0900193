import { DateTime } from 'luxon';
import type { Clock } from '../../lib/clock';
import { isDuplicateKeyError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { AdminDigestModel } from '../../models/admin-digest.model';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { UserOAuthTokenModel, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import { UserModel } from '../../models/user.model';
import type { UserService } from '../auth/user.service';
import type { JobQueue } from '../jobs/job-queue';
import type { MailOutbox } from '../mail/mail-outbox.service';
import { adminDigestMail, type DigestSection } from '../mail/zoom-mail.templates';
import { pendingMeetingFilter } from './grant-alerts.service';
import { STATE_FILTERS } from './grant-state';
import type { RefreshLog } from './refresh-log.service';

export const JOB_ADMIN_DIGEST = 'admin-digest';
const DAY_MS = 86_400_000;
const MAX_LINES = 30;
const REASON_WORDS: Record<string, string> = {
  lost_response: "lost_response: we lost Zoom's answer to a refresh",
  revoked: 'revoked at Zoom',
  invalid_grant: 'invalid_grant: Zoom refused the refresh token',
};

/**
 * The daily mail to every admin at ADMIN_DIGEST_HOUR_UTC: connections needing attention, meetings that failed or are
 * still pending within 24 hours, and the last day's refresh failures. Nothing is sent when all is well. A document
 * per UTC day (unique) is the claim, so it goes out once a day across all instances.
 */
export function createAdminDigest(deps: {
  jobs: JobQueue;
  mail: MailOutbox;
  users: UserService;
  refreshLog: Pick<RefreshLog, 'failuresSince' | 'prune'>;
  clock: Clock;
  logger: Logger;
  hourUtc: number;
  frontendUrl: string;
  /** The refresh log is pruned here too, so it stays bounded with the keep-alive sweep turned off. */
  logMaxAgeMs: number;
  /** Meetings orphaned (left in an old Zoom account, or not deletable) and repaired in the last day. */
  meetingSections?: () => Promise<DigestSection[]>;
}) {
  const now = () => deps.clock.now();
  const todayAt = (t: Date) =>
    DateTime.fromJSDate(t, { zone: 'utc' }).set({ hour: deps.hourUtc, minute: 0, second: 0, millisecond: 0 });
  const nextRunAfter = (t: Date) => {
    const today = todayAt(t);
    return (today.toMillis() > t.getTime() ? today : today.plus({ days: 1 })).toJSDate();
  };
  const when = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' }).toFormat("yyyy-LL-dd HH:mm 'UTC'");

  async function names(ids: unknown[]): Promise<Map<string, string>> {
    const users = await UserModel.find({ _id: { $in: ids } }).lean();
    return new Map(users.map((u) => [u._id.toString(), `${u.name} <${u.email}>`]));
  }

  async function connectionsSection(t: Date): Promise<DigestSection> {
    const pending = await BookingModel.find(pendingMeetingFilter(t)).lean<BookingRecord[]>();
    const pendingBy = new Map<string, number>();
    for (const b of pending)
      pendingBy.set(b.specialistId.toString(), (pendingBy.get(b.specialistId.toString()) ?? 0) + 1);
    const grants = await UserOAuthTokenModel.find({
      $or: [STATE_FILTERS.needs_reauth, { ...STATE_FILTERS.revoked, userId: { $in: [...pendingBy.keys()] } }],
    }).lean<UserOAuthTokenRecord[]>();
    const who = await names(grants.slice(0, MAX_LINES).map((g) => g.userId));
    const lines = grants.slice(0, MAX_LINES).map((g) => {
      const id = g.userId.toString();
      const state =
        g.needsReauth && !g.isRevoked
          ? `needs reconnect, ${REASON_WORDS[g.reauthReason ?? 'invalid_grant'] ?? g.reauthReason} (Zoom said: ${g.lastRefreshError ?? 'unknown'})`
          : 'disconnected';
      return `${who.get(id) ?? id}: ${state}, ${pendingBy.get(id) ?? 0} meeting(s) waiting`;
    });
    return { title: 'Connections needing attention', lines, total: grants.length };
  }

  async function meetingsSection(t: Date): Promise<DigestSection> {
    const query = {
      status: 'confirmed' as const,
      end: { $gt: t },
      $or: [
        { 'meeting.status': 'failed' as const },
        { 'meeting.status': 'pending' as const, start: { $lt: new Date(t.getTime() + DAY_MS) } },
      ],
    };
    const [bookings, total] = await Promise.all([
      BookingModel.find(query).sort({ start: 1 }).limit(MAX_LINES).lean<BookingRecord[]>(),
      BookingModel.countDocuments(query),
    ]);
    const who = await names(bookings.map((b) => b.specialistId));
    const lines = bookings.map(
      (b) =>
        `${when(b.start)}, ${who.get(b.specialistId.toString()) ?? 'unknown specialist'}: meeting ${b.meeting.status}` +
        (b.meeting.lastError ? ` (${b.meeting.lastError})` : '') +
        ` (booking ${b._id.toString()})`,
    );
    return { title: 'Meetings failed or pending within 24 hours', lines, total };
  }

  async function failuresSection(t: Date): Promise<DigestSection> {
    const { items, total } = await deps.refreshLog.failuresSince(new Date(t.getTime() - DAY_MS), MAX_LINES);
    const who = await names(items.map((e) => e.specialistId));
    const lines = items.map(
      (e) =>
        `${when(new Date(e.at))}, ${who.get(e.specialistId) ?? e.specialistId}: ${e.outcome} (${e.error ?? 'no reason'}, ${e.trigger})`,
    );
    return { title: 'Token refresh failures in the last day', lines, total };
  }

  /** Sends today's digest if its hour has come and no instance has handled today yet. */
  async function runIfDue(): Promise<'not_due' | 'already_done' | 'healthy' | 'mailed'> {
    const t = now();
    if (todayAt(t).toMillis() > t.getTime()) return 'not_due';
    const day = todayAt(t).toISODate()!;
    const claimed = await AdminDigestModel.updateOne(
      { day },
      { $setOnInsert: { day, claimedAt: t, mailed: false } },
      { upsert: true },
    ).catch((error: unknown) => {
      if (isDuplicateKeyError(error)) return { upsertedId: null };
      throw error;
    });
    if (!claimed.upsertedId) return 'already_done';
    await deps.refreshLog.prune(new Date(t.getTime() - deps.logMaxAgeMs));
    const meetingSections = deps.meetingSections?.() ?? Promise.resolve([]);
    const all = [connectionsSection(t), meetingsSection(t), failuresSection(t), meetingSections];
    const sections = (await Promise.all(all)).flat().filter((s) => s.total > 0);
    const summary = Object.fromEntries(sections.map((s) => [s.title, s.total]));
    if (sections.length === 0) return 'healthy';
    for (const admin of await deps.users.findAdmins()) {
      await deps.mail.enqueue(adminDigestMail({ day, to: admin, sections, adminUrl: `${deps.frontendUrl}/admin` }));
    }
    await AdminDigestModel.updateOne({ day }, { $set: { mailed: true, summary } });
    deps.logger.info({ day, summary }, 'Admin digest queued');
    return 'mailed';
  }

  deps.jobs.define(JOB_ADMIN_DIGEST, async () => {
    await runIfDue();
    return { nextRunAt: nextRunAfter(now()) };
  });

  return {
    runIfDue,
    /** Idempotent: one digest job whatever the number of instances (a late start still sends today's digest once). */
    async ensureScheduled(): Promise<void> {
      await deps.jobs.schedule(JOB_ADMIN_DIGEST, JOB_ADMIN_DIGEST, {}, now());
    },
  };
}

export type AdminDigest = ReturnType<typeof createAdminDigest>;
