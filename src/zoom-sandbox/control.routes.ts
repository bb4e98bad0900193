import express, { Router } from 'express';
import { InjectedFaultSchema } from './faults';
import type { SandboxState } from './state';
import type { InjectedFault } from './types';

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
