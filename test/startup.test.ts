import { spawnSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

function startServer(env: Record<string, string>) {
  return spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOTENV_CONFIG_PATH: '/nonexistent', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('start-up configuration checks', () => {
  it('when variables are bad, then the process exits 1 listing every problem at once', () => {
    const result = startServer({ PORT: 'eighty', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration:');
    expect(result.stderr).toMatch(/PORT: /);
    expect(result.stderr).toMatch(/MONGODB_URI: must start with mongodb:\/\//);
    expect(result.stderr).toMatch(/LOG_LEVEL: /);
  });

  it('when production runs without https URLs and real secrets, then start-up refuses and says why', () => {
    const result = startServer({ NODE_ENV: 'production', ZOOM_REDIRECT_URI: 'http://insecure.example/cb' });
    expect(result.status).toBe(1);
    for (const name of [
      'ZOOM_REDIRECT_URI: must be an https:// URL',
      'FRONTEND_URL: must be an https:// URL',
      'TOKEN_ENCRYPTION_KEY: is required',
      'JWT_SECRET: is required',
    ]) {
      expect(result.stderr).toContain(name);
    }
  });
});

describe('graceful shutdown', () => {
  it('when SIGTERM arrives during a slow request, then the request completes, connections close and the process exits 0', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/server.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        ZOOM_SANDBOX_PORT: '0',
        ZOOM_SANDBOX_AUTO_APPROVE: 'true',
        DATA_DIR: path.join(os.tmpdir(), `shutdown-${process.pid}`),
        MONGODB_URI: `${process.env.TEST_MONGODB_URI}shutdown_${process.pid}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const waitFor = (re: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}: ${out}`)), 20_000);
        const check = setInterval(() => {
          const m = re.exec(out);
          if (m) {
            clearInterval(check);
            clearTimeout(timer);
            resolve(m);
          }
        }, 25);
      });
    const api = `http://127.0.0.1:${(await waitFor(/Listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]}`;
    const sandbox = (await waitFor(/EMBEDDED ZOOM SANDBOX at (http:\/\/127\.0\.0\.1:\d+)/))[1]!;

    const reg = await fetch(`${api}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        role: 'specialist',
        name: 'S',
        email: `s.${process.pid}@example.com`,
        password: 'password 123',
        timezone: 'UTC',
      }),
    });
    const { token } = (await reg.json()) as { token: string };
    const connect = await fetch(`${api}/api/zoom/connect`, { headers: { authorization: `Bearer ${token}` } });
    const { authorizeUrl } = (await connect.json()) as { authorizeUrl: string };
    // The browser's binding: the callback carries the cookie the connect answer set.
    const cookie = connect.headers
      .getSetCookie()
      .find((c) => c.startsWith('zoom_connect='))!
      .split(';')[0]!;
    const callback = new URL((await fetch(authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
    // Zoom's token endpoint answers slowly: the callback is in flight when SIGTERM arrives.
    await fetch(`${sandbox}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'POST /oauth/token', delayMs: 1000 }),
    });
    const inFlight = fetch(`${api}/api/zoom/callback${callback.search}`, { redirect: 'manual', headers: { cookie } });
    // SIGTERM only once the request is being handled (the sandbox has the token call), not merely sent: on a busy
    // machine a connection whose request has not been read yet counts as idle and is closed, as it should be.
    const tokenCalls = `${sandbox}/_sandbox/calls?route=${encodeURIComponent('POST /oauth/token')}`;
    for (let i = 0; i < 400; i += 1) {
      const { count } = (await (await fetch(tokenCalls)).json()) as { count: number };
      if (count > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('zoom=connected');
    expect(await exited).toBe(0);
    expect(out).toContain('Shutting down');
    expect(out).toContain('"msg":"Stopped"');
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
  });
});

describe('honest start-up', () => {
  const baseEnv = () => ({
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: path.join(os.tmpdir(), `startup-${process.pid}`),
    ZOOM_SANDBOX_AUTO_APPROVE: 'true',
  });
  async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as import('node:net').AddressInfo).port,
      close: () => new Promise((r) => server.close(() => r())),
    };
  }
  const refused = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(true));
    });

  it('when PORT is taken, then the process exits 1 naming PORT and never says "Listening"', async () => {
    const held = await holdPort();
    try {
      const result = startServer({
        ...baseEnv(),
        PORT: String(held.port),
        ZOOM_SANDBOX_PORT: '0',
        MONGODB_URI: `${process.env.TEST_MONGODB_URI}startup_${process.pid}`,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`Port ${held.port} is already in use: set PORT to a free port`);
      expect(result.stdout).not.toContain('Listening');
    } finally {
      await held.close();
    }
  });

  it('when ZOOM_SANDBOX_PORT is taken with the embedded database, then it exits 1 naming ZOOM_SANDBOX_PORT, says once that data is in memory, and leaves no database running', async () => {
    const held = await holdPort();
    try {
      const result = startServer({ ...baseEnv(), PORT: '0', ZOOM_SANDBOX_PORT: String(held.port) });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`Port ${held.port} is already in use: set ZOOM_SANDBOX_PORT to a free port`);
      const engineLines = result.stdout.split('\n').filter((line) => line.includes('MongoDB'));
      expect(engineLines).toHaveLength(1);
      expect(engineLines[0]).toMatch(
        /MongoDB engine: jongodb, embedded, at mongodb:\/\/127\.0\.0\.1:\d+\/specialist-booking; data in memory: lost on restart/,
      );
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m); // no stack trace anywhere
      const enginePort = Number(/127\.0\.0\.1:(\d+)\/specialist-booking/.exec(engineLines[0]!)![1]);
      expect(await refused(enginePort)).toBe(true);
    } finally {
      await held.close();
    }
  });
});
