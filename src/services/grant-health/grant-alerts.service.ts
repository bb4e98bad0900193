import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { compareAndSet } from '../../db/compare-and-set';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { UserOAuthTokenModel, type ReauthReason, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import { UserModel } from '../../models/user.model';
import type { UserService } from '../auth/user.service';
import { formatWhen } from '../mail/booking-mail.templates';
import type { MailOutbox } from '../mail/mail-outbox.service';
import { reconnectZoomMail } from '../mail/zoom-mail.templates';

const MAX_LISTED = 50;

/** Upcoming (not yet ended) confirmed bookings whose meeting is still waiting to be created. */
export const pendingMeetingFilter = (now: Date) => ({
  status: 'confirmed' as const,
  'meeting.status': 'pending' as const,
  end: { $gt: now },
});

/**
 * Tells a specialist that their Zoom grant is lost (Zoom refused the refresh token, or the app was removed in Zoom),
 * once per grant, with the reconnect link and the upcoming bookings that wait for a meeting. Their pending meetings
 * are retried the moment they reconnect (see the connection service's onConnected).
 */
export function createGrantAlerts(deps: {
  mail: MailOutbox;
  users: UserService;
  clock: Clock;
  logger: Logger;
  /** The web app: the reconnect link is its profile page. */
  frontendUrl: string;
}) {
  const now = () => deps.clock.now();

  async function pendingLines(specialistId: string, timezone: string): Promise<string[]> {
    const bookings = await BookingModel.find({ specialistId, ...pendingMeetingFilter(now()) })
      .sort({ start: 1 })
      .limit(MAX_LISTED)
      .lean<BookingRecord[]>();
    const customers = await UserModel.find({ _id: { $in: bookings.map((b) => b.customerId) } }).lean();
    const names = new Map(customers.map((c) => [c._id.toString(), c.name]));
    return bookings.map((b) => {
      const who = b.guest?.name ?? names.get(b.customerId.toString()) ?? 'a former customer';
      return `${formatWhen(b.start, b.end, timezone)} with ${who}${b.topic ? ` (${b.topic})` : ''}`;
    });
  }

  return {
    /**
     * Idempotent per grant: the first caller (of any instance) marks the grant and queues the mail. `reason`
     * `lost_response` says plainly that the platform lost the connection; anything else (or none: removed in
     * Zoom) asks the specialist to reconnect because Zoom no longer accepts it.
     */
    async grantLost(specialistId: string, reason?: ReauthReason): Promise<void> {
      const first = await compareAndSet(
        UserOAuthTokenModel,
        { userId: specialistId, reauthEmailSentAt: null },
        { $set: { reauthEmailSentAt: now() } },
      );
      if (!first) return;
      const [user, grant] = await Promise.all([
        deps.users.getById(specialistId),
        UserOAuthTokenModel.findOne({ userId: specialistId }).lean<UserOAuthTokenRecord>(),
      ]);
      const pendingBookings = await pendingLines(specialistId, user.timezone);
      await deps.mail.enqueue(
        reconnectZoomMail({
          specialistId,
          // The authorization time names the grant: a reconnect is a new grant and may be mailed again.
          grantVersion: grant?.authorizedAt?.toISOString() ?? 'unknown',
          to: user.email,
          name: user.name,
          reconnectUrl: `${deps.frontendUrl}/specialist/profile?zoom=reconnect`,
          pendingBookings,
          ourFault: reason === 'lost_response',
        }),
      );
      deps.logger.info(
        { specialistId, reason, pending: pendingBookings.length },
        'Asked the specialist to reconnect Zoom',
      );
    },
  };
}

export type GrantAlerts = ReturnType<typeof createGrantAlerts>;
