import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** `npm run create-admin` against the running server's database, as an operator would run it. */
export async function createAdmin(server: RunningServer, email: string, password: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/scripts/create-admin.ts', '--email', email, '--password', password],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MONGODB_URI: server.mongoUri, DATA_DIR: server.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`create-admin failed (${code}):\n${out}`);
  return out;
}

/** One JSON call to the running server's API (set-up steps of the stories: sign-ups, bookings), failing loudly. */
export async function apiCall<T>(
  server: Pick<RunningServer, 'baseUrl'>,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  baseUrl: string;
  sandboxUrl: string;
  engine: string;
  /** Where the server's file transport writes mail (.eml), as `npm start` does without SMTP_URL. */
  outboxDir: string;
  /** The embedded database's URI and the server's DATA_DIR, for `npm run create-admin` against this server. */
  mongoUri: string;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * The real process as `npm start` runs it (embedded MongoDB engine, embedded Zoom sandbox, mail to files), on free
 * ports and a throw-away DATA_DIR. Its PUBLIC_BASE_URL is left to its default so the test covers that too.
 * `extraEnv` adds to (or overrides) that environment, e.g. CALENDAR_FEED_ALLOW_PRIVATE for a feed on loopback.
 */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const [port, sandboxPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-data-'));
  // Compiled, as `npm start` runs it (test:e2e builds first).
  const child: ChildProcess = spawn(process.execPath, ['dist/server.js'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      ZOOM_SANDBOX_PORT: String(sandboxPort),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      JOBS_PROCESS_EVERY_MS: '500',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 90_000;
  while (!/Listening on http/.test(out)) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`server did not start in 90 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const engine = /MongoDB engine: ([\w-]+)/.exec(out)?.[1] ?? 'unknown';
  // The log line: "MongoDB engine: <name>, embedded, at <uri>; data …".
  const mongoUri = /embedded, at (mongodb:\/\/[^\s;)]+)/.exec(out)?.[1] ?? '';
  return {
    baseUrl: `http://localhost:${port}`,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    engine,
    outboxDir: path.join(dataDir, 'outbox'),
    mongoUri,
    dataDir,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
