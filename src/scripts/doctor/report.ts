export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the go-live check: what was checked, what was found, and what to do when it is not ✓. */
export interface CheckResult {
  status: CheckStatus;
  name: string;
  detail: string;
  fix?: string;
}

const SYMBOL: Record<CheckStatus, string> = { ok: '✓', warn: '⚠', fail: '✗' };

export const ok = (name: string, detail: string): CheckResult => ({ status: 'ok', name, detail });
export const warn = (name: string, detail: string, fix?: string): CheckResult => ({
  status: 'warn',
  name,
  detail,
  fix,
});
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ status: 'fail', name, detail, fix });
/** ✗ in production, ⚠ elsewhere: what must be fixed before going live but is expected on a developer's machine. */
export const failInProduction = (production: boolean, name: string, detail: string, fix: string): CheckResult =>
  production ? fail(name, detail, fix) : warn(name, detail, fix);

export function formatResult(result: CheckResult): string {
  return `${SYMBOL[result.status]} ${result.name}: ${result.detail}${result.fix ? ` → ${result.fix}` : ''}`;
}

export function summarize(results: CheckResult[]): string {
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  const failed = count('fail');
  return `${results.length} checks: ${count('ok')} ✓, ${count('warn')} ⚠, ${failed} ✗ — ${
    failed ? 'NOT ready to go live' : 'nothing blocks going live'
  }`;
}

/** Any message of an unexpected failure, on one line and bounded. */
export const messageOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 300);
