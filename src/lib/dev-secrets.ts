import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A development-only secret kept under the data directory so restarts keep sessions and encrypted tokens
 * readable. Production refuses to start without real secrets (config.ts).
 */
export function loadOrCreateDevSecret(dataDir: string, name: string, bytes = 32): Buffer {
  const file = path.join(dataDir, 'secrets', name);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(bytes);
  writeFileSync(file, secret.toString('hex'), { mode: 0o600 });
  return secret;
}
