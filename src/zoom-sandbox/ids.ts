import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** Random identifiers and time formats shaped like Zoom's. */

export function randomUrlSafe(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function randomBase64(bytes: number): string {
  return randomBytes(bytes).toString('base64');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

export function randomDigits(length: number): string {
  let out = String(randomInt(1, 10));
  for (let i = 1; i < length; i++) out += String(randomInt(10));
  return out;
}

/**
 * Zoom's access tokens are JWTs several hundred characters long; apps size their columns for that, so the
 * sandbox issues JWT-shaped strings. They are opaque here: only the full string is looked up.
 */
export function jwtLikeToken(claims: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS512', v: '2.0', kid: randomUrlSafe(16) })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ ...claims, jti: randomUrlSafe(16) })).toString('base64url');
  return `${header}.${payload}.${randomUrlSafe(64)}`;
}

export function secretsEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Zoom's date-time format: `yyyy-MM-ddTHH:mm:ssZ`, UTC, no milliseconds. */
export function zoomTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function utcDayKey(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function nextUtcMidnight(epochMs: number): number {
  const date = new Date(epochMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
}
