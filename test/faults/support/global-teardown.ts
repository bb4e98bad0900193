import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const alive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * No process the suite started may outlive it: any process group still alive is listed, killed, and fails the run
 * (a green run that leaks servers would leave them running for every later run on the machine).
 */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.FAULTS_PROCESS_DIR;
  if (!dir) return;
  const started = readdirSync(dir).map((name) => ({
    pid: Number(name),
    what: readFileSync(path.join(dir, name), 'utf8').trim(),
  }));
  // Groups being killed right now get a moment to go.
  const deadline = Date.now() + 5000;
  let left = started.filter((p) => alive(p.pid));
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = left.filter((p) => alive(p.pid));
  }
  for (const p of left) process.kill(-p.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`\n[faults] processes started: ${started.length}; left running at the end: ${left.length}\n`);
  if (left.length > 0)
    throw new Error(
      `test:faults left ${left.length} process group(s) running (now killed): ${left.map((p) => `${p.pid} ${p.what}`).join(', ')}`,
    );
}
