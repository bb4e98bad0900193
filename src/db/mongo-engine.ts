import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type MongoEngineName = 'external' | 'mongodb-memory-server' | 'jongodb';

export interface MongoEngine {
  name: MongoEngineName;
  uri: string;
  /** Whether data survives a restart of this process. */
  persistent: boolean;
  /** Why the preferred engine was not used (the fallback's reason), if it was not. */
  fallbackReason?: string;
  stop(): Promise<void>;
}

export interface StartMongoEngineOptions {
  uri?: string;
  /** Keeps mongodb-memory-server's data between restarts (development). Omit for a throw-away database. */
  dbPath?: string;
}

/**
 * MongoDB in this order: an explicit URI; mongodb-memory-server when it can get a `mongod` binary;
 * else the pinned MongoDB-wire server `@jongodb/memory-server-bin-linux-x64-gnu` (optional dependency).
 */
export async function startMongoEngine(options: StartMongoEngineOptions = {}): Promise<MongoEngine> {
  if (options.uri) return { name: 'external', uri: options.uri, persistent: true, stop: async () => {} };
  let fallbackReason: string;
  try {
    return await startMemoryServer(options.dbPath);
  } catch (error) {
    fallbackReason = `mongodb-memory-server could not start: ${(error as Error).message.split('\n')[0]!.replace(/[,:]\s*Details:?$/, '')}`;
  }
  return { ...(await startJongodb()), fallbackReason };
}

async function startMemoryServer(dbPath?: string): Promise<MongoEngine> {
  const { MongoBinary, MongoMemoryServer } = await import('mongodb-memory-server');
  // Looked up first because MongoMemoryServer.create prints its own 20-line stack trace when the download fails.
  await MongoBinary.getPath();
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: dbPath ? { dbPath, storageEngine: 'wiredTiger' } : {},
  });
  return {
    name: 'mongodb-memory-server',
    uri: server.getUri(),
    persistent: Boolean(dbPath),
    stop: async () => {
      await server.stop({ doCleanup: !dbPath, force: false });
    },
  };
}

export function jongodbBinaryPath(): string {
  const pkg = require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json');
  return path.join(path.dirname(pkg), 'bin', 'jongodb');
}

async function startJongodb(): Promise<MongoEngine> {
  let binary: string;
  try {
    binary = jongodbBinaryPath();
  } catch {
    throw new Error(
      'No MongoDB available: set MONGODB_URI, or install on linux-x64 so the optional @jongodb/memory-server-bin-linux-x64-gnu is present',
    );
  }
  const child = spawn(binary, ['--host=127.0.0.1', '--port=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`jongodb did not start in 15 s: ${out}`));
    }, 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /JONGODB_URI=(\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        // The printed URI names the "test" database; callers pick their own database name.
        resolve(match[1]!.replace(/\/[^/]*$/, '/'));
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`jongodb exited with ${code}: ${out}`));
    });
  });
  child.stdout!.resume();
  return { name: 'jongodb', uri, persistent: false, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
