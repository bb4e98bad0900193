import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest, with a 16-byte tag that must be whole (GCM accepts shorter tags unless told).
 *
 * `v2.<key id>.<binding>.<iv>.<tag>.<ciphertext>` (base64url parts): the binding names the record and field the value
 * was sealed for, and the first three parts are the associated data, so a sealed value copied to another record or
 * field does not decrypt there, and nobody can rewrite the binding. The key id picks the key: new values use the
 * current key, values of the previous key (TOKEN_ENCRYPTION_KEY_PREVIOUS) still open until they are rewritten.
 * `v1.<iv>.<tag>.<ciphertext>` (no associated data) stays readable; its next write makes it v2.
 */
export interface SealContext {
  /** The record the value lives in (e.g. the specialist's id). */
  record: string;
  /** The field (e.g. `zoomRefreshToken`). */
  field: string;
}

export interface TokenCipher {
  /** Without a context the value is sealed unbound (still v2): for values with no record of their own. */
  encrypt(plain: string, context?: SealContext): string;
  /** With a context, a value bound to another record or field is refused; unbound and v1 values are accepted. */
  decrypt(sealed: string, context?: SealContext): string;
  /** True when `sealed` is v2, under the current key, and bound to `context`: nothing to rewrite. */
  isCurrent(sealed: string, context: SealContext): boolean;
  /** The current key's id (the second part of every value it seals). */
  readonly keyId: string;
  /** A previous key is set (TOKEN_ENCRYPTION_KEY_PREVIOUS): a rotation is under way. */
  readonly rotating: boolean;
}

export class TokenDecryptError extends Error {
  override name = 'TokenDecryptError';
}

const TAG_BYTES = 16;
const IV_BYTES = 12;
const b64 = (b: Buffer) => b.toString('base64url');
const keyIdOf = (key: Buffer) =>
  b64(createHash('sha256').update('token-cipher-key-id').update(key).digest()).slice(0, 8);
const bindingOf = (context?: SealContext) =>
  context ? b64(Buffer.from(`${context.record}\u0000${context.field}`, 'utf8')) : '';

function open(key: Buffer, iv: string, tag: string, body: string, aad?: string): string {
  const tagBytes = Buffer.from(tag, 'base64url');
  const ivBytes = Buffer.from(iv, 'base64url');
  if (tagBytes.length !== TAG_BYTES || ivBytes.length !== IV_BYTES)
    throw new TokenDecryptError('Sealed token has a bad tag or IV length');
  const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tagBytes);
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new TokenDecryptError('Sealed token does not authenticate (wrong key, record or field, or tampered)', {
      cause: error,
    });
  }
}

/** `key`: the current key (seals and opens); `previous`: opens only, during a key rotation. */
export function createTokenCipher(key: Buffer, previous?: Buffer): TokenCipher {
  for (const k of [key, previous]) if (k && k.length !== 32) throw new Error('Token encryption key must be 32 bytes');
  const keys = new Map<string, Buffer>();
  if (previous) keys.set(keyIdOf(previous), previous);
  const keyId = keyIdOf(key);
  keys.set(keyId, key);

  return {
    keyId,
    rotating: Boolean(previous),
    encrypt(plain, context) {
      const header = `v2.${keyId}.${bindingOf(context)}`;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(header, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${header}.${b64(iv)}.${b64(cipher.getAuthTag())}.${b64(body)}`;
    },
    decrypt(sealed, context) {
      const parts = sealed.split('.');
      if (parts[0] === 'v1' && parts.length === 4) {
        const [, iv, tag, body] = parts as [string, string, string, string];
        for (const k of [key, previous]) {
          if (!k) continue;
          try {
            return open(k, iv, tag, body);
          } catch (error) {
            if (k === previous || !previous) throw error;
          }
        }
        throw new TokenDecryptError('Sealed token does not authenticate');
      }
      if (parts[0] !== 'v2' || parts.length !== 6) throw new TokenDecryptError('Unrecognised sealed token format');
      const [, kid, binding, iv, tag, body] = parts as [string, string, string, string, string, string];
      const k = keys.get(kid);
      if (!k)
        throw new TokenDecryptError(
          'Sealed with a key this process does not have (set TOKEN_ENCRYPTION_KEY_PREVIOUS to the old key)',
        );
      if (context && binding !== '' && binding !== bindingOf(context))
        throw new TokenDecryptError('Sealed token belongs to another record or field');
      return open(k, iv, tag, body, `v2.${kid}.${binding}`);
    },
    isCurrent(sealed, context) {
      return sealed.startsWith(`v2.${keyId}.${bindingOf(context)}.`) && bindingOf(context) !== '';
    },
  };
}
