import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where every scenario records the process groups it starts (see processes.ts `track`); workers inherit it. */
export default async function globalSetup(): Promise<void> {
  process.env.FAULTS_PROCESS_DIR = mkdtempSync(path.join(os.tmpdir(), 'faults-processes-'));
}
