import { ZoomApiError, ZoomClientConfigError, ZoomInvalidGrantError, ZoomTokenEndpointError } from './zoom.errors';
import type { ZoomHttp, ZoomHttpResponse } from './zoom-http';
import { ZoomOAuthError, ZoomTokenResponse } from './zoom-api.schemas';

export interface ZoomAppCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * Zoom's OAuth endpoints (https://developers.zoom.us/docs/integrations/oauth/). Client authentication is HTTP
 * Basic; parameters go in a form body. Sending a request is kept apart from interpreting its answer.
 */
export function createZoomOAuthClient(deps: {
  http: ZoomHttp;
  oauthBaseUrl: string;
  /**
   * For requests whose answer is a grant's only copy: a refresh (Zoom rotates the refresh token whether or not we read
   * its answer) and a code exchange (the code is single use). They are given up only at this client's (longer)
   * time-out; refresh callers stop waiting sooner (see the user token service), the connect callback waits.
   */
  refreshHttp?: ZoomHttp;
}) {
  const { http, oauthBaseUrl } = deps;

  function tokenRequest(app: ZoomAppCredentials, params: Record<string, string>, alsoInQuery = false, via = http) {
    return via({
      method: 'POST',
      url: `${oauthBaseUrl}/oauth/token${alsoInQuery ? `?${new URLSearchParams(params)}` : ''}`,
      headers: {
        Authorization: basicAuth(app),
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      data: new URLSearchParams(params).toString(),
    });
  }

  return {
    authorizeUrl(params: {
      clientId: string;
      redirectUri: string;
      state: string;
      codeChallenge: string;
      scopes: string;
    }) {
      const url = new URL(`${oauthBaseUrl}/oauth/authorize`);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: params.clientId,
        redirect_uri: params.redirectUri,
        state: params.state,
        code_challenge: params.codeChallenge,
        code_challenge_method: 'S256',
        scope: params.scopes,
      }).toString();
      return url.toString();
    },

    async exchangeCode(app: ZoomAppCredentials, input: { code: string; redirectUri: string; codeVerifier: string }) {
      const response = await tokenRequest(
        app,
        {
          grant_type: 'authorization_code',
          code: input.code,
          redirect_uri: input.redirectUri,
          code_verifier: input.codeVerifier,
        },
        false,
        deps.refreshHttp ?? http,
      );
      return processTokenResponse(response, true);
    },

    async refreshAccessToken(app: ZoomAppCredentials, refreshToken: string) {
      const response = await tokenRequest(
        app,
        { grant_type: 'refresh_token', refresh_token: refreshToken },
        false,
        deps.refreshHttp ?? http,
      );
      return processTokenResponse(response, true);
    },

    async accountCredentialsToken(app: ZoomAppCredentials & { accountId: string }) {
      // Zoom documents this grant with its (non-secret) parameters in the query string; the form body carries them too.
      const response = await tokenRequest(app, { grant_type: 'account_credentials', account_id: app.accountId }, true);
      return processTokenResponse(response, false);
    },

    /** Revokes the whole grant. Best effort: callers decide whether a failure matters. */
    async revokeToken(app: ZoomAppCredentials, token: string): Promise<boolean> {
      const response = await http({
        method: 'POST',
        url: `${oauthBaseUrl}/oauth/revoke`,
        headers: { Authorization: basicAuth(app), 'Content-Type': 'application/x-www-form-urlencoded' },
        data: new URLSearchParams({ token }).toString(),
      });
      return response.status >= 200 && response.status < 300;
    },
  };
}

function basicAuth(app: ZoomAppCredentials): string {
  return `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
}

export function processTokenResponse(response: ZoomHttpResponse, requireRefreshToken: boolean): ZoomTokenResponse {
  if (response.status === 200) {
    const parsed = ZoomTokenResponse.safeParse(response.data);
    if (!parsed.success || (requireRefreshToken && !parsed.data.refresh_token)) {
      throw new ZoomApiError('Zoom returned a malformed token response', { zoomStatus: 200, retryable: true });
    }
    return parsed.data;
  }
  const body = ZoomOAuthError.safeParse(response.data);
  const error = body.success ? body.data.error : undefined;
  const reason = (body.success && (body.data.reason ?? body.data.error_description)) || `HTTP ${response.status}`;
  if (error === 'invalid_grant') throw new ZoomInvalidGrantError(reason);
  if (error === 'invalid_client' || response.status === 401) throw new ZoomClientConfigError(reason);
  const retryable = response.status === 429 || response.status >= 500;
  throw new ZoomTokenEndpointError(reason, { zoomStatus: response.status, zoomCode: error, retryable });
}

export type ZoomOAuthClient = ReturnType<typeof createZoomOAuthClient>;
