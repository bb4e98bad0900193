import { Router } from 'express';
import { requireBearer } from './api-auth';
import { meetingPage } from './consent-page';
import { meetingsRoutes } from './meetings.routes';
import type { SandboxState } from './state';
import { usersRoutes } from './users.routes';

/** The REST API, mounted at /v2: every route needs a bearer token. */
export function apiRoutes(state: SandboxState): Router {
  const router = Router();
  router.use(requireBearer(state));
  router.use(usersRoutes(state));
  router.use(meetingsRoutes(state));
  return router;
}

/** join_url and start_url land here, so links built from sandbox meetings open something in a browser. */
export function meetingLinkRoutes(state: SandboxState): Router {
  const router = Router();

  router.get('/j/:meetingId', (req, res) => {
    const meeting = state.meetings.find(req.params.meetingId);
    if (!meeting)
      return void res
        .status(404)
        .type('html')
        .send(meetingPage('Meeting not found', [req.params.meetingId]));
    res
      .type('html')
      .send(meetingPage(`Join: ${meeting.topic}`, [`Meeting ID ${meeting.id}`, 'Zoom sandbox: nothing to join.']));
  });

  router.get('/s/:meetingId', (req, res) => {
    const meeting = state.meetings.find(req.params.meetingId);
    const zak = typeof req.query.zak === 'string' ? req.query.zak : '';
    if (!meeting || !state.meetings.zakValid(meeting.id, zak)) {
      return void res
        .status(401)
        .type('html')
        .send(meetingPage('Start link invalid or expired', [req.params.meetingId]));
    }
    res
      .type('html')
      .send(meetingPage(`Start: ${meeting.topic}`, [`Meeting ID ${meeting.id}`, 'Zoom sandbox: host start link OK.']));
  });

  return router;
}
