import { ConfigError, loadConfig } from '../src/config';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The meeting-integrity variables (issue 16): README "Environment variables", .env.example. */
describe('meeting integrity configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });
  const of = (env: Record<string, string>) => {
    const c = load(env);
    return { ...c.integrity, ...c.meetingIntegrity };
  };

  it('when nothing is set, then the defaults of the README hold', () => {
    expect(of({})).toEqual({
      meetingDeleteGiveUpMs: 7 * DAY,
      verifyBeforeMs: 60 * MINUTE,
      reconcileEveryMs: 360 * MINUTE,
      reconcileWindowMs: 14 * DAY,
      zoomDailyMeetingLimit: 100,
      rescheduleLimitPerBooking: 5,
      bookingRatePerHour: 20,
    });
  });

  it('when values are set, then they are used: decimals where allowed, 0 turning reconciliation off and customer moves off', () => {
    expect(
      of({
        MEETING_DELETE_GIVE_UP_DAYS: '1.5',
        MEETING_VERIFY_BEFORE_MINUTES: '2.5',
        MEETING_RECONCILE_EVERY_MINUTES: '0.25',
        MEETING_RECONCILE_DAYS: '0.5',
        ZOOM_DAILY_MEETING_LIMIT: '40',
        RESCHEDULE_LIMIT_PER_BOOKING: '0',
        BOOKING_RATE_PER_HOUR: '3',
      }),
    ).toEqual({
      meetingDeleteGiveUpMs: 1.5 * DAY,
      verifyBeforeMs: 150_000,
      reconcileEveryMs: 15_000,
      reconcileWindowMs: DAY / 2,
      zoomDailyMeetingLimit: 40,
      rescheduleLimitPerBooking: 0,
      bookingRatePerHour: 3,
    });
    expect(of({ MEETING_RECONCILE_EVERY_MINUTES: '0' }).reconcileEveryMs).toBe(0);
    // Empty means unset, as everywhere in .env files.
    expect(of({ MEETING_RECONCILE_EVERY_MINUTES: '', ZOOM_DAILY_MEETING_LIMIT: '' })).toMatchObject({
      reconcileEveryMs: 360 * MINUTE,
      zoomDailyMeetingLimit: 100,
    });
  });

  it('when values are out of range, not numbers or not whole where they must be, then every problem is named at once', () => {
    let error: unknown;
    try {
      load({
        MEETING_DELETE_GIVE_UP_DAYS: '-1',
        MEETING_VERIFY_BEFORE_MINUTES: '0',
        MEETING_RECONCILE_EVERY_MINUTES: 'hourly',
        MEETING_RECONCILE_DAYS: '0',
        ZOOM_DAILY_MEETING_LIMIT: '0',
        RESCHEDULE_LIMIT_PER_BOOKING: '2.5',
        BOOKING_RATE_PER_HOUR: '-3',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual([
      'BOOKING_RATE_PER_HOUR',
      'MEETING_DELETE_GIVE_UP_DAYS',
      'MEETING_RECONCILE_DAYS',
      'MEETING_RECONCILE_EVERY_MINUTES',
      'MEETING_VERIFY_BEFORE_MINUTES',
      'RESCHEDULE_LIMIT_PER_BOOKING',
      'ZOOM_DAILY_MEETING_LIMIT',
    ]);
  });
});
