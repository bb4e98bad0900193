import { ConfigError, loadConfigFromProcess } from '../config';
import { runDoctor } from './doctor/run-doctor';

/**
 * `npm run doctor` (in the image: `node dist/scripts/doctor.js`): checks the server's configuration against the real
 * MongoDB, Redis, SMTP and Zoom before going live. Exit code 1 when any check fails. README "Go-live check".
 */
async function main(): Promise<number> {
  let config;
  try {
    config = loadConfigFromProcess();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems)
      process.stdout.write(`✗ Configuration: ${problem} → fix it in the environment or .env\n`);
    return 1;
  }
  return runDoctor(config, (line) => process.stdout.write(`${line}\n`));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`The go-live check itself failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
