import { busyFromIcs, IcsParseError } from '../src/services/calendar/ics-busy';
import { calendarFixture } from './support/feed-server';

const window = {
  timezone: 'Europe/Berlin',
  from: new Date('2026-10-18T06:00:00Z'),
  to: new Date('2026-11-20T06:00:00Z'),
};
const iso = (busy: Array<{ start: Date; end: Date }>) =>
  busy.map((b) => `${b.start.toISOString()}/${b.end.toISOString()}`);

describe('expanding a calendar into busy intervals', () => {
  it('when a weekly series began years ago, then the occurrences in the window are the same as for a recent start (DST, EXDATE and the moved one included)', () => {
    const recent = busyFromIcs(calendarFixture('weekly-dst.ics'), window);
    // 1 Jan 2019 was a Tuesday: the same series, started 400 weeks earlier.
    const old = busyFromIcs(calendarFixture('weekly-dst.ics').replace(/20261013T/g, '20190101T'), window);
    const expected = [
      '2026-10-20T08:00:00.000Z/2026-10-20T09:00:00.000Z',
      '2026-10-27T08:00:00.000Z/2026-10-27T09:00:00.000Z',
      '2026-11-04T10:00:00.000Z/2026-11-04T11:00:00.000Z',
      '2026-11-17T09:00:00.000Z/2026-11-17T10:00:00.000Z',
    ];
    expect(iso(recent)).toEqual(expected);
    expect(iso(old)).toEqual(expected);
  });

  it('when the text is not iCalendar, or a rule would take too long to expand, then it is refused, never cut short', () => {
    expect(() => busyFromIcs('<html></html>', window)).toThrow(IcsParseError);
    const minutely = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'UID:m@x',
      'DTSTART:20200101T000000Z',
      'DTEND:20200101T000100Z',
      'RRULE:FREQ=MINUTELY',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    expect(() => busyFromIcs(minutely, window)).toThrow(/too many recurring occurrences|too complex to expand in time/);
  });
});

describe('expanding a hostile or unusual calendar', () => {
  const cal = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR'].join('\r\n');
  const ev = (...lines: string[]) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT'];
  const timed = (run: () => unknown) => {
    const t0 = performance.now();
    let outcome: unknown;
    try {
      outcome = run();
    } catch (error) {
      outcome = error;
    }
    return { outcome, ms: performance.now() - t0 };
  };

  it.each([
    [
      'MINUTELY that matches once a year',
      'DTSTART:20200101T000000Z',
      'RRULE:FREQ=MINUTELY;BYMONTH=12;BYMONTHDAY=31;BYHOUR=23',
    ],
    ['SECONDLY in December only', 'DTSTART:20260101T000000Z', 'RRULE:FREQ=SECONDLY;BYMONTH=12'],
    ['HOURLY from 1900', 'DTSTART:19000101T000000Z', 'RRULE:FREQ=HOURLY'],
  ])(
    'when a rule (%s) would take ical.js seconds or minutes to walk, then it is refused as an IcsParseError within about 2 s',
    (_name, dtstart, rule) => {
      const { outcome, ms } = timed(() => busyFromIcs(cal(...ev('UID:b', dtstart, 'DURATION:PT1H', rule)), window));
      expect(outcome).toBeInstanceOf(IcsParseError);
      expect(ms).toBeLessThan(3_000);
    },
  );

  it.each([
    ['DAILY on 30 February', 'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'],
    ['HOURLY on 30 February', 'RRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30'],
    ['MONTHLY on 31 February', 'RRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31'],
    ['YEARLY on 30 February', 'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30'],
  ])(
    'when a rule never matches (%s), then it is read quickly, not refused, and the other events block',
    (_name, rule) => {
      const plain = ev('UID:p', 'DTSTART:20261021T100000Z', 'DTEND:20261021T110000Z');
      const { outcome, ms } = timed(() =>
        busyFromIcs(cal(...ev('UID:b', 'DTSTART:20261020T080000Z', 'DURATION:PT1H', rule), ...plain), window),
      );
      // ical.js decides whether DTSTART itself counts; nothing past it within the window matches 30 February.
      expect(iso(outcome as never)).toContain('2026-10-21T10:00:00.000Z/2026-10-21T11:00:00.000Z');
      expect(iso(outcome as never).length).toBeLessThanOrEqual(2);
      expect(ms).toBeLessThan(1_000);
    },
  );

  it('when a rule that never matches also has an RDATE in the window, then the RDATE still blocks', () => {
    const t = cal(
      ...ev('UID:b', 'DTSTART:20261020T080000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'),
      ...ev(
        'UID:r',
        'DTSTART:20261020T080000Z',
        'DURATION:PT1H',
        'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
        'RDATE:20261105T090000Z',
      ),
    );
    expect(iso(busyFromIcs(t, window))).toEqual([
      '2026-10-20T08:00:00.000Z/2026-10-20T09:00:00.000Z',
      '2026-11-05T09:00:00.000Z/2026-11-05T10:00:00.000Z',
    ]);
  });

  it.each([
    ['DTSTART', ['DTSTART:garbage', 'DTEND:20261020T090000Z']],
    ['DTSTART of a series', ['DTSTART:garbage', 'DTEND:20261020T090000Z', 'RRULE:FREQ=DAILY']],
    ['DURATION', ['DTSTART:20261020T080000Z', 'DURATION:garbage']],
    ['EXDATE', ['DTSTART:20261020T080000Z', 'DTEND:20261020T090000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:garbage']],
    ['RDATE', ['DTSTART:20261020T080000Z', 'DTEND:20261020T090000Z', 'RDATE:garbage']],
    ['RRULE UNTIL', ['DTSTART:20261020T080000Z', 'DTEND:20261020T090000Z', 'RRULE:FREQ=DAILY;UNTIL=garbage']],
    ['RECURRENCE-ID', ['RECURRENCE-ID:garbage', 'DTSTART:20261020T080000Z', 'DTEND:20261020T090000Z']],
  ])(
    'when a value is malformed (%s), then the calendar is refused as an IcsParseError, never another error',
    (_n, lines) => {
      const { outcome } = timed(() => busyFromIcs(cal(...ev('UID:x', ...lines)), window));
      if (Array.isArray(outcome)) return; // read leniently is fine too
      expect(outcome).toBeInstanceOf(IcsParseError);
      expect((outcome as Error).message).toMatch(/^The calendar could not be read \(/);
    },
  );

  it('when events have no UID, or share one without a RECURRENCE-ID, then every one of them blocks', () => {
    const noUid = cal(
      ...ev('DTSTART:20261020T080000Z', 'DTEND:20261020T090000Z'),
      ...ev('DTSTART:20261021T080000Z', 'DTEND:20261021T090000Z'),
    );
    const sameUid = cal(
      ...ev('UID:a', 'DTSTART:20261020T080000Z', 'DTEND:20261020T090000Z'),
      ...ev('UID:a', 'DTSTART:20261021T080000Z', 'DTEND:20261021T090000Z', 'RRULE:FREQ=DAILY;COUNT=2'),
      ...ev('UID:a', 'RECURRENCE-ID:20261022T080000Z', 'DTSTART:20261022T150000Z', 'DTEND:20261022T160000Z'),
    );
    expect(iso(busyFromIcs(noUid, window))).toEqual([
      '2026-10-20T08:00:00.000Z/2026-10-20T09:00:00.000Z',
      '2026-10-21T08:00:00.000Z/2026-10-21T09:00:00.000Z',
    ]);
    expect(iso(busyFromIcs(sameUid, window))).toEqual([
      '2026-10-20T08:00:00.000Z/2026-10-20T09:00:00.000Z',
      '2026-10-21T08:00:00.000Z/2026-10-21T09:00:00.000Z',
      '2026-10-22T15:00:00.000Z/2026-10-22T16:00:00.000Z',
    ]);
  });

  it('when an override moves an occurrence into the window from after it, or from long before it, then its new time blocks', () => {
    const later = cal(
      ...ev('UID:w', 'DTSTART:20261013T080000Z', 'DTEND:20261013T090000Z', 'RRULE:FREQ=WEEKLY;COUNT=20'),
      ...ev('UID:w', 'RECURRENCE-ID:20261215T080000Z', 'DTSTART:20261030T120000Z', 'DTEND:20261030T130000Z'),
    );
    const earlier = cal(
      ...ev('UID:w', 'DTSTART:20250107T080000Z', 'DTEND:20250107T090000Z', 'RRULE:FREQ=WEEKLY'),
      ...ev('UID:w', 'RECURRENCE-ID:20250805T080000Z', 'DTSTART:20261030T120000Z', 'DTEND:20261030T130000Z'),
    );
    const cancelled = cal(
      ...ev('UID:w', 'DTSTART:20261013T080000Z', 'DTEND:20261013T090000Z', 'RRULE:FREQ=WEEKLY;COUNT=20'),
      ...ev(
        'UID:w',
        'RECURRENCE-ID:20261215T080000Z',
        'STATUS:CANCELLED',
        'DTSTART:20261030T120000Z',
        'DTEND:20261030T130000Z',
      ),
    );
    const moved = '2026-10-30T12:00:00.000Z/2026-10-30T13:00:00.000Z';
    expect(iso(busyFromIcs(later, window))).toContain(moved);
    expect(iso(busyFromIcs(earlier, window))).toContain(moved);
    expect(iso(busyFromIcs(cancelled, window))).not.toContain(moved);
    expect(iso(busyFromIcs(later, window))).toHaveLength(6); // 20 Oct … 17 Nov (5), plus the moved one
  });
});
