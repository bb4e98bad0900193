import { isValidObjectId } from 'mongoose';
import { NotFoundError, UnauthenticatedError } from '../../lib/errors';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { BookingGoneError, MeetingPendingError, S2SHostNotApprovedError, SharedHostStartError } from './booking.errors';
import type { MeetingChangesService } from './meeting-changes.service';
import { START_LINK_PURPOSE } from './booking-notification.service';
import type { Viewer } from './booking.dto';
import { hostedBySharedUser } from './meeting-host.service';
import type { JwtService } from '../auth/jwt.service';

/** The signed-in viewer as authentication read them (the account's email decides who the shared host is). */
export type StartViewer = Viewer & { user?: { email: string; emailVerified: boolean } };

/**
 * Who may start a meeting: its specialist (login or signed mail link) and admins; customers never. In s2s mode the
 * specialist only while they are approved as the meeting's Zoom user; a meeting of the shared ZOOM_S2S_HOST_USER
 * only admins and the platform account whose verified email is that host.
 */
export function createBookingStartService(deps: {
  jwt: JwtService;
  meetings: MeetingChangesService;
  /** s2s: ZOOM_S2S_HOST_USER. */
  sharedHostUser?: string;
  /** s2s: the Zoom user this specialist is approved to host as now (null: none). */
  approvedHost?: (specialistId: string) => Promise<string | null>;
}) {
  const isSharedHostAccount = (viewer: StartViewer | undefined) =>
    Boolean(
      deps.sharedHostUser &&
      viewer?.user?.emailVerified === true &&
      viewer.user.email.toLowerCase() === deps.sharedHostUser.toLowerCase(),
    );

  /** The specialist's own right to start: in s2s mode, as the Zoom user they are approved for, and only that one. */
  async function assertSpecialistMayStart(booking: BookingRecord) {
    if (hostedBySharedUser(booking, deps.sharedHostUser)) throw new SharedHostStartError();
    if (booking.meeting.provider !== 's2s' || !deps.approvedHost) return;
    const approved = await deps.approvedHost(booking.specialistId.toString());
    if (!approved || approved !== booking.meeting.hostZoomUserId) throw new S2SHostNotApprovedError();
  }

  return {
    async startUrl(bookingId: string, auth: { viewer?: StartViewer; linkToken?: string }): Promise<string> {
      if (!isValidObjectId(bookingId)) throw new NotFoundError('Booking');
      let byLink = false;
      if (auth.linkToken) {
        byLink = (await deps.jwt.verifyLink(auth.linkToken, START_LINK_PURPOSE)) === bookingId;
        if (!byLink) throw new UnauthenticatedError('This start link is not for this booking', 'INVALID_TOKEN');
      }
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (!auth.viewer && !auth.linkToken) throw new UnauthenticatedError('Sign in or use the link from your email');
      const admin = auth.viewer?.role === 'admin';
      const sharedHost = Boolean(booking && hostedBySharedUser(booking, deps.sharedHostUser));
      const hostAccount = sharedHost && isSharedHostAccount(auth.viewer);
      const specialist = byLink || auth.viewer?.userId === booking?.specialistId.toString();
      if (!booking || !(admin || hostAccount || specialist)) throw new NotFoundError('Booking');
      if (booking.status !== 'confirmed') throw new BookingGoneError();
      if (!booking.zoomMeetingId) throw new MeetingPendingError();
      if (!admin && !hostAccount) await assertSpecialistMayStart(booking);
      return deps.meetings.freshStartUrl(booking);
    },
  };
}

export type BookingStartService = ReturnType<typeof createBookingStartService>;
