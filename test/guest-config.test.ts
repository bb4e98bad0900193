import { ConfigError, loadConfig } from '../src/config';

describe('guest booking configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });

  it('when nothing is set, then 5 codes per address and 20 per IP per hour', () => {
    expect(load({}).guests).toEqual({ codesMaxPerEmail: 5, codesMaxPerIp: 20 });
  });

  it('when both are set, then they are used', () => {
    expect(load({ GUEST_CODES_MAX_PER_EMAIL: '2', GUEST_CODES_MAX_PER_IP: '7' }).guests).toEqual({
      codesMaxPerEmail: 2,
      codesMaxPerIp: 7,
    });
  });

  it('when values are 0, negative or not numbers, then every problem is named at once', () => {
    let error: unknown;
    try {
      load({ GUEST_CODES_MAX_PER_EMAIL: '0', GUEST_CODES_MAX_PER_IP: 'many' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(['GUEST_CODES_MAX_PER_EMAIL', 'GUEST_CODES_MAX_PER_IP']);
  });
});
