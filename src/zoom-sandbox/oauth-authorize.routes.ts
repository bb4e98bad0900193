import { Router, type Response } from 'express';
import { USER_SCOPES } from './auth-store';
import { consentPage, errorPage } from './consent-page';
import type { AuthorizationRequest } from './consents';
import type { UserManagedApp } from './options';
import { flatQuery } from './pipeline';
import type { SandboxState } from './state';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

/** GET /oauth/authorize and the consent page's POST /oauth/authorize/decision. */
export function oauthAuthorizeRoutes(state: SandboxState): Router {
  const router = Router();

  router.get('/oauth/authorize', (req, res) => {
    const q = flatQuery(req);
    const app = q.client_id ? state.auth.userApp(q.client_id) : undefined;
    // Errors before the redirect_uri is trusted are shown here, never redirected (RFC 6749 §4.1.2.1).
    if (!app) return authorizeError(res, 'invalid_client', `Invalid client_id: ${q.client_id ?? ''}`);
    if (!q.redirect_uri || !redirectAllowed(app, q.redirect_uri)) {
      return authorizeError(res, 'invalid_request', `Invalid redirect_uri: ${q.redirect_uri ?? ''}`);
    }
    if (q.response_type !== 'code')
      return authorizeError(res, 'unsupported_response_type', 'response_type must be code');
    if (q.code_challenge !== undefined || q.code_challenge_method !== undefined) {
      // RFC 7636 defaults a missing method to "plain", which Zoom does not accept.
      if (q.code_challenge_method !== 'S256')
        return authorizeError(res, 'invalid_request', 'Only S256 code_challenge_method is supported');
      if (!q.code_challenge || !PKCE_VALUE.test(q.code_challenge))
        return authorizeError(res, 'invalid_request', 'Invalid code_challenge');
    }
    const request: AuthorizationRequest = {
      clientId: app.clientId,
      redirectUri: q.redirect_uri,
      ...(q.state === undefined ? {} : { state: q.state }),
      ...(q.code_challenge === undefined ? {} : { challenge: q.code_challenge }),
      ...(q.scope === undefined ? {} : { scope: q.scope }),
      ...(q.login_hint ? { loginHint: q.login_hint } : {}),
    };
    if (state.options.autoApprove || q.auto_approve === 'true') {
      return approve(res, request, request.loginHint ?? state.options.defaultUserEmail);
    }
    const requestId = state.consents.open(request);
    res
      .status(200)
      .type('html')
      .send(renderConsent(requestId, request, request.loginHint ?? state.options.defaultUserEmail));
  });

  router.post('/oauth/authorize/decision', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const requestId = typeof body.request_id === 'string' ? body.request_id : '';
    const request = state.consents.get(requestId);
    if (!request) return authorizeError(res, 'invalid_request', 'Unknown or expired authorization request');
    if (body.decision === 'deny') {
      state.consents.close(requestId);
      return redirectBack(res, request, { error: 'access_denied' });
    }
    if (body.decision !== 'approve') return authorizeError(res, 'invalid_request', 'decision must be approve or deny');
    const email =
      typeof body.email === 'string' && body.email.trim()
        ? body.email.trim()
        : (request.loginHint ?? state.options.defaultUserEmail);
    if (!EMAIL.test(email)) {
      return res
        .status(400)
        .type('html')
        .send(renderConsent(requestId, request, email, 'Enter a valid email address.'));
    }
    state.consents.close(requestId);
    approve(res, request, email);
  });

  function approve(res: Response, request: AuthorizationRequest, email: string) {
    const user = state.users.ensure(email);
    const code = state.auth.issueCode({
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      userId: user.id,
      ...(request.challenge === undefined ? {} : { challenge: request.challenge }),
    });
    redirectBack(res, request, { code });
  }

  return router;
}

function renderConsent(requestId: string, request: AuthorizationRequest, email: string, error?: string): string {
  return consentPage({
    requestId,
    appName: `Sandbox App (${request.clientId})`,
    clientId: request.clientId,
    email,
    // Like Zoom, show what this authorize URL asked for; without a scope parameter, the app's configured scopes.
    scopes: (request.scope ?? USER_SCOPES).split(/[\s+]+/).filter(Boolean),
    ...(error ? { error } : {}),
  });
}

function redirectAllowed(app: UserManagedApp, redirectUri: string): boolean {
  if (app.redirectUris) return app.redirectUris.includes(redirectUri);
  try {
    const url = new URL(redirectUri);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.hash;
  } catch {
    return false;
  }
}

function redirectBack(res: Response, request: AuthorizationRequest, params: Record<string, string>) {
  const url = new URL(request.redirectUri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  if (request.state !== undefined) url.searchParams.set('state', request.state);
  res.redirect(302, url.toString());
}

function authorizeError(res: Response, error: string, reason: string) {
  res.status(400).format({
    html: () => res.send(errorPage(error, reason)),
    json: () => res.json({ error, reason }),
    default: () => res.type('html').send(errorPage(error, reason)),
  });
}
