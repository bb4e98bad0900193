import { Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { BookingModel } from '../../models/booking.model';
import { UserOAuthTokenModel, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import { UserModel } from '../../models/user.model';
import { pendingMeetingFilter } from './grant-alerts.service';
import { STATE_FILTERS, connectionState, type ConnectionState } from './grant-state';

export interface ZoomConnectionRow {
  specialistId: string;
  name: string;
  email: string;
  state: ConnectionState;
  zoomEmail: string | null;
  authorizedAt: string | null;
  lastUsedAt: string | null;
  lastRefreshedAt: string | null;
  accessTokenExpiresAt: string | null;
  refreshErrorCount: number;
  lastRefreshError: string | null;
  lastRefreshErrorAt: string | null;
  pendingMeetings: number;
  /** Only for needs_reauth: why (lost_response, revoked, invalid_grant) and the grant's measured lifetimes. */
  reauthReason: string | null;
  grantAgeSeconds: number | null;
  sinceLastRefreshSeconds: number | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** A reconnect leaves the last death's figures on the record: they are shown only while the grant is dead. */
function deathOf(g: UserOAuthTokenRecord | undefined) {
  const dead = connectionState(g) === 'needs_reauth';
  return {
    reauthReason: dead ? (g!.reauthReason ?? 'invalid_grant') : null,
    grantAgeSeconds: dead ? (g!.grantAgeSeconds ?? null) : null,
    sinceLastRefreshSeconds: dead ? (g!.sinceLastRefreshSeconds ?? null) : null,
  };
}

/** Every specialist's Zoom connection for admins: state, token times, refresh errors, meetings still waiting. */
export function createZoomConnectionsAdmin(deps: { clock: Clock }) {
  /** Upcoming bookings still waiting for their meeting, per specialist. */
  async function pendingCounts(specialistIds: Types.ObjectId[]): Promise<Map<string, number>> {
    const pending = await BookingModel.find({
      specialistId: { $in: specialistIds },
      ...pendingMeetingFilter(deps.clock.now()),
    }).lean();
    const counts = new Map<string, number>();
    for (const b of pending) counts.set(b.specialistId.toString(), (counts.get(b.specialistId.toString()) ?? 0) + 1);
    return counts;
  }

  async function stateCounts(withGrant: Types.ObjectId[]): Promise<Record<ConnectionState, number>> {
    const [connected, needsReauth, revoked, never] = await Promise.all([
      UserOAuthTokenModel.countDocuments(STATE_FILTERS.connected),
      UserOAuthTokenModel.countDocuments(STATE_FILTERS.needs_reauth),
      UserOAuthTokenModel.countDocuments(STATE_FILTERS.revoked),
      UserModel.countDocuments({ role: 'specialist', _id: { $nin: withGrant } }),
    ]);
    return { connected, needs_reauth: needsReauth, revoked, never };
  }

  return {
    /** Sorted by specialist name. */
    async list(filter: { state?: ConnectionState; page: number; pageSize: number }) {
      const withGrant = (await UserOAuthTokenModel.distinct('userId')) as Types.ObjectId[];
      let users: Record<string, unknown> = { role: 'specialist' };
      if (filter.state === 'never') users = { ...users, _id: { $nin: withGrant } };
      else if (filter.state) {
        const ids = (await UserOAuthTokenModel.distinct('userId', STATE_FILTERS[filter.state])) as Types.ObjectId[];
        users = { ...users, _id: { $in: ids } };
      }
      const [page, total, counts] = await Promise.all([
        UserModel.find(users)
          .sort({ name: 1, _id: 1 })
          .skip((filter.page - 1) * filter.pageSize)
          .limit(filter.pageSize)
          .lean(),
        UserModel.countDocuments(users),
        stateCounts(withGrant),
      ]);
      const ids = page.map((u) => u._id);
      const [grants, pending] = await Promise.all([
        UserOAuthTokenModel.find({ userId: { $in: ids } }).lean<UserOAuthTokenRecord[]>(),
        pendingCounts(ids),
      ]);
      const grantOf = new Map(grants.map((g) => [g.userId.toString(), g]));
      const items = page.map((user): ZoomConnectionRow => {
        const id = user._id.toString();
        const g = grantOf.get(id);
        return {
          specialistId: id,
          name: user.name,
          email: user.email,
          state: connectionState(g),
          zoomEmail: g?.zoomEmail ?? null,
          authorizedAt: iso(g?.authorizedAt),
          lastUsedAt: iso(g?.lastUsedAt),
          lastRefreshedAt: iso(g?.lastRefreshedAt),
          accessTokenExpiresAt: iso(g?.zoomAccessTokenExpiry),
          refreshErrorCount: g?.refreshErrorCount ?? 0,
          lastRefreshError: g?.lastRefreshError ?? null,
          lastRefreshErrorAt: iso(g?.lastRefreshErrorAt),
          pendingMeetings: pending.get(id) ?? 0,
          ...deathOf(g),
        };
      });
      return { items, counts, page: filter.page, pageSize: filter.pageSize, total };
    },
  };
}

export type ZoomConnectionsAdmin = ReturnType<typeof createZoomConnectionsAdmin>;
