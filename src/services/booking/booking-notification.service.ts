import type { Clock } from '../../lib/clock';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { UserModel } from '../../models/user.model';
import type { JwtService } from '../auth/jwt.service';
import type { UserService } from '../auth/user.service';
import {
  bookingMails,
  meetingFailedMail,
  type BookingMailContext,
  type BookingMailKind,
  type Party,
} from '../mail/booking-mail.templates';
import { addressOf, type MailOutbox } from '../mail/mail-outbox.service';
import { meetingUndeletableMail } from '../mail/meeting-integrity-mail.templates';
import type { ManageLinks } from './manage-link.service';
import { hostedBySharedUser } from './meeting-host.service';

export const START_LINK_PURPOSE = 'meeting-start';

export interface BookingParties {
  customer: Party;
  specialist: Party;
}

/** Builds the mails of a booking and puts them in the outbox (each once, by dedupe key). */
export function createBookingNotifier(deps: {
  mail: MailOutbox;
  jwt: JwtService;
  users: UserService;
  clock: Clock;
  publicBaseUrl: string;
  /** MAIL_FROM; its address is the invitations' organizer. */
  mailFrom: string;
  /** The customer's manage link, in every mail to them. */
  manageLinks: Pick<ManageLinks, 'urlFor'>;
  /** s2s: ZOOM_S2S_HOST_USER; the specialist gets no start link for its meetings (hostedBySharedUser). */
  sharedHostUser?: string;
}) {
  const organizerEmail = addressOf(deps.mailFrom);
  async function party(id: unknown): Promise<Party> {
    const user = await UserModel.findById(id).lean();
    if (!user) return { id: String(id), name: 'Former user', email: 'invalid@invalid', timezone: 'UTC' };
    return { id: user._id.toString(), name: user.name, email: user.email, timezone: user.timezone };
  }

  async function partiesOf(booking: BookingRecord): Promise<BookingParties> {
    // A guest booking's mail goes to the address the code proved, under the name and zone given then.
    const guest = booking.guest ? { id: booking.customerId.toString(), ...booking.guest } : undefined;
    const [customer, specialist] = await Promise.all([guest ?? party(booking.customerId), party(booking.specialistId)]);
    return { customer, specialist };
  }

  async function context(booking: BookingRecord, parties: BookingParties): Promise<BookingMailContext> {
    const bookingId = booking._id.toString();
    // The specialist's start link works until an hour after the session ends; none for the shared host's meetings.
    const startable = !hostedBySharedUser(booking, deps.sharedHostUser);
    const token =
      startable &&
      (await deps.jwt.signLink(START_LINK_PURPOSE, bookingId, new Date(booking.end.getTime() + 3_600_000)));
    return {
      bookingId,
      sequence: booking.sequence,
      start: booking.start,
      end: booking.end,
      topic: booking.topic ?? null,
      ...parties,
      joinUrl: booking.zoomJoinUrl ?? null,
      startLink: token ? `${deps.publicBaseUrl}/api/bookings/${bookingId}/start?token=${token}` : null,
      organizerEmail,
      manageUrl: await deps.manageLinks.urlFor(booking),
      now: deps.clock.now(),
    };
  }

  /** Queues both confirmation mails in one write, then notes that they are queued (the sweep looks for the rest). */
  async function confirmed(booking: BookingRecord, parties: BookingParties): Promise<void> {
    await deps.mail.enqueueMany(bookingMails('confirmed', await context(booking, parties)));
    await BookingModel.updateOne({ _id: booking._id }, { $set: { confirmationMailedAt: deps.clock.now() } });
  }

  return {
    partiesOf,
    confirmed,
    /** Reminders build on the same context (reads the parties). */
    contextOf: async (booking: BookingRecord) => context(booking, await partiesOf(booking)),

    /** For paths that know only the id: reads the booking and its parties first. */
    async notify(bookingId: string, kind: BookingMailKind): Promise<void> {
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (!booking) return;
      // A mail that no longer matches the booking (e.g. "confirmed" after it was cancelled) is not sent.
      if ((kind === 'cancelled') !== (booking.status === 'cancelled')) return;
      const parties = await partiesOf(booking);
      if (kind === 'confirmed') return confirmed(booking, parties);
      await deps.mail.enqueueMany(bookingMails(kind, await context(booking, parties)));
    },

    async notifyMeetingFailed(bookingId: string, reason: string): Promise<void> {
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (!booking) return;
      const ctx = await context(booking, await partiesOf(booking));
      const admins = await deps.users.findAdmins();
      await deps.mail.enqueueMany([ctx.specialist, ...admins].map((to) => meetingFailedMail(ctx, to, reason)));
    },

    /** The admins' alarm: a cancelled booking's meeting could not be removed and may still be live. */
    async notifyMeetingUndeletable(bookingId: string, reason: string): Promise<void> {
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (!booking) return;
      const ctx = await context(booking, await partiesOf(booking));
      const admins = await deps.users.findAdmins();
      await deps.mail.enqueueMany(admins.map((to) => meetingUndeletableMail(ctx, to, reason)));
    },
  };
}

export type BookingNotifier = ReturnType<typeof createBookingNotifier>;
