import type { AppConfig } from '../../config';
import { systemClock } from '../../lib/clock';
import { createZoomApiClient } from '../../services/zoom/zoom-api.client';
import { createZoomHttp, type ZoomHttp } from '../../services/zoom/zoom-http';
import { createZoomOAuthClient } from '../../services/zoom/zoom-oauth.client';
import {
  ZoomClientConfigError,
  ZoomInvalidGrantError,
  ZoomTokenEndpointError,
  zoomReasonOf,
} from '../../services/zoom/zoom.errors';
import { fail, failInProduction, ok, warn, type CheckResult } from './report';

const CLOCK_SKEW_LIMIT_MS = 60_000;

/** The Zoom clients of the server's configuration, remembering the Date header of Zoom's first answer. */
function zoomClients(config: AppConfig) {
  const send = createZoomHttp(config.zoom.httpTimeoutMs);
  const seen: { date?: string; at?: number } = {};
  const http: ZoomHttp = async (request) => {
    const response = await send(request);
    if (!seen.date && response.headers.date) Object.assign(seen, { date: response.headers.date, at: Date.now() });
    return response;
  };
  return {
    seen,
    oauth: createZoomOAuthClient({ http, oauthBaseUrl: config.zoom.oauthBaseUrl }),
    api: createZoomApiClient({ http, apiBaseUrl: config.zoom.apiBaseUrl, clock: systemClock }),
  };
}

/**
 * A deliberately invalid authorization code: Zoom checks the client first, so `invalid_grant` proves the client id
 * and secret are accepted, and `invalid_client` that they are not. Real Zoom may also answer the made-up code with
 * `invalid_request` "Invalid authorization code …" (as accepting as `invalid_grant`); any other `invalid_request` is
 * about the request we sent, which carries nothing from the configuration but the redirect URI.
 */
async function checkUserManaged(config: AppConfig, zoom: ReturnType<typeof zoomClients>): Promise<CheckResult> {
  const name = 'Zoom user-managed app';
  const { clientId, clientSecret, redirectUri } = config.zoom.userManaged;
  if (!clientId) {
    return config.meetingProvider === 'user'
      ? fail(name, 'ZOOM_USER_MANAGED_CLIENT_ID is not set', 'set the app’s client id and secret')
      : ok(name, 'not configured (not needed with MEETING_PROVIDER=s2s)');
  }
  try {
    await zoom.oauth.exchangeCode(
      { clientId, clientSecret: clientSecret ?? '' },
      { code: 'go-live-check-invalid-code', redirectUri, codeVerifier: 'go-live-check'.padEnd(43, '0') },
    );
    return warn(
      name,
      'Zoom accepted a made-up authorization code',
      `check ZOOM_OAUTH_BASE_URL (${config.zoom.oauthBaseUrl})`,
    );
  } catch (error) {
    if (error instanceof ZoomInvalidGrantError)
      return ok(name, `credentials accepted by ${config.zoom.oauthBaseUrl} (a made-up code came back invalid_grant)`);
    if (error instanceof ZoomTokenEndpointError && error.zoomCode === 'invalid_request') {
      const { reason } = error;
      if (/invalid authorization code/i.test(reason)) {
        return ok(
          name,
          `credentials accepted by ${config.zoom.oauthBaseUrl} (a made-up code came back invalid_request: ${reason})`,
        );
      }
      return fail(
        name,
        `Zoom refused the code exchange (invalid_request: ${reason})`,
        `check ZOOM_REDIRECT_URI (${redirectUri}) against the app’s Redirect URL for OAuth and its OAuth allow list (exactly, scheme and path included)`,
      );
    }
    if (error instanceof ZoomClientConfigError) {
      return fail(
        name,
        `Zoom refused the client id and secret (invalid_client: ${error.reason})`,
        'copy ZOOM_USER_MANAGED_CLIENT_ID and ZOOM_USER_MANAGED_CLIENT_SECRET from the app’s App Credentials page (development and production credentials differ)',
      );
    }
    return fail(
      name,
      `Zoom's token endpoint did not answer as expected: ${zoomReasonOf(error)}`,
      `check ZOOM_OAUTH_BASE_URL (${config.zoom.oauthBaseUrl}) and outbound HTTPS from here`,
    );
  }
}

async function checkS2S(config: AppConfig, zoom: ReturnType<typeof zoomClients>): Promise<CheckResult[]> {
  const name = 'Zoom Server-to-Server app';
  const { accountId, clientId, clientSecret, hostUser } = config.zoom.s2s;
  if (!accountId || !clientId || !clientSecret) {
    return [
      config.meetingProvider === 's2s'
        ? fail(name, 'ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET are not set', 'set all three')
        : ok(name, 'not configured (only MEETING_PROVIDER=s2s and the admin /api/zoom/* routes use it)'),
    ];
  }
  let token: string;
  try {
    token = (await zoom.oauth.accountCredentialsToken({ accountId, clientId, clientSecret })).access_token;
  } catch (error) {
    return [
      fail(
        name,
        `no token for account ${accountId}: ${zoomReasonOf(error)}`,
        'copy ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET from the Server-to-Server app, and activate it',
      ),
    ];
  }
  const results = [ok(name, `a token was issued for account ${accountId}`)];
  if (!hostUser) {
    if (config.meetingProvider === 's2s')
      results.push(
        warn(
          'ZOOM_S2S_HOST_USER',
          'not set: specialists an admin has not approved as hosts (GET /api/admin/s2s-hosts) cannot be booked',
          'approve them on the admin page, or set it to a licensed user of the account to host their meetings',
        ),
      );
    return results;
  }
  try {
    const user = await zoom.api.getUser(token, hostUser);
    results.push(ok('ZOOM_S2S_HOST_USER', `${hostUser} exists (${user.email ?? user.id})`));
  } catch (error) {
    results.push(
      fail(
        'ZOOM_S2S_HOST_USER',
        `${hostUser} is not a user of the account: ${zoomReasonOf(error)}`,
        'set an existing user',
      ),
    );
  }
  return results;
}

function checkClock(seen: { date?: string; at?: number }): CheckResult {
  const name = 'Clock';
  const zoomTime = seen.date ? Date.parse(seen.date) : NaN;
  if (Number.isNaN(zoomTime)) return warn(name, 'Zoom sent no Date header to compare with');
  // Date has a one-second resolution: allow for it.
  const skew = seen.at! - zoomTime - 500;
  if (Math.abs(skew) <= CLOCK_SKEW_LIMIT_MS) return ok(name, `agrees with Zoom's (${Math.round(skew / 1000)} s apart)`);
  return fail(
    name,
    `${Math.round(skew / 1000)} s apart from Zoom's: token expiry and webhook time stamps will be misjudged`,
    'synchronise the clock (NTP / chrony)',
  );
}

export async function zoomChecks(config: AppConfig): Promise<CheckResult[]> {
  const secret = config.zoom.webhookSecretToken;
  const webhook = secret
    ? ok('Zoom webhook secret', 'ZOOM_WEBHOOK_SECRET_TOKEN is set')
    : failInProduction(
        config.isProduction,
        'Zoom webhook secret',
        'ZOOM_WEBHOOK_SECRET_TOKEN is not set: webhooks (deauthorization, meeting changes) are refused',
        'copy the Secret Token from the app’s Features → Access page',
      );
  if (config.zoom.useEmbeddedSandbox) {
    return [
      warn(
        'Zoom',
        'no credentials: the server runs the EMBEDDED ZOOM SANDBOX on loopback (not real Zoom); nothing to check',
        'set ZOOM_USER_MANAGED_CLIENT_ID/SECRET (or ZOOM_ACCOUNT_ID/ZOOM_CLIENT_ID/SECRET for s2s) to use Zoom',
      ),
      secret ? webhook : warn('Zoom webhook secret', 'the embedded sandbox’s own secret is used'),
    ];
  }
  const zoom = zoomClients(config);
  const results = [await checkUserManaged(config, zoom), ...(await checkS2S(config, zoom)), webhook];
  results.push(checkClock(zoom.seen));
  return results;
}
