import { within } from './processes';
import type { World } from './world';

/** Zoom answers 503 to everything (OAuth and API) until zoomUp(). */
export async function zoomDown(world: World): Promise<void> {
  const res = await fetch(`${world.sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ route: '*', status: 503, times: 'Infinity' }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 201) throw new Error(`fault not injected: ${res.status}`);
}

export async function zoomUp(world: World): Promise<void> {
  await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
}

/** Polls until `probe` is true and returns when that was first seen, or undefined after `timeoutMs`. */
export async function firstSeen(probe: () => Promise<boolean>, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await within('a recovery probe', 60_000, probe())) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return undefined;
}

/** Seconds from `from` to `at`, or Infinity when it never happened (for a readable failure). */
export const secondsBetween = (from: number, at: number | undefined) =>
  at === undefined ? Infinity : Math.round((at - from) / 100) / 10;
