import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import mongoose from 'mongoose';

/** Strings an attacker or a broken client sends where ids, dates, keys and names are expected. */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    '$gt',
    '{"$gt":""}',
    '$where',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '',
    '665f1b2c9d3e4a0012345678',
    '000000000000000000000000',
    'ffffffffffffffffffffffff',
    'zzzzzzzzzzzzzzzzzzzzzzzz',
    '2026-03-29T02:30:00+01:00',
    '2026-03-08T02:30:00-05:00',
    '2026-02-30',
    '2026-13-01',
    '0000-00-00',
    '9999-12-31T23:59:59Z',
    'Infinity',
    'NaN',
    '-1',
    '1e309',
    'true',
    'null',
    'Asia/Calcutta',
    'EST',
    'x'.repeat(20_000),
  ),
);

/** JSON texts (sent raw, so keys like __proto__ arrive as own keys), including ones JSON.stringify cannot make. */
export function hostileBody(fields: string[]) {
  const value = fc.oneof(
    hostileString,
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom({ $gt: '' }, { $ne: null }, { $where: 'sleep(1000)' }, [], {}),
  );
  const known = fc
    .dictionary(fc.constantFrom(...(fields.length ? fields : ['x'])), value)
    .map((o) => JSON.stringify(o));
  return fc.oneof(
    known,
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.constantFrom(
      '{"__proto__":{"role":"admin","isAdmin":true}}',
      '{"constructor":{"prototype":{"role":"admin"}}}',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`,
      '{"a":1',
      'null',
      '"string"',
      '12',
      '{"a":"\\ud800"}',
      JSON.stringify({ s: 'y'.repeat(200_000) }),
    ),
    known.map((k) => k.replace(/^\{/, '{"__proto__":{"x":1},')),
  );
}

export async function forgedTokens(secret: string, userId: string, nowMs: number) {
  const key = new TextEncoder().encode(secret);
  const claims = { role: 'admin', typ: 'access' };
  const base = (_key: Uint8Array) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer('specialist-booking');
  const s = Math.floor(nowMs / 1000);
  return {
    wrongSecret: await base(new TextEncoder().encode('x'.repeat(48)))
      .setIssuedAt(s)
      .setExpirationTime(s + 3600)
      .sign(new TextEncoder().encode('x'.repeat(48))),
    expired: await base(key)
      .setIssuedAt(s - 7200)
      .setExpirationTime(s - 3600)
      .sign(key),
    wrongIssuer: await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer('evil')
      .setIssuedAt(s)
      .setExpirationTime(s + 3600)
      .sign(key),
    algNone: `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: userId, iss: 'specialist-booking', exp: s + 3600 })).toString('base64url')}.`,
    garbage: 'a.b.c',
  };
}

export function signWebhook(secret: string, body: string, timestamp: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A digest of every collection, to prove a refused request changed nothing. */
export async function databaseSnapshot(): Promise<string> {
  const hash = createHash('sha256');
  for (const model of Object.values(mongoose.models).sort((a, b) => a.modelName.localeCompare(b.modelName))) {
    const docs = await model.collection.find().sort({ _id: 1 }).toArray();
    hash.update(`${model.modelName}:${JSON.stringify(docs)}`);
  }
  return hash.digest('hex');
}
