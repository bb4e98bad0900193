import { Router, type Request } from 'express';
import { isFailure, type IssuedTokens, type OAuthFailure } from './auth-store';
import { flatQuery } from './pipeline';
import type { SandboxState } from './state';

const INVALID_CLIENT = { reason: 'Invalid client_id or client_secret', error: 'invalid_client' };

/** POST /oauth/token (authorization_code, refresh_token, account_credentials) and POST /oauth/revoke. */
export function oauthTokenRoutes(state: SandboxState): Router {
  const router = Router();

  router.post('/oauth/token', (req, res) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    const app = state.auth.authenticateClient(req.get('authorization'));
    if (!app) return void res.status(401).json(INVALID_CLIENT);
    const p = params(req);
    let result: IssuedTokens | OAuthFailure;
    switch (p.grant_type) {
      case 'authorization_code':
        if (app.kind !== 'user') result = unauthorizedClient();
        else if (!p.code) result = missing('code');
        else result = state.auth.redeemCode(app, p.code, p.redirect_uri, p.code_verifier);
        break;
      case 'refresh_token':
        if (app.kind !== 'user') result = unauthorizedClient();
        else result = state.auth.refresh(app, p.refresh_token);
        break;
      case 'account_credentials':
        if (app.kind !== 's2s') result = unauthorizedClient();
        else result = state.auth.accountCredentials(app, p.account_id);
        break;
      default:
        result = { status: 400, body: { reason: 'Unsupported grant type', error: 'unsupported_grant_type' } };
    }
    if (isFailure(result)) return void res.status(result.status).json(result.body);
    res.status(200).json({ ...result, api_url: state.baseUrl() });
  });

  router.post('/oauth/revoke', (req, res) => {
    const app = state.auth.authenticateClient(req.get('authorization'));
    if (!app) return void res.status(401).json(INVALID_CLIENT);
    const token = params(req).token;
    if (!token) return void res.status(400).json(missing('token').body);
    if (state.auth.revoke(app, token) === 'foreign') {
      return void res.status(400).json({ reason: 'Invalid Token!', error: 'invalid_request' });
    }
    res.status(200).json({ status: 'success' });
  });

  return router;
}

/** Zoom's docs show parameters in the query string as well as in the form body; the body wins. */
function params(req: Request): Record<string, string | undefined> {
  const body: Record<string, string> = {};
  if (req.body && typeof req.body === 'object') {
    for (const [key, value] of Object.entries(req.body as Record<string, unknown>))
      if (typeof value === 'string') body[key] = value;
  }
  return { ...flatQuery(req), ...body };
}

function missing(name: string): OAuthFailure {
  return { status: 400, body: { reason: `Missing required parameter: ${name}`, error: 'invalid_request' } };
}

function unauthorizedClient(): OAuthFailure {
  return {
    status: 400,
    body: { reason: 'The client is not authorized to use this grant type', error: 'unauthorized_client' },
  };
}
