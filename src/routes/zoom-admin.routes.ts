import type { createZoomAdminController } from '../controllers/zoom-admin.controller';
import {
  CreateZoomMeetingBody,
  ZoomAccountMeeting,
  ZoomAccountMeetingList,
  ZoomAccountUser,
  ZoomAccountUserList,
  ZoomMeetingsQuery,
  ZoomUserParams,
  ZoomUsersQuery,
} from '../schemas/zoom-admin.schemas';
import type { DefineRoute } from './define-route';

const zoomErrors = {
  502: "Zoom refused the platform's S2S credentials (ZOOM_AUTH_FAILED), failed, or did not answer (ZOOM_API_ERROR)",
  503: 'S2S mode is not configured (ZOOM_S2S_NOT_CONFIGURED) or Zoom is unavailable (ZOOM_UNAVAILABLE)',
};

/** Account-level Zoom routes (Server-to-Server OAuth). Zoom's 4xx status and message pass through as ZOOM_API_ERROR. */
export function registerZoomAdminRoutes(route: DefineRoute, controller: ReturnType<typeof createZoomAdminController>) {
  const tags = ['Zoom account (admin)'];
  const before = [controller.tokenCheck];
  route({
    method: 'get',
    path: '/api/zoom/users',
    tags,
    summary: "Users of the platform's Zoom account",
    access: ['admin'],
    request: { query: ZoomUsersQuery },
    before,
    responses: { 200: { description: 'One page of users', schema: ZoomAccountUserList } },
    errors: { 429: "Zoom's rate limit", ...zoomErrors },
    handler: controller.listUsers,
  });
  route({
    method: 'get',
    path: '/api/zoom/users/:userId',
    tags,
    summary: 'One user of the account, by Zoom user id or email',
    access: ['admin'],
    request: { params: ZoomUserParams },
    before,
    responses: { 200: { description: 'The Zoom user', schema: ZoomAccountUser } },
    errors: { 404: 'No such user in the account (Zoom code 1001)', ...zoomErrors },
    handler: controller.getUser,
  });
  route({
    method: 'get',
    path: '/api/zoom/meetings',
    tags,
    summary: "A user's scheduled meetings",
    access: ['admin'],
    request: { query: ZoomMeetingsQuery },
    before,
    responses: { 200: { description: 'Scheduled meetings (first 100)', schema: ZoomAccountMeetingList } },
    errors: { 404: 'No such user in the account', ...zoomErrors },
    handler: controller.listMeetings,
  });
  route({
    method: 'post',
    path: '/api/zoom/meetings',
    tags,
    summary: 'Schedule a meeting hosted by a user of the account',
    access: ['admin'],
    request: { body: CreateZoomMeetingBody },
    before,
    responses: {
      201: {
        description: "The meeting as Zoom created it (start_url included: it is the host's key)",
        schema: ZoomAccountMeeting,
      },
    },
    errors: { 404: 'No such user in the account', 429: "Zoom's rate or daily meeting limit", ...zoomErrors },
    handler: controller.createMeeting,
  });
}
