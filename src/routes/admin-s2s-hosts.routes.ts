import type { createAdminS2SHostsController } from '../controllers/admin-s2s-hosts.controller';
import { S2SHostPage, S2SHostParams, S2SHostRow, S2SHostsQuery } from '../schemas/s2s-hosts.schemas';
import type { DefineRoute } from './define-route';

export function registerAdminS2SHostsRoutes(
  route: DefineRoute,
  controller: ReturnType<typeof createAdminS2SHostsController>,
) {
  const tags = ['S2S hosts (admin)'];
  const modeOff = "MEETING_PROVIDER=user: meetings are in each specialist's own Zoom account (S2S_MODE_OFF)";
  route({
    method: 'get',
    path: '/api/admin/s2s-hosts',
    tags,
    summary: 'MEETING_PROVIDER=s2s: every specialist, the Zoom user of the platform account they host as, and why',
    description:
      'Sorted by name. The Zoom user is looked up by the specialist’s email with the S2S token (not for approved ' +
      'rows); when Zoom cannot be asked the rows say `unavailable` and `zoomReachable` is false (never a 5xx).',
    access: ['admin'],
    request: { query: S2SHostsQuery },
    responses: { 200: { description: 'One page of specialists', schema: S2SHostPage } },
    errors: { 409: modeOff },
    handler: controller.list,
  });
  route({
    method: 'post',
    path: '/api/admin/s2s-hosts/:specialistId/approve',
    tags,
    summary: 'Approves a specialist to host as the Zoom user their (verified) email is in the platform account',
    description:
      'Idempotent: an approval that still holds is answered unchanged. It binds the Zoom user and the specialist’s ' +
      'email of now; an email change voids it.',
    access: ['admin'],
    request: { params: S2SHostParams },
    responses: { 200: { description: 'Approved', schema: S2SHostRow } },
    errors: {
      404: 'No such specialist',
      409: modeOff,
      422: 'Email not verified (S2S_HOST_EMAIL_NOT_VERIFIED), or not a user of the account (NOT_IN_ZOOM_ACCOUNT)',
      503: 'Zoom could not be asked (ZOOM_UNAVAILABLE)',
    },
    handler: controller.approve,
  });
  route({
    method: 'delete',
    path: '/api/admin/s2s-hosts/:specialistId/approval',
    tags,
    summary:
      'Revokes the approval: new bookings are refused or go to ZOOM_S2S_HOST_USER; made meetings keep their host',
    description: 'Idempotent; answers the row as it is now.',
    access: ['admin'],
    request: { params: S2SHostParams },
    responses: { 200: { description: 'Revoked (or there was none)', schema: S2SHostRow } },
    errors: { 404: 'No such specialist', 409: modeOff },
    handler: controller.revoke,
  });
}
