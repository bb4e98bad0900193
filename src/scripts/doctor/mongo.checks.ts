import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { AppConfig } from '../../config';
import { createTokenCipher } from '../../lib/token-cipher';
import { UserOAuthTokenModel } from '../../models/user-oauth-token.model';
import { fail, failInProduction, messageOf, ok, warn, type CheckResult } from './report';

const redactUri = (uri: string) => uri.replace(/\/\/[^@/]*@/, '//***@');

/** Connects a connection of its own (the app's global one stays untouched). */
export async function connectForChecks(uri: string, embedded?: string): Promise<[Connection | undefined, CheckResult]> {
  const name = 'MongoDB reachable';
  try {
    const conn = await mongoose
      .createConnection(uri, { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000, autoCreate: false })
      .asPromise();
    await conn.db!.admin().ping();
    if (embedded) {
      return [
        conn,
        warn(
          name,
          `EMBEDDED ${embedded} (no MONGODB_URI): a throw-away database in this process; the server starts its own`,
          'set MONGODB_URI to your MongoDB (a replica set) for production',
        ),
      ];
    }
    return [conn, ok(name, redactUri(uri))];
  } catch (error) {
    return [
      undefined,
      fail(
        name,
        `${redactUri(uri)}: ${messageOf(error)}`,
        'check MONGODB_URI (host, port, credentials) and the network',
      ),
    ];
  }
}

export async function checkVersionAndTopology(conn: Connection): Promise<CheckResult[]> {
  const admin = conn.db!.admin();
  const results: CheckResult[] = [];
  try {
    const { version } = (await admin.command({ buildInfo: 1 })) as { version?: string };
    const major = Number(String(version).split('.')[0]);
    results.push(
      major >= 6
        ? ok('MongoDB version', String(version))
        : warn('MongoDB version', `${version}: past its end of life`, 'upgrade to MongoDB 7 or newer'),
    );
  } catch (error) {
    results.push(warn('MongoDB version', `could not be read: ${messageOf(error)}`));
  }
  try {
    const hello = (await admin.command({ hello: 1 })) as { setName?: string };
    results.push(
      hello.setName
        ? ok('MongoDB replica set', `member of "${hello.setName}"`)
        : warn(
            'MongoDB replica set',
            'none (a standalone server): no transactions, and a single point of failure for every instance',
            'run MongoDB as a replica set (docker-compose.yml shows a one-member one) with point-in-time backups',
          ),
    );
  } catch (error) {
    results.push(warn('MongoDB replica set', `could not be read: ${messageOf(error)}`));
  }
  return results;
}

type IndexSpec = { key: Record<string, unknown>; unique?: boolean };
const sameKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));
const describeIndex = (collection: string, index: IndexSpec) =>
  `${collection} ${JSON.stringify(index.key)}${index.unique ? ' unique' : ''}`;

/** Every index the server's models declare (what ensureIndexes creates at start-up), as this database has them. */
export async function checkIndexes(conn: Connection, embedded: boolean): Promise<CheckResult> {
  const name = 'MongoDB indexes';
  const missing: string[] = [];
  const notCreated: string[] = [];
  let expectedCount = 0;
  for (const model of Object.values(mongoose.models)) {
    const collection = model.collection.collectionName;
    const expected: IndexSpec[] = model.schema
      .indexes()
      .map(([key, options]) => ({ key: key as Record<string, unknown>, unique: Boolean(options?.unique) }));
    expectedCount += expected.length;
    let actual: IndexSpec[];
    try {
      actual = (await conn.db!.collection(collection).indexes()) as IndexSpec[];
    } catch (error) {
      // NamespaceNotFound: the collection does not exist yet (the server creates it with its indexes).
      if ((error as { code?: number }).code === 26 || /not found|does not exist/i.test(messageOf(error))) {
        notCreated.push(collection);
        continue;
      }
      return fail(name, `could not list the indexes of ${collection}: ${messageOf(error)}`, 'check the user’s roles');
    }
    // Nothing but _id and no documents: not created yet (jongodb answers so for a missing collection too).
    const onlyId = actual.every((a) => sameKey(a.key, { _id: 1 }));
    if (onlyId && (await conn.db!.collection(collection).estimatedDocumentCount()) === 0) {
      notCreated.push(collection);
      continue;
    }
    for (const index of expected) {
      if (!actual.some((a) => sameKey(a.key, index.key) && Boolean(a.unique) === index.unique))
        missing.push(describeIndex(collection, index));
    }
  }
  if (missing.length > 0) {
    return fail(
      name,
      `missing ${missing.join('; ')}`,
      'start the server once (it creates every index at start-up) or create them with db.<collection>.createIndex; ' +
        'an index that exists with other options must be dropped first',
    );
  }
  if (notCreated.length > 0) {
    const detail = `${notCreated.length} collections not created yet (${notCreated.join(', ')})`;
    return embedded
      ? ok(name, `${detail}: the server creates them and their indexes at start-up`)
      : warn(name, detail, 'start the server once: it creates the collections and their indexes at start-up');
  }
  return ok(name, `all ${expectedCount} present`);
}

/** The key the server would use: TOKEN_ENCRYPTION_KEY, or in development the generated one under DATA_DIR. */
function encryptionKeyOf(config: AppConfig): { key?: Buffer; source: string } {
  if (config.tokenEncryptionKey) return { key: config.tokenEncryptionKey, source: 'TOKEN_ENCRYPTION_KEY' };
  const file = path.join(path.resolve(config.dataDir), 'secrets', 'token-encryption-key');
  if (!config.isProduction && existsSync(file))
    return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'), source: `the development key in ${file}` };
  return { source: 'none' };
}

export async function checkEncryptionKey(conn: Connection, config: AppConfig): Promise<CheckResult> {
  const name = 'Token encryption key';
  const { key, source } = encryptionKeyOf(config);
  const grant = await conn
    .db!.collection(UserOAuthTokenModel.collection.collectionName)
    .findOne({ zoomRefreshToken: { $ne: null } })
    .catch(() => null);
  if (!key) {
    return failInProduction(
      config.isProduction,
      name,
      grant
        ? 'TOKEN_ENCRYPTION_KEY is not set, and stored grants exist: they cannot be read'
        : 'TOKEN_ENCRYPTION_KEY is not set: the server generates a development key under DATA_DIR',
      'set TOKEN_ENCRYPTION_KEY (32 bytes, 64 hex characters) and keep it with the backups',
    );
  }
  if (!grant) return ok(name, `${source} is set; no stored grant to try it on yet`);
  // During a rotation the server opens values of both keys: so does the check.
  const previous = config.tokenEncryptionKeyPrevious;
  const keys = previous ? `${source} with TOKEN_ENCRYPTION_KEY_PREVIOUS` : source;
  try {
    createTokenCipher(key, previous).decrypt(String(grant.zoomRefreshToken));
    return ok(name, `${keys} decrypts a stored grant`);
  } catch {
    return fail(
      name,
      `${keys} does not decrypt the stored grants: they were sealed with another key`,
      'restore the TOKEN_ENCRYPTION_KEY they were sealed with (with another key every specialist must connect Zoom again)',
    );
  }
}
