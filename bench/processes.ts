/** Child processes of the bench (our server as `npm start` runs it, and the floor) and what /proc says about them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface Child {
  pid: number;
  output: () => string;
  /** User + system CPU of the process so far, in ms. */
  cpuMs: () => number;
  /** Peak resident set size (VmHWM), in MiB. */
  peakRssMiB: () => number;
  /** Starts the peak over from the current size (Linux: "5" to /proc/<pid>/clear_refs). */
  resetPeakRss: () => void;
  stop: () => Promise<void>;
}

/** Starts `args` with node and waits until its output matches `ready`; returns the match. */
export async function startChild(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: Child; match: RegExpExecArray }> {
  const proc: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-200_000)));
  proc.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-200_000)));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  let match: RegExpExecArray | null;
  while (!(match = ready.exec(out))) {
    if (proc.exitCode !== null) throw new Error(`${args.join(' ')} exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not start in 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = proc.pid!;
  const child: Child = {
    pid,
    output: () => out,
    cpuMs: () => {
      // Fields after the command name (which may contain spaces): utime is the 12th, stime the 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    },
    peakRssMiB: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
    },
    resetPeakRss: () => writeFileSync(`/proc/${pid}/clear_refs`, '5'),
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return { child, match };
}
