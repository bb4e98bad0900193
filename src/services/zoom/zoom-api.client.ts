import type { Clock } from '../../lib/clock';
import type { z } from 'zod';
import { ZoomApiError, ZoomTokenRejectedError } from './zoom.errors';
import { retryAtFrom, type ZoomHttp, type ZoomHttpResponse } from './zoom-http';
import {
  ZoomApiErrorBody,
  ZoomMeeting,
  ZoomMeetingList,
  ZoomUser,
  ZoomUserList,
  type ZoomMeetingInput,
} from './zoom-api.schemas';

/**
 * Zoom's REST API (https://developers.zoom.us/docs/api/meetings/). The access token goes in the Authorization
 * header only, never in a query string.
 */
export function createZoomApiClient(deps: { http: ZoomHttp; apiBaseUrl: string; clock: Clock }) {
  const { http, apiBaseUrl, clock } = deps;

  async function call(token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, data?: unknown) {
    const response = await http({
      method,
      url: `${apiBaseUrl}${path}`,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        ...(data === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      data,
    });
    if (response.status >= 200 && response.status < 300) return response;
    throw interpretError(response, clock.now());
  }

  function parse<T extends z.ZodType>(schema: T, response: ZoomHttpResponse): z.infer<T> {
    const parsed = schema.safeParse(response.data);
    if (!parsed.success)
      throw new ZoomApiError('Zoom returned an unexpected response', { zoomStatus: response.status, retryable: true });
    return parsed.data;
  }

  const id = (value: string) => encodeURIComponent(value);

  return {
    getMe: async (token: string) => parse(ZoomUser, await call(token, 'GET', '/users/me')),
    getUser: async (token: string, userId: string) => parse(ZoomUser, await call(token, 'GET', `/users/${id(userId)}`)),
    listUsers: async (token: string, query: { pageSize?: number; nextPageToken?: string } = {}) => {
      const qs = new URLSearchParams({ page_size: String(query.pageSize ?? 30) });
      if (query.nextPageToken) qs.set('next_page_token', query.nextPageToken);
      return parse(ZoomUserList, await call(token, 'GET', `/users?${qs}`));
    },
    listMeetings: async (token: string, userId: string, nextPageToken?: string) => {
      const qs = new URLSearchParams({ type: 'scheduled', page_size: '300' });
      if (nextPageToken) qs.set('next_page_token', nextPageToken);
      return parse(ZoomMeetingList, await call(token, 'GET', `/users/${id(userId)}/meetings?${qs}`));
    },
    /** Every scheduled meeting of a user, following next_page_token (bounded). */
    listAllMeetings: async (token: string, userId: string) => {
      const all: z.infer<typeof ZoomMeetingList>['meetings'] = [];
      let next: string | undefined;
      for (let page = 0; page < 50; page += 1) {
        const qs = new URLSearchParams({ type: 'scheduled', page_size: '300' });
        if (next) qs.set('next_page_token', next);
        const list = parse(ZoomMeetingList, await call(token, 'GET', `/users/${id(userId)}/meetings?${qs}`));
        all.push(...list.meetings);
        next = list.next_page_token || undefined;
        if (!next) break;
      }
      return all;
    },
    createMeeting: async (token: string, userId: string, input: ZoomMeetingInput) =>
      parse(ZoomMeeting, await call(token, 'POST', `/users/${id(userId)}/meetings`, input)),
    getMeeting: async (token: string, meetingId: string) =>
      parse(ZoomMeeting, await call(token, 'GET', `/meetings/${id(meetingId)}`)),
    updateMeeting: async (token: string, meetingId: string, input: Partial<ZoomMeetingInput>) => {
      await call(token, 'PATCH', `/meetings/${id(meetingId)}`, input);
    },
    deleteMeeting: async (token: string, meetingId: string) => {
      await call(token, 'DELETE', `/meetings/${id(meetingId)}`);
    },
  };
}

export function interpretError(response: ZoomHttpResponse, now: Date): Error {
  const body = ZoomApiErrorBody.safeParse(response.data);
  const code = body.success ? body.data.code : undefined;
  const message = (body.success && body.data.message) || `HTTP ${response.status}`;
  // 124: invalid/expired access token (https://developers.zoom.us/docs/api/errors/).
  if (response.status === 401 || code === 124) return new ZoomTokenRejectedError();
  if (response.status === 429) {
    // Zoom names the limit in X-RateLimit-Type (Daily-limit or QPS); only without that header does its message tell.
    const type = response.headers['x-ratelimit-type'];
    const daily = type === undefined ? /daily/i.test(message) : /daily/i.test(type);
    const retryAt = retryAtFrom(response.headers, now, daily);
    return new ZoomApiError(`Zoom rate limit: ${message}`, {
      zoomStatus: 429,
      zoomCode: code,
      zoomMessage: message,
      retryable: true,
      rateLimitType: daily ? 'daily' : 'per_second',
      retryAt,
      retryAfterSeconds: retryAt && Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000)),
    });
  }
  if (response.status >= 500) {
    return new ZoomApiError(`Zoom error: ${message}`, {
      zoomStatus: response.status,
      zoomCode: code,
      zoomMessage: message,
      retryable: true,
      retryAt: retryAtFrom(response.headers, now, false),
    });
  }
  return new ZoomApiError(`Zoom refused the request: ${message}`, {
    zoomStatus: response.status,
    zoomCode: code,
    zoomMessage: message,
    retryable: false,
  });
}

export type ZoomApiClient = ReturnType<typeof createZoomApiClient>;
