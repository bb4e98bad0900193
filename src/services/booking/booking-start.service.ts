import { isValidObjectId } from 'mongoose';
import { NotFoundError, UnauthenticatedError } from '../../lib/errors';
import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { BookingGoneError, MeetingPendingError } from './booking.errors';
import type { MeetingChangesService } from './meeting-changes.service';
import { START_LINK_PURPOSE } from './booking-notification.service';
import type { Viewer } from './booking.dto';
import type { JwtService } from '../auth/jwt.service';

/** Who may start a meeting: its specialist (login or signed mail link) and admins. Customers never. */
export function createBookingStartService(deps: { jwt: JwtService; meetings: MeetingChangesService }) {
  return {
    async startUrl(bookingId: string, auth: { viewer?: Viewer; linkToken?: string }): Promise<string> {
      if (!isValidObjectId(bookingId)) throw new NotFoundError('Booking');
      let allowed = false;
      if (auth.linkToken) {
        allowed = (await deps.jwt.verifyLink(auth.linkToken, START_LINK_PURPOSE)) === bookingId;
        if (!allowed) throw new UnauthenticatedError('This start link is not for this booking', 'INVALID_TOKEN');
      }
      const booking = await BookingModel.findById(bookingId).lean<BookingRecord>();
      if (!allowed && auth.viewer) {
        allowed = auth.viewer.role === 'admin' || auth.viewer.userId === booking?.specialistId.toString();
      }
      if (!auth.viewer && !auth.linkToken) throw new UnauthenticatedError('Sign in or use the link from your email');
      if (!booking || !allowed) throw new NotFoundError('Booking');
      if (booking.status !== 'confirmed') throw new BookingGoneError();
      if (!booking.zoomMeetingId) throw new MeetingPendingError();
      return deps.meetings.freshStartUrl(booking);
    },
  };
}

export type BookingStartService = ReturnType<typeof createBookingStartService>;
