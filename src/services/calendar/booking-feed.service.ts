import { createHash, randomBytes } from 'node:crypto';
import ICAL from 'ical.js';
import type { Clock } from '../../lib/clock';
import { isDuplicateKeyError, NotFoundError } from '../../lib/errors';
import type { TokenCipher } from '../../lib/token-cipher';
import { BookingModel, customerBookingsFilter, type BookingRecord } from '../../models/booking.model';
import { CalendarSubscriptionModel, type CalendarSubscriptionRecord } from '../../models/calendar-subscription.model';
import { UserModel } from '../../models/user.model';
import { RESEAL_BATCH, resealEach, sealedUnderOtherKey, type ResealReport } from '../sealed-fields';
import type { JwtService } from '../auth/jwt.service';
import { START_LINK_PURPOSE } from '../booking/booking-notification.service';
import { hostedBySharedUser } from '../booking/meeting-host.service';

/** Bookings that ended this long ago still show (a calendar app keeps yesterday's session). */
const RECENT_MS = 30 * 86_400_000;
const MAX_EVENTS = 1000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
/** The invitations' UID (booking-mail.templates), so a subscribed event and an invitation are one event. */
export const bookingUid = (bookingId: string) => `booking-${bookingId}@specialist-booking`;

/**
 * Each user's secret, rotatable subscription address for their bookings, and the feed behind it. The feed is built
 * with ical.js (escaping and line folding as RFC 5545 wants); it has no METHOD, as a published calendar. An address
 * belongs to the user's `accessVersion` it was issued under: once auth raises it (who may see the bookings changed:
 * a reset, a verified address, an email change, a takeover, deletion) the address answers 404 and the user gets a new
 * one.
 */
export function createBookingFeedService(deps: {
  cipher: TokenCipher;
  clock: Clock;
  jwt: Pick<JwtService, 'signLink'>;
  publicBaseUrl: string;
  /** s2s: ZOOM_S2S_HOST_USER; its meetings give the specialist the join link (only admins and the host start them). */
  sharedHostUser?: string;
}) {
  const now = () => deps.clock.now();
  const urlOf = (token: string) => `${deps.publicBaseUrl}/api/calendar/${token}.ics`;
  /** The token is sealed to its user and field (the cipher's associated data). */
  const sealAt = (userId: string) => ({ record: userId, field: 'tokenSealed' });

  /**
   * Opens the subscription's token; a value sealed before (another key, unbound) is written again under the current
   * key, with a compare-and-set on the value read (a rotation of the address meanwhile wins).
   */
  async function tokenOf(sub: CalendarSubscriptionRecord): Promise<string> {
    const at = sealAt(sub.userId.toString());
    const token = deps.cipher.decrypt(sub.tokenSealed, at);
    if (!deps.cipher.isCurrent(sub.tokenSealed, at))
      await CalendarSubscriptionModel.updateOne(
        { _id: sub._id, tokenSealed: sub.tokenSealed },
        { $set: { tokenSealed: deps.cipher.encrypt(token, at) } },
      );
    return token;
  }

  /** The version of who may see the user's bookings (auth raises it on a reset, a verification, …). */
  async function accessVersionOf(userId: string): Promise<number> {
    const user = await UserModel.findById(userId).lean();
    return user?.accessVersion ?? 0;
  }

  async function issue(userId: string, accessVersion: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    // One write replaces hash and token together: the old address stops working at once.
    await CalendarSubscriptionModel.updateOne(
      { userId },
      {
        $set: { tokenHash: hashOf(token), tokenSealed: deps.cipher.encrypt(token, sealAt(userId)), accessVersion },
        $setOnInsert: { createdAt: now() },
      },
      { upsert: true },
    );
    return token;
  }

  async function eventOf(b: BookingRecord, role: 'customer' | 'specialist', names: Map<string, string>) {
    const id = b._id.toString();
    const customer = b.guest?.name ?? names.get(b.customerId.toString()) ?? 'a customer';
    const specialist = names.get(b.specialistId.toString()) ?? 'a specialist';
    const confirmed = b.status === 'confirmed';
    let link: string | null = null;
    const joins = role === 'customer' || hostedBySharedUser(b, deps.sharedHostUser);
    if (confirmed && joins) link = b.zoomJoinUrl ?? null;
    else if (confirmed && role === 'specialist' && b.zoomMeetingId) {
      // Our start link (a fresh Zoom start_url on every visit), signed like the one in the mails.
      const token = await deps.jwt.signLink(START_LINK_PURPOSE, id, new Date(b.end.getTime() + 3_600_000));
      link = `${deps.publicBaseUrl}/api/bookings/${id}/start?token=${token}`;
    }
    const ev = new ICAL.Component('vevent');
    ev.updatePropertyWithValue('uid', bookingUid(id));
    ev.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(now(), true));
    ev.updatePropertyWithValue('dtstart', ICAL.Time.fromJSDate(b.start, true));
    ev.updatePropertyWithValue('dtend', ICAL.Time.fromJSDate(b.end, true));
    ev.updatePropertyWithValue('sequence', b.sequence);
    ev.updatePropertyWithValue('summary', b.topic ?? `Session: ${customer} & ${specialist}`);
    ev.updatePropertyWithValue('status', confirmed ? 'CONFIRMED' : 'CANCELLED');
    const with_ = role === 'customer' ? specialist : customer;
    const lines = [`With ${with_}.`];
    if (link) lines.push(joins ? `Join Zoom: ${link}` : `Start the Zoom meeting: ${link}`);
    if (!confirmed) lines.push('This booking was cancelled.');
    ev.updatePropertyWithValue('description', lines.join('\n'));
    if (link) {
      ev.updatePropertyWithValue('url', link);
      ev.updatePropertyWithValue('location', link);
    }
    return ev;
  }

  return {
    /** The user's address, the same on every call until it is rotated or voided (a raised access version). */
    async urlFor(userId: string): Promise<{ url: string }> {
      const accessVersion = await accessVersionOf(userId);
      const existing = await CalendarSubscriptionModel.findOne({ userId }).lean<CalendarSubscriptionRecord>();
      if (existing && (existing.accessVersion ?? 0) === accessVersion) return { url: urlOf(await tokenOf(existing)) };
      if (existing) return { url: urlOf(await issue(userId, accessVersion)) }; // voided: a new address
      const token = randomBytes(32).toString('base64url');
      try {
        const sealed = deps.cipher.encrypt(token, sealAt(userId));
        await CalendarSubscriptionModel.create({
          userId,
          tokenHash: hashOf(token),
          tokenSealed: sealed,
          createdAt: now(),
          accessVersion,
        });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error; // a parallel first request made one: use theirs
        const made = await CalendarSubscriptionModel.findOne({ userId }).lean<CalendarSubscriptionRecord>();
        return { url: urlOf(await tokenOf(made!)) };
      }
      return { url: urlOf(token) };
    },

    async rotate(userId: string): Promise<{ url: string }> {
      return { url: urlOf(await issue(userId, await accessVersionOf(userId))) };
    },

    /** Account deletion: the user's address stops working and its record goes. */
    async forget(userId: string): Promise<void> {
      await CalendarSubscriptionModel.deleteMany({ userId });
    },

    /** Key rotation: rewrites subscription tokens still sealed with another key (maintenance, while rotating). */
    resealStale(): Promise<ResealReport> {
      const stale = sealedUnderOtherKey(deps.cipher, ['tokenSealed']);
      return resealEach(
        (after) =>
          CalendarSubscriptionModel.find(after ? { ...stale, _id: { $gt: after } } : stale)
            .sort({ _id: 1 })
            .limit(RESEAL_BATCH)
            .lean<CalendarSubscriptionRecord[]>(),
        tokenOf,
      );
    },

    /** The feed of the token's user, or NotFound (also for a rotated-away token). */
    async feed(token: string): Promise<string> {
      const sub = token ? await CalendarSubscriptionModel.findOne({ tokenHash: hashOf(token) }).lean() : null;
      const user = sub ? await UserModel.findById(sub.userId).lean() : null;
      // Issued before who may see the bookings changed (a reset, a verified address, …), or for an account that is
      // being deleted or is a guest record again: no feed.
      const current = sub && user && (sub.accessVersion ?? 0) === (user.accessVersion ?? 0);
      if (!sub || !user || !current || user.deletingAt || user.guest) throw new NotFoundError('Calendar');
      const role = user.role === 'specialist' ? 'specialist' : 'customer';
      // A customer's feed holds guest bookings only under the address the account has verified.
      const provenEmail = user.emailVerified ? user.email : null;
      const bookings = await BookingModel.find({
        ...(role === 'specialist' ? { specialistId: user._id } : customerBookingsFilter(user._id, provenEmail)),
        end: { $gt: new Date(now().getTime() - RECENT_MS) },
      })
        .sort({ start: 1 })
        .limit(MAX_EVENTS)
        .lean<BookingRecord[]>();
      const partyIds = [...new Set(bookings.flatMap((b) => [b.customerId.toString(), b.specialistId.toString()]))];
      const parties = await UserModel.find({ _id: { $in: partyIds } }, { name: 1 }).lean();
      const names = new Map(parties.map((p) => [p._id.toString(), p.name]));
      const cal = new ICAL.Component('vcalendar');
      cal.updatePropertyWithValue('version', '2.0');
      cal.updatePropertyWithValue('prodid', '-//specialist-booking//bookings//EN');
      cal.updatePropertyWithValue('calscale', 'GREGORIAN');
      cal.updatePropertyWithValue('x-wr-calname', 'My bookings');
      cal.updatePropertyWithValue('x-published-ttl', 'PT1H');
      for (const b of bookings) cal.addSubcomponent(await eventOf(b, role, names));
      return `${cal.toString()}\r\n`;
    },
  };
}

export type BookingFeedService = ReturnType<typeof createBookingFeedService>;
