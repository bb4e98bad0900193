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
    expect(() => busyFromIcs(minutely, window)).toThrow(/too many recurring occurrences/);
  });
});
