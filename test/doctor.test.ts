import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { createTokenCipher } from '../src/lib/token-cipher';
import { runDoctor } from '../src/scripts/doctor/run-doctor';
import { startZoomSandbox, type ZoomSandbox } from '../src/zoom-sandbox/zoom-sandbox';
import { redisReachable, TEST_REDIS_URL } from './support/redis';
import { startTestSmtp, type TestSmtp } from './support/smtp';

const KEY = 'b'.repeat(64);

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run doctor (the go-live check)', () => {
  let sandbox: ZoomSandbox;
  let smtp: TestSmtp;
  let databaseUri: string;
  let conn: mongoose.Connection;

  beforeAll(async () => {
    sandbox = await startZoomSandbox({ autoApprove: true });
    smtp = await startTestSmtp();
    databaseUri = `${process.env.TEST_MONGODB_URI}doctor_${randomBytes(4).toString('hex')}`;
    conn = await mongoose.createConnection(databaseUri).asPromise();
  });
  afterAll(async () => {
    await conn.db?.dropDatabase().catch(() => {});
    await conn.close();
    await sandbox.close();
    await smtp.close();
  });

  /** Runs the check on a configuration against the test's MongoDB, Zoom sandbox and SMTP server. */
  async function doctor(env: Record<string, string> = {}) {
    const config = loadConfig({
      NODE_ENV: 'development',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'doctor-')),
      MONGODB_URI: databaseUri,
      TOKEN_ENCRYPTION_KEY: KEY,
      ZOOM_USER_MANAGED_CLIENT_ID: 'sandbox-client-id',
      ZOOM_USER_MANAGED_CLIENT_SECRET: 'sandbox-client-secret',
      ZOOM_OAUTH_BASE_URL: sandbox.oauthBaseUrl,
      ZOOM_API_BASE_URL: sandbox.apiBaseUrl,
      ZOOM_WEBHOOK_SECRET_TOKEN: 'webhook-secret',
      SMTP_URL: smtp.url,
      // Reachable from here: the sandbox answers any path.
      FRONTEND_URL: sandbox.oauthBaseUrl,
      ZOOM_REDIRECT_URI: `${sandbox.oauthBaseUrl}/callback`,
      ...env,
    });
    const lines: string[] = [];
    const code = await runDoctor(config, (line) => lines.push(line));
    /** The line of one check, as "<symbol> <what was found> → <what to do>". */
    const line = (name: string) => {
      const found = lines.find((l) => l.slice(2).startsWith(`${name}: `));
      return found ? `${found[0]} ${found.slice(name.length + 4)}` : `(no line for ${name})`;
    };
    return { code, lines, line };
  }

  it('when everything answers, then every check is ✓ or ⚠ and it exits 0', async () => {
    const { code, lines, line } = await doctor();
    expect(lines.filter((l) => l.startsWith('✗'))).toEqual([]);
    expect(code).toBe(0);
    expect(line('Zoom user-managed app')).toMatch(/^✓ .*invalid_grant/);
    expect(line('SMTP')).toMatch(/^✓ /);
    expect(line('Clock')).toMatch(/^✓ agrees with Zoom's/);
    expect(line('MongoDB reachable')).toMatch(/^✓ /);
    expect(line('MongoDB replica set')).toMatch(/^⚠ none .* → run MongoDB as a replica set/);
    expect(line('Zoom webhook secret')).toMatch(/^✓ /);
    // http URLs are only a warning outside production.
    expect(line('FRONTEND_URL')).toMatch(/^⚠ .* not https/);
    expect(lines.at(-1)).toMatch(/checks: .* 0 ✗ — nothing blocks going live$/);
  });

  it('when the Zoom client secret is wrong, then Zoom answers invalid_client and the check fails saying what to do', async () => {
    const { code, line } = await doctor({ ZOOM_USER_MANAGED_CLIENT_SECRET: 'not-the-secret' });
    expect(code).toBe(1);
    expect(line('Zoom user-managed app')).toMatch(
      /^✗ Zoom refused the client id and secret \(invalid_client.*\) → copy ZOOM_USER_MANAGED_CLIENT_ID and ZOOM_USER_MANAGED_CLIENT_SECRET/,
    );
  });

  it('when Zoom answers the made-up code with invalid_request, then “Invalid authorization code” is ✓ and any other reason ✗ with what to do', async () => {
    const token = 'POST /oauth/token';
    // Real Zoom answers a made-up code this way too (after accepting the client id and secret).
    const reason = 'Invalid authorization code go-live-check-invalid-code';
    sandbox.inject({ route: token, status: 400, body: { reason, error: 'invalid_request' }, times: 1 });
    const accepted = await doctor();
    expect(accepted.line('Zoom user-managed app')).toMatch(
      /^✓ credentials accepted .*invalid_request: Invalid authorization code/,
    );
    expect(accepted.code).toBe(0);

    const redirectUri = `${sandbox.oauthBaseUrl}/callback`;
    sandbox.inject({
      route: token,
      status: 400,
      body: { reason: 'Redirect URI mismatch', error: 'invalid_request' },
      times: 1,
    });
    const mismatch = await doctor();
    expect(mismatch.code).toBe(1);
    expect(mismatch.line('Zoom user-managed app')).toBe(
      `✗ Zoom refused the code exchange (invalid_request: Redirect URI mismatch) → check ZOOM_REDIRECT_URI (${redirectUri}) ` +
        'against the app’s Redirect URL for OAuth and its OAuth allow list (exactly, scheme and path included)',
    );
    sandbox.clearFaults();
  });

  it('when SMTP is unreachable, then the SMTP check fails naming the host', async () => {
    const port = await closedPort();
    const { code, line } = await doctor({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(line('SMTP')).toMatch(new RegExp(`^✗ 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.* → check SMTP_URL`));
  });

  it('when a collection holding data lacks one of our indexes, then the index check fails naming it', async () => {
    const jobs = conn.db!.collection('jobs');
    await jobs.createIndex({ key: 1 }, { unique: true }); // but not { runAt: 1 }
    await jobs.insertOne({ key: 'k', name: 'n', runAt: new Date(), data: {} });
    const { code, line } = await doctor();
    expect(code).toBe(1);
    expect(line('MongoDB indexes')).toMatch(/^✗ missing jobs \{"runAt":1\} → start the server once/);
    await jobs.createIndex({ runAt: 1 });
    expect((await doctor()).line('MongoDB indexes')).not.toMatch(/^✗/);
  });

  it('when the stored grants were sealed with another key, then the key check fails; with theirs it passes', async () => {
    await conn.db!.collection('useroauthtokens').insertOne({
      userId: new mongoose.Types.ObjectId(),
      zoomRefreshToken: createTokenCipher(Buffer.from('c'.repeat(64), 'hex')).encrypt('refresh-token'),
    });
    const wrong = await doctor();
    expect(wrong.code).toBe(1);
    expect(wrong.line('Token encryption key')).toMatch(/^✗ TOKEN_ENCRYPTION_KEY does not decrypt the stored grants/);
    const right = await doctor({ TOKEN_ENCRYPTION_KEY: 'c'.repeat(64) });
    expect(right.line('Token encryption key')).toBe('✓ TOKEN_ENCRYPTION_KEY decrypts a stored grant');
    // During a rotation the grants are still under the old key, which the server opens as the previous one.
    const rotating = await doctor({ TOKEN_ENCRYPTION_KEY: KEY, TOKEN_ENCRYPTION_KEY_PREVIOUS: 'c'.repeat(64) });
    expect(rotating.line('Token encryption key')).toBe(
      '✓ TOKEN_ENCRYPTION_KEY with TOKEN_ENCRYPTION_KEY_PREVIOUS decrypts a stored grant',
    );
  });

  (redisReachable ? it : it.skip)('when REDIS_URL is set, then Redis must answer PING', async () => {
    expect((await doctor({ REDIS_URL: TEST_REDIS_URL })).line('Redis')).toMatch(/^✓ .* answers PING$/);
    const down = await doctor({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    expect(down.code).toBe(1);
    expect(down.line('Redis')).toMatch(/^✗ redis:\/\/127\.0\.0\.1:\d+: .* → check REDIS_URL/);
  });

  it('when S2S credentials are set, then a token is obtained and ZOOM_S2S_HOST_USER must exist', async () => {
    const s2s = {
      ZOOM_ACCOUNT_ID: 'sandbox-account-id',
      ZOOM_CLIENT_ID: 'sandbox-s2s-client-id',
      ZOOM_CLIENT_SECRET: 'sandbox-s2s-client-secret',
    };
    sandbox.ensureUser('platform.host@example.com');
    const good = await doctor({ ...s2s, ZOOM_S2S_HOST_USER: 'platform.host@example.com' });
    expect(good.line('Zoom Server-to-Server app')).toMatch(/^✓ a token was issued/);
    expect(good.line('ZOOM_S2S_HOST_USER')).toMatch(/^✓ platform\.host@example\.com exists/);
    const missing = await doctor({ ...s2s, ZOOM_S2S_HOST_USER: 'nobody@example.com' });
    expect(missing.code).toBe(1);
    expect(missing.line('ZOOM_S2S_HOST_USER')).toMatch(/^✗ nobody@example\.com is not a user of the account/);
    const refused = await doctor({ ...s2s, ZOOM_CLIENT_SECRET: 'wrong' });
    expect(refused.line('Zoom Server-to-Server app')).toMatch(/^✗ no token for account sandbox-account-id/);
  });

  it('when run with no configuration at all, then `npm run doctor` passes on the embedded defaults and says what is embedded', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'doctor-embedded-'));
    const child = spawn('npm', ['run', '-s', 'doctor'], {
      cwd: path.join(__dirname, '..'),
      // Nothing of the test's environment: only what a fresh shell has.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: String(await closedPort()) },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out).not.toMatch(/^✗/m);
    expect(code).toBe(0);
    expect(out).toMatch(/^⚠ MongoDB reachable: EMBEDDED (jongodb|mongodb-memory-server)/m);
    expect(out).toMatch(/^⚠ Zoom: no credentials: the server runs the EMBEDDED ZOOM SANDBOX/m);
    expect(out).toMatch(/^⚠ SMTP: SMTP_URL is not set: mail is written as \.eml files/m);
    expect(out).toMatch(/^✓ MongoDB indexes: .*the server creates them/m);
    expect(out).toMatch(/nothing blocks going live\n$/);
  }, 90_000);
});
