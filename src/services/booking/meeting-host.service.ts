import type { Logger } from '../../lib/logger';
import type { UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import type { ZoomConnectionService } from '../zoom/zoom-connection.service';
import { ZoomNotConnectedError } from '../zoom/zoom.errors';
import type { ZoomUserTokenService } from '../zoom/zoom-user-token.service';

export interface S2SCaller {
  withToken<T>(call: (token: string) => Promise<T>): Promise<T>;
}

/** What `access` read about the host, handed back to `call` so the booking path reads the grant once. */
export interface HostAccess {
  grant?: UserOAuthTokenRecord;
  /** s2s: the Zoom user the new booking's meeting is made for (fixed on the booking at insert). */
  hostUserId?: string;
}

/**
 * Who hosts a specialist's meetings and with which token: their own Zoom account (user mode) or the platform
 * account (s2s mode: as the Zoom user an admin approved for them, else the shared ZOOM_S2S_HOST_USER).
 */
export interface MeetingHost {
  provider: 'user' | 's2s';
  /** Zoom user to create meetings for ("me" with a user token). */
  hostUserId(specialistId: string): Promise<string>;
  /**
   * The ledger key of the host's daily Zoom quota (ZoomQuota): in user mode the specialist's own account, in s2s mode
   * the platform account's user hosting the meeting (several specialists may share the fallback host).
   */
  quotaKey(specialistId: string, hostUserId: string): string;
  /** The host user when it is known without asking anyone (always in user mode). */
  knownHostUserId(specialistId: string): string | undefined;
  call<T>(specialistId: string, fn: (token: string) => Promise<T>, access?: HostAccess): Promise<T>;
  canHost(specialistId: string): Promise<boolean>;
  /** At booking time: throws ZoomNotConnectedError (422) when no meeting could ever be created for this specialist. */
  assertCanHost(specialistId: string): Promise<void>;
  /** canHost that also returns what it read (null: cannot host now); s2s refuses an unhostable specialist (422). */
  access(specialistId: string): Promise<HostAccess | null>;
  /** canHost for many specialists in one query (listings). */
  canHostMany(specialistIds: string[]): Promise<Set<string>>;
  /** Whose existing meetings can be read and changed now (user: a working grant; s2s: all, the account token). */
  callableAmong(specialistIds: string[]): Promise<Set<string>>;
}

export function userMeetingHost(deps: {
  tokens: ZoomUserTokenService;
  connection: Pick<ZoomConnectionService, 'isConnected' | 'connectedAmong' | 'connectedGrant'>;
}): MeetingHost {
  const { tokens, connection } = deps;
  return {
    provider: 'user',
    hostUserId: async () => 'me',
    quotaKey: (specialistId) => `specialist:${specialistId}`,
    knownHostUserId: () => 'me',
    call: (specialistId, fn, access) => tokens.withToken(specialistId, fn, access?.grant),
    canHost: (specialistId) => connection.isConnected(specialistId),
    async assertCanHost(specialistId) {
      if (!(await connection.isConnected(specialistId))) throw new ZoomNotConnectedError();
    },
    access: async (specialistId) => {
      const grant = await connection.connectedGrant(specialistId);
      return grant ? { grant } : null;
    },
    canHostMany: (specialistIds) => connection.connectedAmong(specialistIds),
    callableAmong: (specialistIds) => connection.connectedAmong(specialistIds),
  };
}

/** What the s2s host needs of the approvals (zoom/s2s-hosts.service). */
export interface S2SHostApprovals {
  /** The Zoom user a new meeting is made for; throws ZoomNotConnectedError (naming the missing step) if none. */
  hostFor(specialistId: string): Promise<string>;
  approvedAmong(specialistIds: string[]): Promise<Set<string>>;
}

/**
 * In s2s mode a meeting of ZOOM_S2S_HOST_USER (the shared host) is started as that account: its start link goes to
 * admins and that host only, never to the specialist (mails, DTOs and feeds offer them the join link).
 */
export function hostedBySharedUser(
  booking: { meeting: { provider?: string | null; hostZoomUserId?: string | null } },
  sharedHostUser: string | undefined,
): boolean {
  const host = booking.meeting.hostZoomUserId;
  return Boolean(
    sharedHostUser && booking.meeting.provider === 's2s' && host && host.toLowerCase() === sharedHostUser.toLowerCase(),
  );
}

export function s2sMeetingHost(deps: {
  s2s: S2SCaller;
  approvals: S2SHostApprovals;
  fallbackHostUser: string | undefined;
  logger: Logger;
}): MeetingHost {
  if (!deps.fallbackHostUser) {
    deps.logger.warn(
      'MEETING_PROVIDER=s2s without ZOOM_S2S_HOST_USER: specialists not approved as hosts of the platform Zoom ' +
        'account cannot be booked (422 ZOOM_NOT_CONNECTED)',
    );
  }
  // Approvals change at any time and on any instance: read, never cached. A booking's host is fixed when it is made.
  const canHostMany = async (ids: string[]) =>
    deps.fallbackHostUser ? new Set(ids) : deps.approvals.approvedAmong(ids);
  return {
    provider: 's2s',
    hostUserId: (specialistId) => deps.approvals.hostFor(specialistId),
    knownHostUserId: () => undefined,
    quotaKey: (_specialistId, hostUserId) => `zoom-user:${hostUserId.toLowerCase()}`,
    call: (_specialistId, fn) => deps.s2s.withToken(fn),
    canHost: async (specialistId) => (await canHostMany([specialistId])).has(specialistId),
    assertCanHost: async (specialistId) => void (await deps.approvals.hostFor(specialistId)),
    // At booking time: the host (approved user or shared host) or a 422 naming what is missing.
    access: async (specialistId) => ({ hostUserId: await deps.approvals.hostFor(specialistId) }),
    canHostMany,
    // The account token reaches every meeting already made, whoever hosts it.
    callableAmong: async (ids) => new Set(ids),
  };
}
