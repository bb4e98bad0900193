import { isValidObjectId, Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { AppError, NotFoundError, ReauthenticationRequiredError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { BookingModel, customerBookingsFilter } from '../../models/booking.model';
import { GuestEmailCodeModel } from '../../models/guest-email-code.model';
import { IdempotencyKeyModel } from '../../models/idempotency-key.model';
import { OutboxMailModel } from '../../models/outbox-mail.model';
import { RefreshEventModel } from '../../models/refresh-event.model';
import { S2SHostApprovalModel } from '../../models/s2s-host-approval.model';
import { SpecialistProfileModel } from '../../models/specialist-profile.model';
import { StrayMeetingModel } from '../../models/stray-meeting.model';
import { UserOAuthTokenModel } from '../../models/user-oauth-token.model';
import { UserModel, type UserRole } from '../../models/user.model';
import type { AccountLinks } from './account-links.service';
import { passwordMatches, wrongCurrentPassword } from './accounts';
import type { Principal } from './auth.service';
import type { LoginThrottle } from './login-throttle.service';

/** A sign-in this recent may delete the account without typing the password again. */
const FRESH_SIGN_IN_MS = 5 * 60_000;
/** Deletions a request left unfinished (a crash, Zoom down) are taken up by the maintenance sweep after this. */
const RESUME_AFTER_MS = 2 * 60_000;
/**
 * How long a guest booking that took the record as its owner (guestOwnerOf) may take to land: until then the record's
 * fate waits (the sweep decides it), so a booking whose owner lookup came just before `deletingAt` is not missed.
 */
const GUEST_BOOKING_SETTLE_MS = 60_000;
/**
 * How long a booking of a specialist being deleted may take to land when its read of the specialist came just before
 * `deletingAt` (new bookings are refused after it): the account's last record stays until then, and the sweep's
 * next pass cancels such a booking before the account goes.
 */
const SPECIALIST_BOOKING_SETTLE_MS = 60_000;

interface Viewer {
  userId: string;
  role: UserRole;
  provenEmail?: string | null;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Deleting an account: first the durable intent (`deletingAt`, a raised session version: every token dies at once),
 * then the steps, each safe to repeat: upcoming bookings cancelled through the usual cancel (mails to the other party,
 * Zoom meetings deleted), then, once Zoom confirmed every deletion, the grant revoked at Zoom and wiped, past bookings
 * stripped of topic, notes and links, and every record of the person removed.
 */
export function createAccountDeletion(deps: {
  bookings: { cancel(bookingId: string, viewer: Viewer): Promise<unknown> };
  zoom: {
    disconnect(specialistId: string): Promise<void>;
    /** Grants of Zoom accounts the specialist left by reconnecting: revoked at Zoom and removed. */
    forgetRetiredGrants(specialistId: string): Promise<void>;
  };
  /** What calendars keep of the person: subscription address, feeds, Zoom busy copy (wired after this one). */
  feeds: { forget(userId: string): Promise<void> };
  links: AccountLinks;
  throttle: LoginThrottle;
  clock: Clock;
  logger: Logger;
}) {
  const now = () => deps.clock.now();

  /**
   * The account's own bookings, on either side. Guest bookings under an address the account never verified are not
   * among them: they belong to the address's owner and are left as they are (see finish).
   */
  const own = (userId: string, provenEmail: string | null) => ({
    $or: [customerBookingsFilter(userId, provenEmail), { specialistId: userId }],
  });

  async function cancelUpcoming(userId: string, role: UserRole, provenEmail: string | null): Promise<void> {
    const upcoming = await BookingModel.find({
      ...own(userId, provenEmail),
      status: 'confirmed',
      end: { $gt: now() },
    }).lean();
    for (const booking of upcoming) {
      const id = booking._id.toString();
      try {
        await deps.bookings.cancel(id, { userId, role, provenEmail });
      } catch (error) {
        // Inside the specialist's cancellation notice a customer may not cancel; leaving the platform still does.
        if (!(error instanceof AppError) || error.code !== 'TOO_LATE_TO_CHANGE') throw error;
        await deps.bookings.cancel(id, { userId, role: 'admin' });
      }
    }
  }

  /**
   * Meetings of the cancelled bookings that Zoom has not confirmed deleted (the cancel's job retries them), and
   * meetings left in a previous Zoom account still to be deleted with its grant (the stray job retries them).
   */
  async function liveMeetings(userId: string, provenEmail: string | null, since: Date): Promise<number> {
    const [bookings, strays] = await Promise.all([
      BookingModel.countDocuments({
        ...own(userId, provenEmail),
        status: 'cancelled',
        cancelledAt: { $gte: since },
        zoomMeetingId: { $ne: null },
        'meeting.zoomDeleted': { $ne: true },
      }),
      StrayMeetingModel.countDocuments({ specialistId: userId, state: 'to_delete' }),
    ]);
    return bookings + strays;
  }

  /** Mail that names the person's address: to them, or an invitation listing them as an attendee. */
  const mailMentioning = (email: string) => {
    const pattern = escapeRegex(email);
    return { $or: [{ to: email }, { icalContent: { $regex: pattern, $options: 'i' } }] };
  };

  /**
   * Runs every remaining step, each safe to repeat. 'zoom': a meeting still waits for Zoom's deletion (its job
   * retries); 'mail': mail naming the person is still on its way (the cancellations), or a booking may still land
   * (see the settle times above), so the account's last record stays until the sweep's next pass; 'done': nothing of
   * the person is left.
   */
  async function finish(userId: string): Promise<'done' | 'zoom' | 'mail'> {
    const user = await UserModel.findById(userId).lean();
    if (!user) return 'done';
    if (!user.deletingAt) throw new Error('finish() without deletingAt');
    const provenEmail = user.emailVerified ? user.email : null;
    await cancelUpcoming(userId, user.role, provenEmail);
    const live = await liveMeetings(userId, provenEmail, user.deletingAt);
    if (live > 0) {
      deps.logger.warn({ userId, live }, 'Account deletion waits for Zoom to delete meetings');
      return 'zoom';
    }
    if (user.role === 'specialist') {
      await deps.zoom.disconnect(userId); // revoked at Zoom (best effort) and wiped
      await deps.zoom.forgetRetiredGrants(userId);
      await UserOAuthTokenModel.deleteMany({ userId });
      // Meetings Zoom refused to let us delete stay listed for the admins (ids only); the rest of the list goes.
      await StrayMeetingModel.deleteMany({ specialistId: userId, state: { $ne: 'orphaned' } });
      await RefreshEventModel.deleteMany({ specialistId: userId });
      await S2SHostApprovalModel.deleteMany({ specialistId: userId });
      await SpecialistProfileModel.deleteMany({ userId });
    }
    // Someone else's guest bookings on this record (it was a guest record taken over by a sign-up that never
    // verified the address): the record goes back to being their guest record instead of being deleted.
    const theirs = await BookingModel.findOne({
      customerId: userId,
      guest: { $ne: null },
      ...(provenEmail ? { 'guest.email': { $ne: provenEmail } } : {}),
    })
      .sort({ createdAt: -1 })
      .lean();
    // A guest booking that took the record as its owner just before the intent may still land on it: decide later.
    const guestBookingLanding =
      !theirs && user.guestBookingAt && now().getTime() - user.guestBookingAt.getTime() < GUEST_BOOKING_SETTLE_MS;
    await deps.feeds.forget(userId);
    const anonymised = { topic: null, notes: null, idempotencyKey: null, zoomJoinUrl: null, 'meeting.lastError': null };
    await BookingModel.updateMany({ specialistId: userId }, { $set: anonymised });
    // As a customer only facts remain, under an id of no one (so nothing of the person stays on a kept record).
    await BookingModel.updateMany(customerBookingsFilter(userId, provenEmail), {
      $set: { ...anonymised, guest: null, ...(theirs ? { customerId: new Types.ObjectId() } : {}) },
    });
    await IdempotencyKeyModel.deleteMany({ scope: { $regex: `^booking:${userId}:` } });
    if (provenEmail) {
      await IdempotencyKeyModel.deleteMany({ scope: { $regex: `^guest-booking:${escapeRegex(provenEmail)}:` } });
      await GuestEmailCodeModel.deleteMany({ email: provenEmail });
    }
    await deps.links.forgetUser(userId);
    if (theirs?.guest) {
      await OutboxMailModel.deleteMany({ to: user.email, dedupeKey: { $regex: '^account:' } });
      await UserModel.updateOne(
        { _id: userId, deletingAt: { $ne: null } },
        {
          $set: {
            guest: true,
            passwordHash: null,
            emailVerified: false,
            pendingEmail: null,
            sessions: {},
            deletingAt: null,
            name: theirs.guest.name,
            timezone: theirs.guest.timezone,
          },
        },
      );
      return 'done';
    }
    if (guestBookingLanding) return 'mail';
    const bookingMayLand =
      user.role === 'specialist' && now().getTime() - user.deletingAt.getTime() < SPECIALIST_BOOKING_SETTLE_MS;
    if (bookingMayLand) return 'mail';
    // The person asked to leave: mail to them is dropped, mail naming them to others goes out, then its copy goes.
    await OutboxMailModel.deleteMany({ to: user.email });
    if (await OutboxMailModel.exists({ ...mailMentioning(user.email), status: 'pending' })) return 'mail';
    await OutboxMailModel.deleteMany(mailMentioning(user.email));
    await UserModel.deleteOne({ _id: userId, deletingAt: { $ne: null } });
    return 'done';
  }

  return {
    /**
     * 'deleted' (the person is gone for every purpose; copies of the cancellation mails are purged by the sweep), or
     * 'pending' while Zoom has yet to confirm a meeting's deletion (the sweep finishes within minutes).
     */
    async deleteAccount(principal: Principal, input: { password?: string }, ip: string) {
      if (!isValidObjectId(principal.userId)) throw new NotFoundError('User');
      const user = await UserModel.findById(principal.userId).lean();
      if (!user) throw new NotFoundError('User');
      if (input.password !== undefined) {
        await deps.throttle.beforeAttempt(ip, user.email);
        if (!(await passwordMatches(user.passwordHash, input.password))) throw wrongCurrentPassword();
      } else if (!principal.issuedAt || now().getTime() - principal.issuedAt.getTime() > FRESH_SIGN_IN_MS) {
        throw new ReauthenticationRequiredError();
      }
      await UserModel.updateOne(
        { _id: user._id, deletingAt: null },
        { $set: { deletingAt: now(), sessions: {} }, $inc: { sessionVersion: 1, accessVersion: 1 } },
      );
      return (await finish(principal.userId)) === 'zoom' ? ('pending' as const) : ('deleted' as const);
    },

    /** Maintenance sweep: deletions a request left unfinished. */
    async resumeDeletions(): Promise<void> {
      const stuck = await UserModel.find({
        deletingAt: { $ne: null, $lte: new Date(now().getTime() - RESUME_AFTER_MS) },
      })
        .limit(20)
        .lean<Array<{ _id: Types.ObjectId }>>();
      for (const user of stuck) {
        await finish(user._id.toString()).catch((error: unknown) =>
          deps.logger.warn({ err: error, userId: user._id }, 'Account deletion not finished yet'),
        );
      }
    },
  };
}

export type AccountDeletion = ReturnType<typeof createAccountDeletion>;
