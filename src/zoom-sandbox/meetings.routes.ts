import { Router, type Response } from 'express';
import { isApiFailure, principalOf, resolveUser, type Principal } from './api-auth';
import { deleteMeeting, updateMeeting } from './host-actions';
import { INVALID_JSON, MeetingCreateInput, MeetingUpdateInput, validationError } from './meeting-schemas';
import { meetingDetail, meetingListItem } from './meeting-view';
import type { WriteQuota } from './meetings';
import { paginate } from './pagination';
import { flatQuery, hasBodyError } from './pipeline';
import type { SandboxState } from './state';
import type { SandboxMeeting } from './types';

const LIST_TYPES = ['scheduled', 'live', 'upcoming', 'upcoming_meetings', 'previous_meetings'] as const;

/** Meeting create/list (per user) and get/update/delete (per meeting), mounted under /v2 after authentication. */
export function meetingsRoutes(state: SandboxState): Router {
  const router = Router();
  const { meetings } = state;

  router.post('/users/:userId/meetings', (req, res) => {
    const host = resolveUser(state, principalOf(res), req.params.userId);
    if (isApiFailure(host)) return void res.status(host.status).json(host.body);
    if (hasBodyError(res) || req.body === undefined) return void res.status(400).json(INVALID_JSON);
    const parsed = MeetingCreateInput.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json(validationError(parsed.error.issues));
    const quota = meetings.checkWriteQuota(host.id);
    if (!quota.allowed) return dailyLimitReached(res, quota);
    const created = meetings.create(host, parsed.data);
    if ('field' in created) return void res.status(400).json(validationError([{ path: [created.field] }]));
    meetings.recordWrite(host.id);
    res
      .status(201)
      .set('Content-Location', `${state.baseUrl()}/v2/meetings/${created.id}`)
      .json(meetingDetail(meetings, created));
  });

  router.get('/users/:userId/meetings', (req, res) => {
    const host = resolveUser(state, principalOf(res), req.params.userId);
    if (isApiFailure(host)) return void res.status(host.status).json(host.body);
    const query = flatQuery(req);
    const type = query.type ?? 'scheduled';
    if (!(LIST_TYPES as readonly string[]).includes(type))
      return void res.status(400).json(validationError([{ path: ['type'] }]));
    const now = state.now();
    const listed = meetings
      .forHost(host.id)
      // Zoom lists scheduled meetings only; nothing is ever in progress in the sandbox.
      .filter((m) => m.type !== 1 && type !== 'live')
      .filter((m) => {
        if (type === 'upcoming' || type === 'upcoming_meetings')
          return !m.start_time || Date.parse(m.start_time) >= now;
        if (type === 'previous_meetings') return !!m.start_time && Date.parse(m.start_time) + m.duration * 60_000 < now;
        return true;
      })
      .sort((a, b) => (a.start_time ?? a.created_at).localeCompare(b.start_time ?? b.created_at) || a.id - b.id);
    const { page, page_size, total_records, next_page_token } = paginate(listed, query);
    res.json({ page_size, total_records, next_page_token, meetings: page.map(meetingListItem) });
  });

  router.get('/meetings/:meetingId', (req, res) => {
    const meeting = accessibleMeeting(principalOf(res), req.params.meetingId);
    if (!meeting) return meetingNotFound(res, req.params.meetingId);
    res.json(meetingDetail(meetings, meeting));
  });

  router.patch('/meetings/:meetingId', (req, res) => {
    const meeting = accessibleMeeting(principalOf(res), req.params.meetingId);
    if (!meeting) return meetingNotFound(res, req.params.meetingId);
    if (hasBodyError(res) || req.body === undefined) return void res.status(400).json(INVALID_JSON);
    const parsed = MeetingUpdateInput.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json(validationError(parsed.error.issues));
    const quota = meetings.checkWriteQuota(meeting.host_id);
    if (!quota.allowed) return dailyLimitReached(res, quota);
    const invalid = updateMeeting(state, meeting, parsed.data, principalOf(res).user?.id);
    if (invalid) return void res.status(400).json(validationError([{ path: [invalid.field] }]));
    meetings.recordWrite(meeting.host_id);
    res.status(204).end();
  });

  router.delete('/meetings/:meetingId', (req, res) => {
    const meeting = accessibleMeeting(principalOf(res), req.params.meetingId);
    if (!meeting) return meetingNotFound(res, req.params.meetingId);
    deleteMeeting(state, meeting, principalOf(res).user?.id);
    res.status(204).end();
  });

  /** Another user's meeting looks nonexistent to a user-managed token. */
  function accessibleMeeting(principal: Principal, meetingId: string): SandboxMeeting | undefined {
    const meeting = meetings.find(meetingId);
    if (!meeting) return undefined;
    return !principal.user || principal.user.id === meeting.host_id ? meeting : undefined;
  }

  return router;
}

function meetingNotFound(res: Response, meetingId: string) {
  res.status(404).json({ code: 3001, message: `Meeting does not exist: ${meetingId}.` });
}

function dailyLimitReached(res: Response, quota: Extract<WriteQuota, { allowed: false }>) {
  res
    .status(429)
    .set({
      'Retry-After': new Date(quota.resetAt).toUTCString(),
      'X-RateLimit-Type': 'Daily-limit',
      'X-RateLimit-Limit': String(quota.limit),
      'X-RateLimit-Remaining': '0',
    })
    .json({
      code: 429,
      message:
        `You have exceeded the daily rate limit (${quota.limit}) of Meeting Create/Update API requests permitted ` +
        'for this particular user. You may resume these requests at GMT 00:00:00.',
    });
}
