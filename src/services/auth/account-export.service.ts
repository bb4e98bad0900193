import type { Clock } from '../../lib/clock';
import { NotFoundError } from '../../lib/errors';
import { BookingModel, customerBookingsFilter, type BookingRecord } from '../../models/booking.model';
import { CalendarFeedModel, type CalendarFeedRecord } from '../../models/calendar-feed.model';
import { S2SHostApprovalModel, type S2SHostApprovalRecord } from '../../models/s2s-host-approval.model';
import { SpecialistProfileModel, type SpecialistProfileRecord } from '../../models/specialist-profile.model';
import { UserOAuthTokenModel } from '../../models/user-oauth-token.model';
import { UserModel } from '../../models/user.model';
import type { AuthService, Principal } from './auth.service';
import { toUserDto } from './user.service';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/**
 * Everything we hold about a person, as JSON: the account, their sessions, bookings on either side, availability,
 * calendar feeds (never their secret address), Zoom connection metadata and an S2S host approval. Built field by
 * field, so no token, hash or secret can slip in with a new model field.
 */
export function createAccountExport(deps: { auth: Pick<AuthService, 'listSessions'>; clock: Clock }) {
  return {
    async exportFor(principal: Principal) {
      const userId = principal.userId;
      // Guest bookings count only under the address the account has verified (not someone else's).
      const provenEmail = principal.provenEmail ?? (principal.user?.emailVerified ? principal.user.email : null);
      const [user, bookings, profile, grant, sessions, feeds, approval] = await Promise.all([
        UserModel.findById(userId).lean(),
        BookingModel.find({ $or: [customerBookingsFilter(userId, provenEmail), { specialistId: userId }] })
          .sort({ start: 1 })
          .lean<BookingRecord[]>(),
        SpecialistProfileModel.findOne({ userId }).lean<SpecialistProfileRecord>(),
        UserOAuthTokenModel.findOne({ userId }).lean(),
        deps.auth.listSessions(principal),
        CalendarFeedModel.find({ specialistId: userId }, { busy: 0, urlSealed: 0 })
          .sort({ createdAt: 1 })
          .lean<CalendarFeedRecord[]>(),
        S2SHostApprovalModel.findOne({ specialistId: userId }).lean<S2SHostApprovalRecord>(),
      ]);
      if (!user) throw new NotFoundError('User');
      return {
        exportedAt: deps.clock.now().toISOString(),
        account: { ...toUserDto(user), updatedAt: iso(user.updatedAt) },
        sessions,
        bookings: bookings.map((b) => ({
          id: b._id.toString(),
          as: b.customerId.toString() === userId ? 'customer' : 'specialist',
          specialistId: b.specialistId.toString(),
          customerId: b.customerId.toString(),
          start: iso(b.start),
          end: iso(b.end),
          durationMinutes: b.durationMinutes,
          topic: b.topic ?? null,
          notes: b.notes ?? null,
          bookedAsGuest: b.guest ? { email: b.guest.email, name: b.guest.name, timezone: b.guest.timezone } : null,
          status: b.status,
          cancelledAt: iso(b.cancelledAt),
          cancelledBy: b.cancelledBy ?? null,
          meeting: { status: b.meeting.status, zoomMeetingId: b.zoomMeetingId ?? null, joinUrl: b.zoomJoinUrl ?? null },
          createdAt: iso(b.createdAt),
        })),
        availability: profile
          ? {
              headline: profile.headline,
              timezone: profile.timezone,
              weekly: profile.weekly.map((w) => ({ day: w.day, start: w.start, end: w.end })),
              slotMinutes: profile.slotMinutes,
              bufferMinutes: profile.bufferMinutes,
              minNoticeMinutes: profile.minNoticeMinutes,
              maxDaysAhead: profile.maxDaysAhead,
              cancelNoticeMinutes: profile.cancelNoticeMinutes ?? 0,
              maxBookingsPerDay: profile.maxBookingsPerDay ?? null,
              allowGuests: profile.allowGuests !== false,
              zoomMeetingsBusy: profile.zoomMeetingsBusy !== false,
              meetingSettings: {
                autoRecording: profile.meetingSettings?.autoRecording ?? 'zoom_default',
                waitingRoom: profile.meetingSettings?.waitingRoom ?? 'zoom_default',
                joinBeforeHost: profile.meetingSettings?.joinBeforeHost ?? 'zoom_default',
                muteUponEntry: profile.meetingSettings?.muteUponEntry ?? 'zoom_default',
              },
            }
          : null,
        calendars: feeds.map((f) => ({
          id: f._id.toString(),
          label: f.label,
          host: f.host,
          addedAt: iso(f.createdAt),
          lastSyncAt: iso(f.lastSyncAt),
          lastError: f.lastError ?? null,
        })),
        zoomConnection: grant
          ? {
              zoomUserId: grant.zoomUserId,
              zoomEmail: grant.zoomEmail,
              zoomAccountId: grant.zoomAccountId,
              scope: grant.scope,
              authorizedAt: iso(grant.authorizedAt),
              lastUsedAt: iso(grant.lastUsedAt),
              lastRefreshedAt: iso(grant.lastRefreshedAt),
              revoked: grant.isRevoked,
              revokedAt: iso(grant.revokedAt),
              needsReauth: grant.needsReauth,
            }
          : null,
        s2sHost: approval
          ? {
              zoomUserId: approval.zoomUserId,
              zoomEmail: approval.zoomEmail,
              approvedEmail: approval.approvedEmail,
              approvedAt: iso(approval.approvedAt),
            }
          : null,
      };
    },
  };
}

export type AccountExport = ReturnType<typeof createAccountExport>;
