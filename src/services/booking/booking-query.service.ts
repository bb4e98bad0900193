import { BookingModel, type BookingRecord } from '../../models/booking.model';
import { toBookingDto, type BookingDto, type Viewer } from './booking.dto';

export interface BookingFilter {
  status?: 'confirmed' | 'cancelled';
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** The caller's own bookings (as customer or specialist; admins see all), newest start last. */
export function createBookingQueryService(deps: { publicBaseUrl: string }) {
  return {
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
        items: docs.map((d) => toBookingDto(d, viewer, deps.publicBaseUrl)),
        page: filter.page,
        pageSize: filter.pageSize,
        total,
      };
    },
  };
}
