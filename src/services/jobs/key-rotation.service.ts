import type { Logger } from '../../lib/logger';
import type { ResealReport } from '../sealed-fields';

/** What holds sealed values, by the name the log gives it, and how to rewrite those of another key. */
export type Resealers = Record<string, () => Promise<ResealReport>>;

/**
 * The rewrite step of a key rotation (README "Rotating the encryption key"), run with maintenance while
 * TOKEN_ENCRYPTION_KEY_PREVIOUS is set: every value still sealed with another key (grants, retired grants, calendar
 * feed addresses, subscription tokens) is written again under the current key. Once a run finds none, this process
 * says once that the previous key can go.
 */
export function createKeyRotationSweep(deps: { rotating: boolean; logger: Logger; resealers: Resealers }) {
  let announced = false;
  return async function resealUnderCurrentKey(): Promise<number> {
    if (!deps.rotating) return 0;
    const reports = Object.entries(deps.resealers);
    const resealed: Record<string, number> = {};
    const failed: Record<string, string[]> = {};
    for (const [name, reseal] of reports) {
      const report = await reseal();
      if (report.resealed > 0) resealed[name] = report.resealed;
      if (report.failed.length > 0) failed[name] = report.failed.slice(0, 20);
    }
    const count = Object.values(resealed).reduce((a, b) => a + b, 0);
    if (count > 0) deps.logger.info({ resealed }, 'Re-sealed secrets under the current encryption key');
    if (Object.keys(failed).length > 0)
      deps.logger.warn({ failed }, 'Sealed secrets that open with neither encryption key; they stay as they are');
    else if (count === 0 && !announced) {
      announced = true;
      deps.logger.info(
        'Nothing is sealed with the previous encryption key: TOKEN_ENCRYPTION_KEY_PREVIOUS can be removed',
      );
    }
    if (count > 0) announced = false;
    return count;
  };
}
