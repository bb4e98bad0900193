import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { toPolicy } from '../specialist/booking-policy';
import type { SpecialistService } from '../specialist/specialist.service';
import type { BookingService } from './booking.service';
import { toBookingDto, type BookingDto, type Viewer } from './booking.dto';
import type { ManageLinks } from './manage-link.service';

export interface ManageView {
  /** The link token for the booking as it is now; null once cancelled (the link is dead). */
  token: string | null;
  booking: BookingDto;
  specialist: { id: string; name: string; timezone: string };
  /** Until when the customer may still cancel or reschedule (the specialist's cancellation notice). */
  changeableUntil: string;
}

/**
 * What a customer can do with the link in their mail, without signing in: read, cancel and move the booking. The
 * link acts as that customer, so the signed-in routes' rules and errors apply unchanged.
 */
export function createBookingManageService(deps: {
  links: ManageLinks;
  bookings: BookingService;
  specialists: SpecialistService;
}) {
  // The link was mailed to the booking's customer: for a guest booking, to the address the code proved.
  const asCustomer = (booking: BookingRecord): Viewer => ({
    userId: booking.customerId.toString(),
    role: 'customer',
    provenEmail: booking.guest?.email ?? null,
  });

  async function view(booking: BookingRecord, dto: BookingDto, live: boolean): Promise<ManageView> {
    const { user, profile } = await deps.specialists.profileOf(booking.specialistId.toString());
    const notice = toPolicy(profile ?? {}).cancelNoticeMinutes;
    return {
      token: live ? await deps.links.tokenFor(booking) : null,
      booking: dto,
      specialist: { id: user._id.toString(), name: user.name, timezone: profile?.timezone ?? user.timezone },
      changeableUntil: new Date(booking.start.getTime() - notice * 60_000).toISOString(),
    };
  }

  return {
    async get(token: string): Promise<ManageView> {
      const booking = await deps.links.resolve(token);
      return view(booking, toBookingDto(booking, asCustomer(booking)), true);
    },

    async cancel(token: string): Promise<ManageView> {
      const booking = await deps.links.resolve(token);
      const dto = await deps.bookings.cancel(booking._id.toString(), asCustomer(booking));
      return view(booking, dto, false);
    },

    async reschedule(token: string, start: string): Promise<ManageView> {
      const booking = await deps.links.resolve(token);
      const dto = await deps.bookings.reschedule(booking._id.toString(), asCustomer(booking), start);
      const moved = (await BookingModel.findById(booking._id).lean<BookingRecord>()) ?? booking;
      return view(moved, dto, moved.status === 'confirmed');
    },
  };
}

export type BookingManageService = ReturnType<typeof createBookingManageService>;
