import express, { Router } from 'express';
import { z } from 'zod';
import { InjectedFaultSchema } from './faults';
import { hostDelete, hostUpdate } from './host-actions';
import type { SandboxState } from './state';
import type { HostMeetingUpdate, InjectedFault } from './types';

const WebhookControl = z.strictObject({
  url: z.url().optional(),
  secretToken: z.string().min(1).optional(),
  dropEvents: z.boolean().optional(),
});

/**
 * /_sandbox: the programmatic controls over HTTP, so a standalone sandbox can be driven by another process.
 * Not counted and never faulted.
 */
export function controlRoutes(state: SandboxState): Router {
  const router = Router();
  router.use(express.json());

  router.get('/', (_req, res) => {
    res.json({
      url: state.baseUrl(),
      oauthBaseUrl: state.baseUrl(),
      apiBaseUrl: `${state.baseUrl()}/v2`,
      now: state.now(),
    });
  });

  router.post('/faults', (req, res) => {
    const parsed = InjectedFaultSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'invalid fault', issues: parsed.error.issues });
    state.faults.inject(parsed.data as InjectedFault);
    res.status(201).json({ status: 'injected' });
  });

  router.delete('/faults', (_req, res) => {
    state.faults.clear();
    res.status(204).end();
  });

  router.get('/calls', (req, res) => {
    const route = typeof req.query.route === 'string' ? req.query.route : undefined;
    res.json({
      total: state.recorder.calls(),
      ...(route ? { route, count: state.recorder.calls(route) } : {}),
      routes: state.recorder.counts(),
    });
  });

  router.delete('/calls', (_req, res) => {
    state.recorder.reset();
    res.status(204).end();
  });

  router.get('/requests', (req, res) => {
    const route = typeof req.query.route === 'string' ? req.query.route : '';
    res.json(state.recorder.requests(route));
  });

  router.get('/meetings', (_req, res) => {
    res.json(state.meetings.all());
  });

  // The host's own Zoom app: edits and deletions that Zoom reports to us only through webhooks.
  router.patch('/meetings/:id', (req, res) => {
    const result = hostUpdate(state, req.params.id, (req.body ?? {}) as HostMeetingUpdate);
    if (!result.found) return void res.status(404).json({ error: 'unknown meeting' });
    if (result.invalid) return void res.status(400).json({ error: `invalid ${result.invalid}` });
    res.json(state.meetings.find(req.params.id));
  });

  router.delete('/meetings/:id', (req, res) => {
    if (!hostDelete(state, req.params.id)) return void res.status(404).json({ error: 'unknown meeting' });
    res.status(204).end();
  });

  router.get('/webhook', (_req, res) => {
    const { url, dropEvents } = state.webhooks.config;
    res.json({ url: url ?? null, dropEvents, deliveries: state.webhooks.deliveries() });
  });

  router.put('/webhook', (req, res) => {
    const parsed = WebhookControl.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: 'invalid webhook settings' });
    const { url, dropEvents } = state.webhooks.configure(parsed.data);
    res.json({ url: url ?? null, dropEvents });
  });

  router.get('/users', (_req, res) => {
    res.json(state.users.list());
  });

  router.post('/users', (req, res) => {
    const email: unknown = (req.body as { email?: unknown } | undefined)?.email;
    if (typeof email !== 'string' || !email.includes('@'))
      return void res.status(400).json({ error: 'email required' });
    res.status(201).json(state.users.ensure(email));
  });

  router.post('/users/:id/revoke', (req, res) => {
    const user = state.users.find(req.params.id);
    if (!user) return void res.status(404).json({ error: 'unknown user' });
    state.auth.revokeUser(user.id);
    res.status(204).end();
  });

  router.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (error as { status?: number }).status ?? 500;
    res.status(status).json({ error: error instanceof Error ? error.message : 'error' });
  });

  return router;
}
