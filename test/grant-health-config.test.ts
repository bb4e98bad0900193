import { ConfigError, loadConfig } from '../src/config';

describe('grant-health configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });

  it('when nothing is set, then keep-alive after 168 h every 60 min, a 30-day log and the digest at 07:00 UTC', () => {
    expect(load({}).zoom.grantHealth).toEqual({
      keepaliveAfterMs: 168 * 3_600_000,
      keepaliveEveryMs: 60 * 60_000,
      refreshLogMaxAgeMs: 30 * 86_400_000,
      adminDigestHourUtc: 7,
    });
  });

  it('when decimals or 0 are given, then they are honoured (0 turns the sweep off)', () => {
    const config = load({
      ZOOM_KEEPALIVE_AFTER_HOURS: '0.5',
      ZOOM_KEEPALIVE_EVERY_MINUTES: '0',
      ZOOM_REFRESH_LOG_DAYS: '1.5',
      ADMIN_DIGEST_HOUR_UTC: '0',
    });
    expect(config.zoom.grantHealth).toEqual({
      keepaliveAfterMs: 1_800_000,
      keepaliveEveryMs: 0,
      refreshLogMaxAgeMs: 129_600_000,
      adminDigestHourUtc: 0,
    });
    expect(load({ ZOOM_KEEPALIVE_EVERY_MINUTES: '2.5' }).zoom.grantHealth.keepaliveEveryMs).toBe(150_000);
  });

  it('when values are out of range or not numbers, then every problem is named at once', () => {
    let error: unknown;
    try {
      load({
        ZOOM_KEEPALIVE_AFTER_HOURS: '2160',
        ZOOM_KEEPALIVE_EVERY_MINUTES: '-1',
        ZOOM_REFRESH_LOG_DAYS: 'a month',
        ADMIN_DIGEST_HOUR_UTC: '24',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual([
      'ADMIN_DIGEST_HOUR_UTC',
      'ZOOM_KEEPALIVE_AFTER_HOURS',
      'ZOOM_KEEPALIVE_EVERY_MINUTES',
      'ZOOM_REFRESH_LOG_DAYS',
    ]);
  });
});
