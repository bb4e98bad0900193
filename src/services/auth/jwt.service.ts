import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Clock } from '../../lib/clock';
import { UnauthenticatedError } from '../../lib/errors';
import type { UserRole } from '../../models/user.model';

export interface AccessClaims {
  userId: string;
  role: UserRole;
  /** The signed-in device (absent in tokens issued before sessions existed, and in tests' admin tokens). */
  sessionId?: string;
  /** The account's session version when issued: a raised version ends the token. */
  sessionVersion?: number;
}

export interface VerifiedAccessClaims extends AccessClaims {
  sessionVersion: number;
  issuedAt: Date;
}

const ISSUER = 'specialist-booking';

/** Signs and checks our own HS256 session tokens (and short-lived signed links) against the injected clock. */
export function createJwtService(secret: Uint8Array, clock: Clock, ttlSeconds: number) {
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    async signAccessToken(claims: AccessClaims): Promise<string> {
      const iat = nowSeconds();
      const extra = claims.sessionId ? { sid: claims.sessionId, sv: claims.sessionVersion ?? 0 } : {};
      return new SignJWT({ role: claims.role, typ: 'access', ...extra })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(secret);
    },
    async verifyAccessToken(token: string): Promise<VerifiedAccessClaims> {
      const payload = await verify(token, 'access');
      return {
        userId: String(payload.sub),
        role: payload.role as UserRole,
        sessionId: typeof payload.sid === 'string' ? payload.sid : undefined,
        sessionVersion: typeof payload.sv === 'number' ? payload.sv : 0,
        issuedAt: new Date((payload.iat ?? 0) * 1000),
      };
    },
    /**
     * The CSRF token of a session (signed double-submit): derived from the session id, so a token planted in a cookie
     * by someone else (a sibling subdomain) matches no session of the victim's.
     */
    csrfTokenFor(sessionId: string): string {
      return createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url');
    },
    csrfMatches(sessionId: string, sent: string): boolean {
      const expected = Buffer.from(createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url'));
      const given = Buffer.from(sent);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    /** A link that acts for one purpose on one subject until `expiresAt` (e.g. the specialist's start link). */
    async signLink(purpose: string, subject: string, expiresAt: Date): Promise<string> {
      return new SignJWT({ typ: purpose })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(subject)
        .setIssuer(ISSUER)
        .setIssuedAt(nowSeconds())
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(secret);
    },
    async verifyLink(token: string, purpose: string): Promise<string> {
      const payload = await verify(token, purpose);
      return String(payload.sub);
    },
    /**
     * A link checked for signature, issuer and purpose but not for its `exp`: for links whose caller decides their life
     * from stored state on every use (a manage link lives while its booking is confirmed and ahead, however far moved).
     */
    async verifyLinkIgnoringExpiry(token: string, purpose: string): Promise<string> {
      const payload = await verify(token, purpose, { expiry: false });
      return String(payload.sub);
    },
    /** A link whose use is recorded under `jti` (single-use account links). */
    async signRecordedLink(purpose: string, subject: string, jti: string, expiresAt: Date): Promise<string> {
      return new SignJWT({ typ: purpose })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(subject)
        .setJti(jti)
        .setIssuer(ISSUER)
        .setIssuedAt(nowSeconds())
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(secret);
    },
    async verifyRecordedLink(token: string, purposes: readonly string[]) {
      for (const purpose of purposes) {
        const payload = await verify(token, purpose).catch((error: unknown) => {
          if (error instanceof UnauthenticatedError && error.code === 'INVALID_TOKEN') return undefined;
          throw error;
        });
        if (payload?.jti) return { purpose, subject: String(payload.sub), jti: payload.jti };
      }
      throw new UnauthenticatedError('Invalid token', 'INVALID_TOKEN');
    },
  };

  async function verify(token: string, typ: string, checks = { expiry: true }) {
    try {
      const { payload } = await jwtVerify(token, secret, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        currentDate: clock.now(),
      }).catch((error: unknown) => {
        // jose reports `exp` only after the signature (and the issuer, checked again here) passed, with the claims.
        if (!checks.expiry && error instanceof joseErrors.JWTExpired && error.payload.iss === ISSUER) {
          return { payload: error.payload };
        }
        throw error;
      });
      if (payload.typ !== typ || !payload.sub) throw new UnauthenticatedError('Invalid token', 'INVALID_TOKEN');
      return payload;
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('Token expired', 'TOKEN_EXPIRED');
      throw new UnauthenticatedError('Invalid token', 'INVALID_TOKEN');
    }
  }
}

export type JwtService = ReturnType<typeof createJwtService>;
