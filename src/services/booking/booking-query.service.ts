import type { Clock } from '../../lib/clock';
import { BookingModel, customerBookingsFilter, type BookingRecord } from '../../models/booking.model';
import { UserModel } from '../../models/user.model';
import {
  counterpartIds,
  toBookingDto,
  withParties,
  type BookingDto,
  type BookingLinks,
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

/**
 * Specialists' display names are public (GET /api/specialists lists them), so each process keeps them a few minutes:
 * a customer's booking answer then names the specialist without another MongoDB round trip on the booking path.
 * Customers' names and emails are never cached.
 */
const SPECIALIST_NAME_TTL_MS = 5 * 60_000;
const SPECIALIST_NAMES_MAX = 10_000;

/** Reads of bookings as their parties see them: the caller's own list, and the counterpart's name on every answer. */
export function createBookingQueryService(deps: { links: BookingLinks; clock: Clock }) {
  const specialistNames = new Map<string, { name: string; until: number }>();

  /** Names and emails of these users: cached specialist names, the rest in one read of the two fields shown. */
  async function contactsOf(ids: Iterable<string>): Promise<Map<string, PartyContact>> {
    const now = deps.clock.now().getTime();
    const people = new Map<string, PartyContact>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const cached = specialistNames.get(id);
      if (cached && cached.until > now) people.set(id, { name: cached.name });
      else missing.push(id);
    }
    if (missing.length === 0) return people;
    const users = await UserModel.find({ _id: { $in: missing } }, { name: 1, email: 1, role: 1 }).lean();
    for (const u of users) {
      const id = u._id.toString();
      people.set(id, { name: u.name, email: u.email });
      if (u.role !== 'specialist') continue;
      specialistNames.delete(id);
      specialistNames.set(id, { name: u.name, until: now + SPECIALIST_NAME_TTL_MS });
      if (specialistNames.size > SPECIALIST_NAMES_MAX) specialistNames.delete(specialistNames.keys().next().value!);
    }
    return people;
  }

  /** The bookings with their counterparts by name (see withParties), at most one read of users for all of them. */
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
      if (viewer.role === 'customer') Object.assign(query, customerBookingsFilter(viewer.userId, viewer.provenEmail));
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
          docs.map((d) => toBookingDto(d, viewer, deps.links)),
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
