/**
 * `npm run dev`: the API (tsx watch) and Vite's dev server on http://localhost:5173, which forwards /api, /docs, … to
 * the API. The browser only ever talks to 5173, so Zoom's callback and the start links go through Vite as well.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);
const apiPort = process.env.PORT ?? '3000';
const web = 'http://localhost:5173';

const children: ChildProcess[] = [
  spawn(bin('tsx'), ['watch', 'src/server.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORT: apiPort, PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? web, FRONTEND_URL: process.env.FRONTEND_URL ?? web },
  }),
  spawn(bin('vite'), ['--config', 'web/vite.config.mts'], { cwd: root, stdio: 'inherit', env: { ...process.env, API_PORT: apiPort } }),
];

let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
};
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
