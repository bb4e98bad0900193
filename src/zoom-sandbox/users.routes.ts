import { Router } from 'express';
import { isApiFailure, principalOf, resolveUser, userNotFound } from './api-auth';
import { paginate } from './pagination';
import { flatQuery } from './pipeline';
import type { SandboxState } from './state';

/** GET /v2/users/me, GET /v2/users, GET /v2/users/:userId (mounted under /v2, after authentication). */
export function usersRoutes(state: SandboxState): Router {
  const router = Router();

  router.get('/users/me', (_req, res) => {
    const principal = principalOf(res);
    if (!principal.user) return void res.status(404).json(userNotFound('me').body);
    res.json(principal.user);
  });

  router.get('/users', (req, res) => {
    // Listing an account's users needs an account-level (S2S) token.
    if (principalOf(res).grant.kind !== 's2s')
      return void res.status(400).json({ code: 200, message: 'No permission.' });
    const { page, ...paging } = paginate(state.users.list(), flatQuery(req));
    res.json({ ...paging, users: page });
  });

  router.get('/users/:userId', (req, res) => {
    const user = resolveUser(state, principalOf(res), req.params.userId);
    if (isApiFailure(user)) return void res.status(user.status).json(user.body);
    res.json(user);
  });

  return router;
}
