import { createCipheriv, randomBytes } from 'node:crypto';
import { createTokenCipher } from '../src/lib/token-cipher';
import { UserOAuthTokenModel } from '../src/models/user-oauth-token.model';
import { TEST_ENCRYPTION_KEY, createTestApp, registerUser, uniqueEmail } from './support/app';
import { grantOf, HOUR } from './support/grant-health';
import { useStack } from './support/stack';
import { connectZoom, sandboxEnv } from './support/zoom';

const KEY = Buffer.alloc(32, 1);
const OLD = Buffer.alloc(32, 2);
const at = (record: string, field = 'zoomRefreshToken') => ({ record, field });

/** What the earlier format wrote: v1.<iv>.<tag>.<ciphertext>, no associated data. */
function sealV1(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
    '.',
  );
}

describe('token cipher v2', () => {
  const cipher = createTokenCipher(KEY);

  it('when a value is sealed for a record and field, then it opens there and nowhere else', () => {
    const sealed = cipher.encrypt('secret-refresh-token', at('spec-a'));
    expect(sealed).toMatch(/^v2\./);
    expect(cipher.decrypt(sealed, at('spec-a'))).toBe('secret-refresh-token');
    expect(() => cipher.decrypt(sealed, at('spec-b'))).toThrow('another record or field');
    expect(() => cipher.decrypt(sealed, at('spec-a', 'zoomAccessToken'))).toThrow('another record or field');
    // Rewriting the binding to match the new place breaks the tag (the binding is associated data).
    const [v, kid, , iv, tag, body] = sealed.split('.');
    const rebound = [v, kid, Buffer.from('spec-b\u0000zoomRefreshToken').toString('base64url'), iv, tag, body].join(
      '.',
    );
    expect(() => cipher.decrypt(rebound, at('spec-b'))).toThrow('does not authenticate');
  });

  it('when the tag is truncated (v1 or v2), then the value does not decrypt', () => {
    const v2 = cipher.encrypt('secret', at('spec-a')).split('.');
    v2[4] = Buffer.from(v2[4]!, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => cipher.decrypt(v2.join('.'), at('spec-a'))).toThrow('bad tag');
    const v1 = sealV1(KEY, 'secret').split('.');
    expect(cipher.decrypt(v1.join('.'))).toBe('secret');
    v1[2] = Buffer.from(v1[2]!, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => cipher.decrypt(v1.join('.'))).toThrow('bad tag');
  });

  it('when the key is rotated, then values of the previous key still open and new ones use the new key; without it they do not', () => {
    const old = createTokenCipher(OLD);
    const sealedOld = old.encrypt('secret', at('spec-a'));
    const rotated = createTokenCipher(KEY, OLD);
    expect(rotated.decrypt(sealedOld, at('spec-a'))).toBe('secret');
    expect(rotated.decrypt(sealV1(OLD, 'legacy'))).toBe('legacy');
    expect(rotated.isCurrent(sealedOld, at('spec-a'))).toBe(false);
    const fresh = rotated.encrypt('secret', at('spec-a'));
    expect(rotated.isCurrent(fresh, at('spec-a'))).toBe(true);
    expect(() => cipher.decrypt(sealedOld, at('spec-a'))).toThrow('TOKEN_ENCRYPTION_KEY_PREVIOUS');
  });
});

describe('sealed grants in the token service', () => {
  const OLD_KEY = 'c'.repeat(64);
  const stack = useStack();
  const { clock } = stack;

  async function connected() {
    const s = await registerUser(stack.app, 'specialist');
    await connectZoom(stack.app, s.token, uniqueEmail('zoom'));
    stack.sandbox.resetCalls();
    return s;
  }

  it('when a grant is connected, then its tokens are sealed to its record; copied into another grant they do not open', async () => {
    const a = await connected();
    const b = await connected();
    const [ga, gb] = [await grantOf(a.user.id), await grantOf(b.user.id)];
    const cipher = stack.container.cipher;
    expect(cipher.isCurrent(ga!.zoomRefreshToken!, at(a.user.id))).toBe(true);
    expect(cipher.isCurrent(ga!.zoomAccessToken!, at(a.user.id, 'zoomAccessToken'))).toBe(true);
    await UserOAuthTokenModel.updateOne({ _id: gb!._id }, { $set: { zoomRefreshToken: ga!.zoomRefreshToken } });
    clock.advance(HOUR + 1000);
    await expect(stack.container.services.zoom.tokens.getAccessToken(b.user.id)).rejects.toThrow(
      'another record or field',
    );
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(0);
  });

  it('when grants hold v1 values, then they still work and are rewritten as v2 at their next write', async () => {
    const { user } = await connected();
    const grant = await grantOf(user.id);
    const plain = {
      access: stack.container.cipher.decrypt(grant!.zoomAccessToken!),
      refresh: stack.container.cipher.decrypt(grant!.zoomRefreshToken!),
    };
    const key = Buffer.from(TEST_ENCRYPTION_KEY, 'hex');
    await UserOAuthTokenModel.updateOne(
      { _id: grant!._id },
      { $set: { zoomAccessToken: sealV1(key, plain.access), zoomRefreshToken: sealV1(key, plain.refresh) } },
    );
    await expect(stack.container.services.zoom.tokens.getAccessToken(user.id)).resolves.toBe(plain.access);
    const after = await grantOf(user.id);
    expect(after!.zoomAccessToken).toMatch(/^v2\./);
    expect(after!.zoomRefreshToken).toMatch(/^v2\./);
    clock.advance(HOUR + 1000);
    await expect(stack.container.services.zoom.tokens.getAccessToken(user.id)).resolves.not.toBe(plain.access);
    expect(stack.sandbox.requests('POST /oauth/token')[0]!.body).toMatchObject({ refresh_token: plain.refresh });
  });

  it('when the encryption key is rotated with TOKEN_ENCRYPTION_KEY_PREVIOUS, then every grant stays usable and moves to the new key', async () => {
    const before = createTestApp({ clock, env: { ...sandboxEnv(stack.sandbox), TOKEN_ENCRYPTION_KEY: OLD_KEY } });
    const specialists = [];
    for (let i = 0; i < 3; i += 1) {
      const s = await registerUser(before.app, 'specialist');
      await connectZoom(before.app, s.token, uniqueEmail('zoom'));
      specialists.push(s);
    }
    // Rotated: the new key seals, the old one still opens. One grant is fresh, one expires, one is idle.
    const rotated = createTestApp({
      clock,
      env: { ...sandboxEnv(stack.sandbox), TOKEN_ENCRYPTION_KEY_PREVIOUS: OLD_KEY },
    });
    const tokens = rotated.container.services.zoom.tokens;
    stack.sandbox.resetCalls();
    await expect(tokens.getAccessToken(specialists[0]!.user.id)).resolves.toEqual(expect.any(String));
    clock.advance(HOUR + 1000);
    await expect(tokens.getAccessToken(specialists[1]!.user.id)).resolves.toEqual(expect.any(String));
    await expect(tokens.keepAlive(specialists[2]!.user.id, clock.now())).resolves.toBe('refreshed');
    for (const s of specialists) {
      const g = await grantOf(s.user.id);
      expect(rotated.container.cipher.isCurrent(g!.zoomRefreshToken!, at(s.user.id))).toBe(true);
    }
    // Once rewritten, the previous key is no longer needed.
    const newOnly = createTestApp({ clock, env: sandboxEnv(stack.sandbox) });
    for (const s of specialists)
      await expect(newOnly.container.services.zoom.tokens.getAccessToken(s.user.id)).resolves.toEqual(
        expect.any(String),
      );
  });
});
