import { isValidObjectId, Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { NotFoundError, UnprocessableError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import type { TokenCipher } from '../../lib/token-cipher';
import { CalendarFeedModel, type CalendarFeedRecord } from '../../models/calendar-feed.model';
import { SpecialistProfileModel, type SpecialistProfileRecord } from '../../models/specialist-profile.model';
import { UserModel } from '../../models/user.model';
import type { UserService } from '../auth/user.service';
import type { JobQueue } from '../jobs/job-queue';
import { staleFeedMail } from '../mail/calendar-mail.templates';
import type { MailOutbox } from '../mail/mail-outbox.service';
import { RESEAL_BATCH, resealEach, sealedUnderOtherKey, type ResealReport } from '../sealed-fields';
import { busyFromIcs, IcsParseError } from './ics-busy';
import { FeedFetchError, normaliseFeedUrl, type FeedFetcher } from './safe-fetch';

export const MAX_FEEDS = 5;
export const JOB_CALENDAR_SWEEP = 'calendar-sync-sweep';
export const JOB_CALENDAR_FEED = 'calendar-sync-feed';
const DAY_MS = 86_400_000;
/** Longer than a sync can take (fetch deadline at most 120 s, expansion 2 s): a crashed sync's lease lapses. */
const SYNC_LEASE_MS = 5 * 60_000;

export interface CalendarFeedDto {
  id: string;
  label: string;
  host: string;
  /** The address's last characters, to tell feeds on one host apart; the address itself is never shown. */
  hint: string;
  lastSyncAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** True once the last good sync is older than CALENDAR_FEED_STALE_HOURS. */
  stale: boolean;
  busyCount: number;
}

/**
 * Specialists' calendar feeds: added after a first good fetch, synced by a durable sweep (one job per feed, so one
 * instance at a time per feed) with ETag/If-Modified-Since, and expanded over the booking horizon into busy intervals.
 */
export function createCalendarFeedService(deps: {
  fetcher: FeedFetcher;
  cipher: TokenCipher;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  mail: Pick<MailOutbox, 'enqueueMany'>;
  users: Pick<UserService, 'findAdmins'>;
  frontendUrl: string;
  /** 0 = no periodic sync. */
  syncEveryMs: number;
  staleAfterMs: number;
}) {
  const now = () => deps.clock.now();
  const isStale = (f: CalendarFeedRecord) =>
    now().getTime() - (f.lastSyncAt ?? f.createdAt).getTime() > deps.staleAfterMs;

  const toDto = (f: CalendarFeedRecord): CalendarFeedDto => ({
    id: f._id.toString(),
    label: f.label,
    host: f.host,
    hint: f.hint,
    lastSyncAt: f.lastSyncAt?.toISOString() ?? null,
    lastError: f.lastError ?? null,
    lastErrorAt: f.lastErrorAt?.toISOString() ?? null,
    stale: isStale(f),
    busyCount: f.busy.length,
  });

  /** The expansion window: from a day ago to the end of the specialist's booking horizon (plus a day). */
  async function windowOf(specialistId: Types.ObjectId | string) {
    const [profile, user] = await Promise.all([
      SpecialistProfileModel.findOne({ userId: specialistId }).lean<SpecialistProfileRecord>(),
      UserModel.findById(specialistId, { timezone: 1 }).lean(),
    ]);
    const t = now().getTime();
    return {
      timezone: profile?.timezone ?? user?.timezone ?? 'UTC',
      from: new Date(t - DAY_MS),
      to: new Date(t + ((profile?.maxDaysAhead ?? 60) + 1) * DAY_MS),
    };
  }

  /** The feed's address is sealed to the feed and field (the cipher's associated data). */
  const sealAt = (feedId: string) => ({ record: feedId, field: 'urlSealed' });

  /**
   * Opens the feed's address; a value sealed before (another key, unbound) is written again under the current key,
   * with a compare-and-set on the value read, so TOKEN_ENCRYPTION_KEY_PREVIOUS can go once every feed was read.
   */
  async function addressOf(feed: CalendarFeedRecord): Promise<string> {
    const at = sealAt(feed._id.toString());
    const url = deps.cipher.decrypt(feed.urlSealed, at);
    if (!deps.cipher.isCurrent(feed.urlSealed, at))
      await CalendarFeedModel.updateOne(
        { _id: feed._id, urlSealed: feed.urlSealed },
        { $set: { urlSealed: deps.cipher.encrypt(url, at) } },
      );
    return url;
  }

  /** Fetches and expands; throws FeedFetchError or IcsParseError with a reason fit to show. */
  async function fetchBusy(url: string, specialistId: Types.ObjectId | string, conditional = {}) {
    const window = await windowOf(specialistId);
    const fetched = await deps.fetcher.fetch(url, conditional);
    if (fetched.status === 'not-modified') return { fetched, window, busy: undefined };
    return { fetched, window, busy: busyFromIcs(fetched.body!, window) };
  }

  async function syncFeed(feedId: string): Promise<CalendarFeedRecord | null> {
    const feed = await CalendarFeedModel.findById(feedId).lean<CalendarFeedRecord>();
    if (!feed) return null;
    const t = now();
    // One sync of a feed at a time, whoever asks (sync now, the job, another instance): a compare-and-set on the lease
    // read. A sync that finds it held does not fetch; the one running writes the result.
    const held = feed.syncLockedUntil && feed.syncLockedUntil.getTime() > t.getTime();
    const lease = new Date(t.getTime() + SYNC_LEASE_MS);
    const won =
      !held &&
      (
        await CalendarFeedModel.updateOne(
          { _id: feed._id, syncLockedUntil: feed.syncLockedUntil ?? null },
          { $set: { syncLockedUntil: lease } },
        )
      ).modifiedCount === 1;
    if (!won) return CalendarFeedModel.findById(feedId).lean<CalendarFeedRecord>();
    const mine = { _id: feed._id, syncLockedUntil: lease };
    try {
      const window = await windowOf(feed.specialistId);
      // A 304 keeps the stored expansion, which is only right while it still covers the horizon (give or take a day)
      // and was made in the specialist's current zone (all-day and floating events are read in it).
      const fresh =
        feed.expandedUntil &&
        feed.expandedUntil.getTime() >= window.to.getTime() - DAY_MS &&
        feed.expandedZone === window.timezone;
      const conditional = fresh ? { etag: feed.etag, lastModified: feed.lastModified } : {};
      const result = await fetchBusy(await addressOf(feed), feed.specialistId, conditional);
      const update: Partial<CalendarFeedRecord> = {
        lastSyncAt: t,
        lastError: null,
        lastErrorAt: null,
        staleNotifiedAt: null,
        syncLockedUntil: null,
      };
      if (result.busy) {
        Object.assign(update, {
          busy: result.busy,
          expandedUntil: result.window.to,
          expandedZone: result.window.timezone,
          etag: result.fetched.etag ?? null,
          lastModified: result.fetched.lastModified ?? null,
        });
      }
      await CalendarFeedModel.updateOne(mine, { $set: update });
    } catch (error) {
      if (!(error instanceof FeedFetchError || error instanceof IcsParseError)) {
        await CalendarFeedModel.updateOne(mine, { $set: { syncLockedUntil: null } });
        throw error;
      }
      // The last good copy stays: a failing feed keeps blocking what it blocked.
      await CalendarFeedModel.updateOne(mine, {
        $set: { lastError: error.message, lastErrorAt: t, syncLockedUntil: null },
      });
      deps.logger.warn(
        { feedId, specialistId: feed.specialistId, host: feed.host, reason: error.message },
        'Calendar feed sync failed',
      );
    }
    const after = await CalendarFeedModel.findById(feedId).lean<CalendarFeedRecord>();
    if (after && isStale(after) && !after.staleNotifiedAt) await tellStale(after);
    return after;
  }

  /** Once per stale spell: the first caller to set staleNotifiedAt queues the mails. */
  async function tellStale(feed: CalendarFeedRecord) {
    const won = await CalendarFeedModel.updateOne(
      { _id: feed._id, staleNotifiedAt: null },
      { $set: { staleNotifiedAt: now() } },
    );
    if (won.modifiedCount !== 1) return;
    const specialist = await UserModel.findById(feed.specialistId).lean();
    const admins = await deps.users.findAdmins();
    const to = [...(specialist ? [{ email: specialist.email, name: specialist.name }] : []), ...admins];
    await deps.mail.enqueueMany(
      to.map((r) =>
        staleFeedMail({
          to: { email: r.email, name: r.name },
          feedId: feed._id.toString(),
          label: feed.label,
          host: feed.host,
          lastSyncAt: feed.lastSyncAt ?? null,
          lastError: feed.lastError ?? null,
          profileUrl: `${deps.frontendUrl}/specialist/profile`,
        }),
      ),
    );
  }

  async function ownFeed(specialistId: string, feedId: string) {
    if (!isValidObjectId(feedId)) throw new NotFoundError('Calendar');
    const feed = await CalendarFeedModel.findOne({ _id: feedId, specialistId }).lean<CalendarFeedRecord>();
    if (!feed) throw new NotFoundError('Calendar');
    return feed;
  }

  deps.jobs.define(JOB_CALENDAR_SWEEP, async () => {
    const feeds = await CalendarFeedModel.find({}, { _id: 1 }).lean();
    const t = now().getTime();
    for (const [i, f] of feeds.entries()) {
      const id = f._id.toString();
      await deps.jobs.schedule(JOB_CALENDAR_FEED, `${JOB_CALENDAR_FEED}:${id}`, { feedId: id }, new Date(t + i * 200));
    }
    if (deps.syncEveryMs <= 0) return;
    return { nextRunAt: new Date(now().getTime() + deps.syncEveryMs) };
  });
  deps.jobs.define(JOB_CALENDAR_FEED, async ({ feedId }) => {
    await syncFeed(feedId!);
  });

  return {
    syncFeed,

    async list(specialistId: string): Promise<CalendarFeedDto[]> {
      const feeds = await CalendarFeedModel.find({ specialistId }).sort({ createdAt: 1 }).lean<CalendarFeedRecord[]>();
      return feeds.map(toDto);
    },

    async add(specialistId: string, input: { url: string; label: string }): Promise<CalendarFeedDto> {
      if ((await CalendarFeedModel.countDocuments({ specialistId })) >= MAX_FEEDS)
        throw new UnprocessableError(`At most ${MAX_FEEDS} calendars`, 'CALENDAR_FEED_LIMIT');
      let url: URL;
      let result: Awaited<ReturnType<typeof fetchBusy>>;
      try {
        url = normaliseFeedUrl(input.url);
        result = await fetchBusy(url.toString(), specialistId);
      } catch (error) {
        if (error instanceof FeedFetchError || error instanceof IcsParseError)
          throw new UnprocessableError(`This calendar could not be added: ${error.message}`, 'CALENDAR_FEED_INVALID', {
            reason: error.message,
          });
        throw error;
      }
      const t = now();
      const href = url.toString();
      const _id = new Types.ObjectId();
      const [feed] = await CalendarFeedModel.insertMany([
        {
          _id,
          specialistId: new Types.ObjectId(specialistId),
          label: input.label,
          urlSealed: deps.cipher.encrypt(href, sealAt(_id.toString())),
          host: url.hostname,
          hint: `…${href.slice(-4)}`,
          createdAt: t,
          busy: result.busy ?? [],
          expandedUntil: result.window.to,
          expandedZone: result.window.timezone,
          etag: result.fetched.etag ?? null,
          lastModified: result.fetched.lastModified ?? null,
          lastSyncAt: t,
        },
      ]);
      // Two adds at once may both pass the count: the later one gives way.
      const mine = await CalendarFeedModel.find({ specialistId }, { _id: 1 }).sort({ createdAt: 1, _id: 1 }).lean();
      if (mine.findIndex((f) => f._id.equals(feed!._id)) >= MAX_FEEDS) {
        await CalendarFeedModel.deleteOne({ _id: feed!._id });
        throw new UnprocessableError(`At most ${MAX_FEEDS} calendars`, 'CALENDAR_FEED_LIMIT');
      }
      return toDto(feed!.toObject() as CalendarFeedRecord);
    },

    async remove(specialistId: string, feedId: string): Promise<void> {
      const feed = await ownFeed(specialistId, feedId);
      await CalendarFeedModel.deleteOne({ _id: feed._id, specialistId });
      await deps.jobs.cancel(`${JOB_CALENDAR_FEED}:${feedId}`);
    },

    /** Account deletion: every feed of the specialist (its sealed address and busy copy) and its sync job. */
    async forgetSpecialist(specialistId: string): Promise<void> {
      const feeds = await CalendarFeedModel.find({ specialistId }, { _id: 1 }).lean<Array<{ _id: Types.ObjectId }>>();
      await CalendarFeedModel.deleteMany({ specialistId });
      for (const feed of feeds) await deps.jobs.cancel(`${JOB_CALENDAR_FEED}:${feed._id.toString()}`);
    },

    async syncNow(specialistId: string, feedId: string): Promise<CalendarFeedDto> {
      await ownFeed(specialistId, feedId);
      const after = await syncFeed(feedId);
      if (!after) throw new NotFoundError('Calendar');
      return toDto(after);
    },

    /** Key rotation: rewrites feed addresses still sealed with another key (maintenance, while rotating). */
    resealStale(): Promise<ResealReport> {
      const stale = sealedUnderOtherKey(deps.cipher, ['urlSealed']);
      return resealEach(
        (after) =>
          CalendarFeedModel.find(after ? { ...stale, _id: { $gt: after } } : stale)
            .sort({ _id: 1 })
            .limit(RESEAL_BATCH)
            .lean<CalendarFeedRecord[]>(),
        addressOf,
      );
    },

    /** Idempotent: one sweep job whatever the number of instances. */
    async ensureScheduled(): Promise<void> {
      if (deps.syncEveryMs > 0) await deps.jobs.schedule(JOB_CALENDAR_SWEEP, JOB_CALENDAR_SWEEP, {}, now());
      else await deps.jobs.cancel(JOB_CALENDAR_SWEEP);
    },
  };
}

export type CalendarFeedService = ReturnType<typeof createCalendarFeedService>;
