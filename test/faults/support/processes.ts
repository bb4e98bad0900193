import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

export interface ServerProcess {
  url: string;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Signals the whole process group (the tsx wrapper and the server under it). */
  kill(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * Every process a fault scenario starts leads its own process group, recorded (when the suite's global setup made a
 * directory for them) so the global teardown can check that none is left and kill any that is.
 */
export function track(child: ChildProcess, what: string): void {
  const dir = process.env.FAULTS_PROCESS_DIR;
  if (dir && child.pid) writeFileSync(path.join(dir, String(child.pid)), `${what}\n`);
}

/** Signals a process group; a group already gone is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Rejects after `ms` with a message naming the step, so no wait of the suite can hang it. */
export async function within<T>(step: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`faults: "${step}" did not finish within ${Math.round(ms / 1000)} s`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs each server's process group and waits (bounded) for it to be gone. Never throws, never hangs. */
export async function stopServers(servers: ServerProcess[]): Promise<void> {
  await Promise.all(
    servers.map(async (server) => {
      server.kill('SIGKILL');
      await within(`server ${server.pid} exits after SIGKILL`, 10_000, server.exited).catch((error: Error) =>
        process.stderr.write(`${error.message}\n`),
      );
    }),
  );
}

/**
 * Starts `src/server.ts` (as `npm start` runs the compiled one), with only the given environment, in a process group
 * of its own, and waits (bounded) for "Listening".
 */
export async function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    // tsx as a loader, not its CLI: the CLI is a wrapper process that relays signals (and SIGKILLs a child that does
    // not confirm a signal within 30 ms, which a busy machine can miss); this way the child is the server itself.
    ['--import', 'tsx', 'src/server.ts'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DOTENV_CONFIG_PATH: '/nonexistent',
        HOST: '127.0.0.1',
        PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: stopping it stops the server tsx runs under it too (no orphans).
      detached: true,
    },
  );
  track(child, 'server (node --import tsx src/server.ts)');
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const waitFor = async (re: RegExp, ms = 30_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = re.exec(out);
      if (m) return m;
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`server: no ${re} within ${ms} ms; output:\n${out.slice(-3000)}`);
      await sleep(50);
    }
  };
  const port = await waitFor(/Listening on http:\/\/127\.0\.0\.1:(\d+)/, timeoutMs).then(
    (m) => m[1],
    (error: unknown) => {
      signalGroup(child.pid!, 'SIGKILL'); // a server that did not start is not left running
      throw error;
    },
  );
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output: () => out,
    waitFor,
    kill: (s) => signalGroup(child.pid!, s),
    exited,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of the test's own on a free port (never the shared 6379 one), stoppable and restartable. */
export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faults-redis-'));
  let child: ChildProcess | undefined;
  async function start() {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore', detached: true },
    );
    track(child, 'redis-server');
    for (let i = 0; i < 100; i += 1) {
      if (await answers(port)) return;
      await sleep(50);
    }
    throw new Error('redis-server did not start');
  }
  async function stop() {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((resolve) => c.once('exit', resolve));
    signalGroup(c.pid!, 'SIGKILL');
    await within('redis-server exits after SIGKILL', 10_000, gone);
  }
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => (s.destroy(), resolve(String(d).startsWith('+PONG'))));
    s.once('error', () => resolve(false));
  });
}
