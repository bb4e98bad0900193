import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { UserModel } from '../../models/user.model';
import {
  counterpartIds,
  toBookingDto,
  withParties,
  type BookingDto,
  type PartyContact,
  type Viewer,
} from './booking.dto';

export interface BookingFilter {
  status?: 'confirmed' | 'cancelled';
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** Names and emails of these users, in one read (only the two fields a booking shows). */
async function contactsOf(ids: Iterable<string>): Promise<Map<string, PartyContact>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const users = await UserModel.find({ _id: { $in: unique } }, { name: 1, email: 1 }).lean();
  return new Map(users.map((u) => [u._id.toString(), { name: u.name, email: u.email }]));
}

/** Reads of bookings as their parties see them: the caller's own list, and the counterpart's name on every answer. */
export function createBookingQueryService(deps: { publicBaseUrl: string }) {
  /** The bookings with their counterparts by name (see withParties), one read of users for all of them. */
  async function named(dtos: BookingDto[], viewer: Viewer): Promise<BookingDto[]> {
    const people = await contactsOf(dtos.flatMap((dto) => counterpartIds(dto, viewer)));
    return dtos.map((dto) => withParties(dto, viewer, people));
  }

  return {
    named,

    async namedOne(dto: BookingDto, viewer: Viewer): Promise<BookingDto> {
      return (await named([dto], viewer))[0]!;
    },

    /** The caller's own bookings (as customer or specialist; admins see all), newest start last. */
    async list(
      viewer: Viewer,
      filter: BookingFilter,
    ): Promise<{ items: BookingDto[]; page: number; pageSize: number; total: number }> {
      const query: Record<string, unknown> = {};
      if (viewer.role === 'customer') query.customerId = viewer.userId;
      if (viewer.role === 'specialist') query.specialistId = viewer.userId;
      if (filter.status) query.status = filter.status;
      const start: Record<string, Date> = {};
      if (filter.from) start.$gte = new Date(filter.from);
      if (filter.to) start.$lt = new Date(filter.to);
      if (Object.keys(start).length > 0) query.start = start;
      const [docs, total] = await Promise.all([
        BookingModel.find(query)
          .sort({ start: 1, _id: 1 })
          .skip((filter.page - 1) * filter.pageSize)
          .limit(filter.pageSize)
          .lean<BookingRecord[]>(),
        BookingModel.countDocuments(query),
      ]);
      return {
        items: await named(
          docs.map((d) => toBookingDto(d, viewer, deps.publicBaseUrl)),
          viewer,
        ),
        page: filter.page,
        pageSize: filter.pageSize,
        total,
      };
    },
  };
}

export type BookingQueryService = ReturnType<typeof createBookingQueryService>;
