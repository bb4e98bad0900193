import { ConfigError, loadConfig } from '../src/config';

describe('guest booking configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });

  it('when nothing is set, then 5 codes per address and 20 per IP per hour, and 30 codes that do not work per IP', () => {
    expect(load({}).guests).toEqual({ codesMaxPerEmail: 5, codesMaxPerIp: 20, codeFailuresMaxPerIp: 30 });
  });

  it('when all are set, then they are used', () => {
    const env = { GUEST_CODES_MAX_PER_EMAIL: '2', GUEST_CODES_MAX_PER_IP: '7', GUEST_CODE_FAILURES_MAX_PER_IP: '9' };
    expect(load(env).guests).toEqual({ codesMaxPerEmail: 2, codesMaxPerIp: 7, codeFailuresMaxPerIp: 9 });
  });

  it('when values are 0, negative or not numbers, then every problem is named at once', () => {
    let error: unknown;
    try {
      load({ GUEST_CODES_MAX_PER_EMAIL: '0', GUEST_CODES_MAX_PER_IP: 'many', GUEST_CODE_FAILURES_MAX_PER_IP: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual([
      'GUEST_CODES_MAX_PER_EMAIL',
      'GUEST_CODES_MAX_PER_IP',
      'GUEST_CODE_FAILURES_MAX_PER_IP',
    ]);
  });
});
