import { ConfigError, loadConfig } from '../src/config';

describe('grant durability configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });

  it('when nothing is set, then token requests run up to 60 s, failures cool down for 30 s and no previous key is set', () => {
    const config = load({});
    expect(config.zoom.tokenRequestMaxMs).toBe(60_000);
    expect(config.zoom.refreshFailureCooldownMs).toBe(30_000);
    expect(config.tokenEncryptionKeyPrevious).toBeUndefined();
  });

  it('when values are set, then they are used; a token request cap below the HTTP time-out is raised to it', () => {
    const config = load({
      ZOOM_TOKEN_REQUEST_MAX_MS: '5000',
      ZOOM_HTTP_TIMEOUT_MS: '8000',
      ZOOM_REFRESH_FAILURE_COOLDOWN_SECONDS: '0',
      TOKEN_ENCRYPTION_KEY_PREVIOUS: 'd'.repeat(64),
    });
    expect(config.zoom.tokenRequestMaxMs).toBe(8000);
    expect(config.zoom.refreshFailureCooldownMs).toBe(0);
    expect(config.tokenEncryptionKeyPrevious).toEqual(Buffer.from('d'.repeat(64), 'hex'));
  });

  it('when values are invalid, then every problem is named at once', () => {
    let error: unknown;
    try {
      load({
        ZOOM_TOKEN_REQUEST_MAX_MS: '10',
        ZOOM_REFRESH_FAILURE_COOLDOWN_SECONDS: '-1',
        TOKEN_ENCRYPTION_KEY_PREVIOUS: 'too-short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('ZOOM_TOKEN_REQUEST_MAX_MS');
    expect(problems).toContain('ZOOM_REFRESH_FAILURE_COOLDOWN_SECONDS');
    expect(problems).toContain('TOKEN_ENCRYPTION_KEY_PREVIOUS: must be 32 bytes');
  });
});
