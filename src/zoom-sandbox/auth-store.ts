import { jwtLikeToken, pkceS256, randomUrlSafe, secretsEqual } from './ids';
import type { ClientApp, S2sApp, UserManagedApp } from './options';

export const USER_SCOPES =
  'meeting:write:meeting meeting:read:meeting meeting:update:meeting meeting:delete:meeting user:read:user';
export const S2S_SCOPES =
  'meeting:write:meeting:admin meeting:read:meeting:admin meeting:update:meeting:admin meeting:delete:meeting:admin ' +
  'user:read:user:admin user:read:list_users:admin';
// Zoom refresh tokens live 90 days.
const REFRESH_TTL_MS = 90 * 24 * 3600 * 1000;

export interface Grant {
  id: string;
  kind: 'user' | 's2s';
  clientId: string;
  userId?: string;
  accountId: string;
  revoked: boolean;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  challenge?: string;
  expiresAt: number;
  used: boolean;
  grantId?: string;
}

export interface OAuthFailure {
  status: number;
  body: { reason: string; error: string };
}

export interface IssuedTokens {
  access_token: string;
  token_type: 'bearer';
  refresh_token?: string;
  expires_in: number;
  scope: string;
}

export type AccessCheck = { ok: true; grant: Grant } | { ok: false; expired: boolean };

const fail = (status: number, error: string, reason: string): OAuthFailure => ({ status, body: { reason, error } });

/** Clients, authorization codes, grants and the access/refresh tokens issued for them. */
export class AuthStore {
  private readonly codes = new Map<string, AuthCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, { grantId: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, { grantId: string; expiresAt: number }>();

  constructor(
    private readonly deps: {
      now: () => number;
      accessTtlSeconds: number;
      codeTtlSeconds: number;
      apps: ClientApp[];
      accountId: string;
    },
  ) {}

  /** HTTP Basic client authentication, the only kind Zoom's token endpoint accepts. */
  authenticateClient(authorization: string | undefined): ClientApp | undefined {
    const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const clientId = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const app = this.deps.apps.find((candidate) => candidate.clientId === clientId);
    return app && secretsEqual(app.clientSecret, secret) ? app : undefined;
  }

  userApp(clientId: string): UserManagedApp | undefined {
    return this.deps.apps.find((app): app is UserManagedApp => app.kind === 'user' && app.clientId === clientId);
  }

  issueCode(input: Omit<AuthCode, 'expiresAt' | 'used' | 'grantId'>): string {
    const code = randomUrlSafe(24);
    this.codes.set(code, { ...input, expiresAt: this.deps.now() + this.deps.codeTtlSeconds * 1000, used: false });
    return code;
  }

  redeemCode(
    app: UserManagedApp,
    code: string,
    redirectUri: string | undefined,
    verifier: string | undefined,
  ): IssuedTokens | OAuthFailure {
    const entry = this.codes.get(code);
    const invalid = fail(400, 'invalid_grant', `Invalid authorization code ${code}`);
    if (!entry || entry.clientId !== app.clientId) return invalid;
    if (entry.used) {
      // RFC 6749 §4.1.2: a code presented twice revokes what was issued from it.
      if (entry.grantId) this.revokeGrant(entry.grantId);
      return invalid;
    }
    if (this.deps.now() >= entry.expiresAt) return invalid;
    if (redirectUri !== entry.redirectUri) return fail(400, 'invalid_request', 'Redirect URI mismatch.');
    if (entry.challenge !== undefined) {
      if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || pkceS256(verifier) !== entry.challenge) {
        return fail(400, 'invalid_grant', 'Invalid code_verifier');
      }
    }
    const grant = this.newGrant({
      kind: 'user',
      clientId: app.clientId,
      userId: entry.userId,
      accountId: this.deps.accountId,
    });
    entry.used = true;
    entry.grantId = grant.id;
    return this.issue(grant, true);
  }

  refresh(app: UserManagedApp, refreshToken: string | undefined): IssuedTokens | OAuthFailure {
    const entry = refreshToken ? this.refreshTokens.get(refreshToken) : undefined;
    const grant = entry ? this.grants.get(entry.grantId) : undefined;
    if (
      !refreshToken ||
      !entry ||
      !grant ||
      grant.revoked ||
      grant.clientId !== app.clientId ||
      this.deps.now() >= entry.expiresAt
    ) {
      return fail(400, 'invalid_grant', 'Invalid Token!');
    }
    // Rotation: the presented refresh token dies; the previous access token lives until it expires.
    this.refreshTokens.delete(refreshToken);
    return this.issue(grant, true);
  }

  accountCredentials(app: S2sApp, accountId: string | undefined): IssuedTokens | OAuthFailure {
    if (!accountId || accountId !== app.accountId) return fail(400, 'invalid_request', 'Invalid account_id');
    const grant = this.newGrant({ kind: 's2s', clientId: app.clientId, accountId: app.accountId });
    return this.issue(grant, false);
  }

  /** Revokes the whole grant behind an access or refresh token. Unknown tokens are ignored (RFC 7009 §2.2). */
  revoke(app: ClientApp, token: string): 'revoked' | 'foreign' {
    const entry = this.accessTokens.get(token) ?? this.refreshTokens.get(token);
    const grant = entry ? this.grants.get(entry.grantId) : undefined;
    if (!grant) return 'revoked';
    if (grant.clientId !== app.clientId) return 'foreign';
    this.revokeGrant(grant.id);
    return 'revoked';
  }

  revokeUser(userId: string): void {
    for (const grant of this.grants.values()) if (grant.userId === userId) this.revokeGrant(grant.id);
  }

  checkAccess(token: string): AccessCheck {
    const entry = this.accessTokens.get(token);
    const grant = entry ? this.grants.get(entry.grantId) : undefined;
    if (!entry || !grant || grant.revoked) return { ok: false, expired: false };
    if (this.deps.now() >= entry.expiresAt) return { ok: false, expired: true };
    return { ok: true, grant };
  }

  private revokeGrant(grantId: string): void {
    const grant = this.grants.get(grantId);
    if (grant) grant.revoked = true;
    for (const [token, entry] of this.refreshTokens) if (entry.grantId === grantId) this.refreshTokens.delete(token);
  }

  private newGrant(input: Omit<Grant, 'id' | 'revoked'>): Grant {
    const grant: Grant = { ...input, id: randomUrlSafe(12), revoked: false };
    this.grants.set(grant.id, grant);
    return grant;
  }

  private issue(grant: Grant, withRefresh: boolean): IssuedTokens {
    const now = this.deps.now();
    const ttl = this.deps.accessTtlSeconds;
    const claims = {
      ver: 10,
      aud: 'https://oauth.zoom.us',
      iss: `zm:cid:${grant.clientId}`,
      uid: grant.userId ?? '',
      aid: grant.accountId,
      iat: Math.floor(now / 1000),
      exp: Math.floor(now / 1000) + ttl,
    };
    const accessToken = jwtLikeToken({ ...claims, tokenType: 'access_token' });
    this.accessTokens.set(accessToken, { grantId: grant.id, expiresAt: now + ttl * 1000 });
    let refreshToken: string | undefined;
    if (withRefresh) {
      refreshToken = jwtLikeToken({
        ...claims,
        tokenType: 'refresh_token',
        exp: Math.floor((now + REFRESH_TTL_MS) / 1000),
      });
      this.refreshTokens.set(refreshToken, { grantId: grant.id, expiresAt: now + REFRESH_TTL_MS });
    }
    return {
      access_token: accessToken,
      token_type: 'bearer',
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      // Zoom answers 3599 for its one-hour tokens.
      expires_in: Math.max(1, Math.round(ttl) - 1),
      scope: grant.kind === 's2s' ? S2S_SCOPES : USER_SCOPES,
    };
  }
}

export function isFailure(result: IssuedTokens | OAuthFailure): result is OAuthFailure {
  return 'status' in result;
}
