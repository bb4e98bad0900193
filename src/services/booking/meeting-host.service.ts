import type { Logger } from '../../lib/logger';
import { UserOAuthTokenModel, type UserOAuthTokenRecord } from '../../models/user-oauth-token.model';
import type { ZoomApiClient } from '../zoom/zoom-api.client';
import type { UserService } from '../auth/user.service';
import type { ZoomConnectionService } from '../zoom/zoom-connection.service';
import { ZoomApiError, ZoomNotConnectedError } from '../zoom/zoom.errors';
import type { ZoomUserTokenService } from '../zoom/zoom-user-token.service';

export interface S2SCaller {
  withToken<T>(call: (token: string) => Promise<T>): Promise<T>;
}

/** What `access` read about the host, handed back to `call` so the booking path reads the grant once. */
export interface HostAccess {
  grant?: UserOAuthTokenRecord;
}

/**
 * Who hosts a specialist's meetings and with which token: their own Zoom account (user mode) or the platform
 * account (s2s mode, hosted by the specialist's Zoom email when it belongs to the account, else a configured host).
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
  /** canHost that also returns what it read (null: cannot host now); s2s refuses an unhostable specialist. */
  access(specialistId: string): Promise<HostAccess | null>;
  /** canHost for many specialists in one query (listings). */
  canHostMany(specialistIds: string[]): Promise<Set<string>>;
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
  };
}

const NO_S2S_HOST =
  'This specialist cannot host Zoom meetings: their email is not a user of the platform Zoom account and ' +
  'ZOOM_S2S_HOST_USER (the fallback host) is not set';

export function s2sMeetingHost(deps: {
  s2s: S2SCaller;
  api: ZoomApiClient;
  fallbackHostUser: string | undefined;
  users: UserService;
  logger: Logger;
}): MeetingHost {
  const known = new Map<string, string>();
  if (!deps.fallbackHostUser) {
    deps.logger.warn(
      'MEETING_PROVIDER=s2s without ZOOM_S2S_HOST_USER: specialists whose email is not a user of the platform Zoom ' +
        'account cannot be booked (422 ZOOM_NOT_CONNECTED)',
    );
  }
  const host: MeetingHost = {
    provider: 's2s',
    async hostUserId(specialistId) {
      const cached = known.get(specialistId);
      if (cached) return cached;
      const grant = await UserOAuthTokenModel.findOne({ userId: specialistId }).lean();
      const candidates = [grant?.zoomEmail, (await deps.users.getById(specialistId)).email].filter(Boolean) as string[];
      for (const email of candidates) {
        // A user of the platform account: GET /users/{email} answers 200 only for members of the account.
        // Only "no such user" means "not a member"; a Zoom outage must fail the attempt, not pick another host.
        const member = await deps.s2s
          .withToken((t) => deps.api.getUser(t, email))
          .catch((error: unknown) => {
            if (error instanceof ZoomApiError && (error.zoomStatus === 404 || error.zoomCode === 1001))
              return undefined;
            throw error;
          });
        if (member) {
          known.set(specialistId, member.id);
          return member.id;
        }
      }
      if (!deps.fallbackHostUser) throw new ZoomNotConnectedError(NO_S2S_HOST);
      return deps.fallbackHostUser;
    },
    /**
     * Refuses only the certain case (not a user of the account and no fallback host). A Zoom outage while checking
     * lets the booking through: its meeting job retries, as for any other Zoom failure.
     */
    async assertCanHost(specialistId) {
      if (deps.fallbackHostUser) return;
      await host.hostUserId(specialistId).catch((error: unknown) => {
        if (error instanceof ZoomNotConnectedError) throw error;
      });
    },
    knownHostUserId: (specialistId) => known.get(specialistId),
    quotaKey: (_specialistId, hostUserId) => `zoom-user:${hostUserId.toLowerCase()}`,
    call: (_specialistId, fn) => deps.s2s.withToken(fn),
    canHost: async () => true,
    // At booking time: refuses (422, naming ZOOM_S2S_HOST_USER) a specialist no meeting could ever be created for.
    access: async (specialistId) => {
      await host.assertCanHost(specialistId);
      return {};
    },
    canHostMany: async (ids) => new Set(ids),
  };
  return host;
}
