import type { S2STokenService } from './zoom-s2s-token.service';
import type { ZoomApiClient } from './zoom-api.client';
import {
  ZoomApiError,
  ZoomAuthError,
  ZoomClientConfigError,
  ZoomPassThroughError,
  ZoomTokenRejectedError,
} from './zoom.errors';

export interface CreateAccountMeetingInput {
  userId: string;
  topic: string;
  start_time: string;
  duration: number;
  timezone: string;
}

/** What an admin's call to Zoom ended with, in our format: Zoom's status and message pass through. */
function toAccountError(error: unknown): unknown {
  if (error instanceof ZoomApiError) {
    return new ZoomPassThroughError(error.zoomMessage ?? error.message, {
      zoomStatus: error.zoomStatus,
      zoomCode: error.zoomCode,
      retryAfterSeconds: error.retryAfterSeconds,
      cause: error,
    });
  }
  if (error instanceof ZoomTokenRejectedError || error instanceof ZoomClientConfigError) {
    return new ZoomAuthError('Zoom rejected the platform Server-to-Server OAuth token', { cause: error });
  }
  return error;
}

/** Zoom calls on the platform account (S2S mode), for admins: users of the account and their meetings. */
export function createZoomAccountService(deps: { api: ZoomApiClient; s2s: Pick<S2STokenService, 'withToken'> }) {
  const { api, s2s } = deps;

  async function run<T>(call: (token: string) => Promise<T>): Promise<T> {
    try {
      return await s2s.withToken(call);
    } catch (error) {
      throw toAccountError(error);
    }
  }

  return {
    async listUsers(query: { pageSize?: number; nextPageToken?: string } = {}) {
      const list = await run((token) => api.listUsers(token, query));
      return {
        users: list.users,
        next_page_token: list.next_page_token ?? '',
        total_records: list.total_records ?? list.users.length,
      };
    },

    getUser: (userId: string) => run((token) => api.getUser(token, userId)),

    async listMeetings(userId: string) {
      const list = await run((token) => api.listMeetings(token, userId));
      return {
        meetings: list.meetings,
        next_page_token: list.next_page_token ?? '',
        total_records: list.total_records ?? list.meetings.length,
      };
    },

    createMeeting: (input: CreateAccountMeetingInput) =>
      run((token) =>
        api.createMeeting(token, input.userId, {
          topic: input.topic,
          type: 2,
          // Zoom documents `yyyy-MM-ddTHH:mm:ssZ` for GMT; offsets are normalised rather than trusted.
          start_time: new Date(input.start_time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          duration: input.duration,
          timezone: input.timezone,
        }),
      ),
  };
}

export type ZoomAccountService = ReturnType<typeof createZoomAccountService>;
