import {
  availabilityProblems,
  computeSlots,
  conflictsWithBusy,
  fitsAvailability,
  type AvailabilityRules,
  type BusyInterval,
  type Slot,
  type WeeklyWindow,
} from '../src/services/specialist/slot-calculator';

const weekdays = (start: string, end: string): WeeklyWindow[] =>
  (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, start, end }));

function rules(overrides: Partial<AvailabilityRules> = {}): AvailabilityRules {
  return {
    timezone: 'Europe/Berlin',
    weekly: weekdays('09:00', '12:00'),
    slotMinutes: 60,
    bufferMinutes: 0,
    minNoticeMinutes: 0,
    maxDaysAhead: 365,
    ...overrides,
  };
}

const at = (iso: string): Date => new Date(iso);
const longAgo = at('2026-01-01T00:00:00Z');
const starts = (slots: Slot[]): string[] => slots.map((s) => s.start);
const booking = (start: string, end: string): BusyInterval => ({ start: at(start), end: at(end) });

function expectNoOverlaps(slots: Slot[]): void {
  for (let i = 1; i < slots.length; i++) {
    expect(Date.parse(slots[i]!.start)).toBeGreaterThanOrEqual(Date.parse(slots[i - 1]!.end));
  }
}

describe('computeSlots', () => {
  it('when a Berlin 09:00 slot crosses the spring-forward weekend, then it stays 09:00 local and moves from 08:00Z to 07:00Z', () => {
    const slots = computeSlots(rules(), { from: '2026-03-27', to: '2026-03-30' }, [], longAgo);
    expect(slots).toEqual([
      { start: '2026-03-27T08:00:00.000Z', end: '2026-03-27T09:00:00.000Z' },
      { start: '2026-03-27T09:00:00.000Z', end: '2026-03-27T10:00:00.000Z' },
      { start: '2026-03-27T10:00:00.000Z', end: '2026-03-27T11:00:00.000Z' },
      { start: '2026-03-30T07:00:00.000Z', end: '2026-03-30T08:00:00.000Z' },
      { start: '2026-03-30T08:00:00.000Z', end: '2026-03-30T09:00:00.000Z' },
      { start: '2026-03-30T09:00:00.000Z', end: '2026-03-30T10:00:00.000Z' },
    ]);
  });

  it('when New York falls back and 01:00 happens twice, then each local hour is offered once at its first occurrence with no overlap', () => {
    const r = rules({ timezone: 'America/New_York', weekly: [{ day: 'sun', start: '00:00', end: '04:00' }] });
    const slots = computeSlots(r, { from: '2026-11-01', to: '2026-11-01' }, [], longAgo);
    expect(slots).toEqual([
      { start: '2026-11-01T04:00:00.000Z', end: '2026-11-01T05:00:00.000Z' }, // 00:00 EDT
      { start: '2026-11-01T05:00:00.000Z', end: '2026-11-01T06:00:00.000Z' }, // 01:00 EDT (first pass)
      { start: '2026-11-01T07:00:00.000Z', end: '2026-11-01T08:00:00.000Z' }, // 02:00 EST
      { start: '2026-11-01T08:00:00.000Z', end: '2026-11-01T09:00:00.000Z' }, // 03:00 EST
    ]);
    expect(new Set(starts(slots)).size).toBe(slots.length);
    expectNoOverlaps(slots);
  });

  it('when a 30-minute grid runs through the repeated hour, then the ambiguous half hours resolve to the first pass and nothing overlaps', () => {
    const r = rules({
      timezone: 'America/New_York',
      slotMinutes: 30,
      weekly: [{ day: 'sun', start: '00:30', end: '02:30' }],
    });
    const slots = computeSlots(r, { from: '2026-11-01', to: '2026-11-01' }, [], longAgo);
    expect(starts(slots)).toEqual([
      '2026-11-01T04:30:00.000Z', // 00:30 EDT
      '2026-11-01T05:00:00.000Z', // 01:00 EDT
      '2026-11-01T05:30:00.000Z', // 01:30 EDT
      '2026-11-01T07:00:00.000Z', // 02:00 EST
    ]);
    expectNoOverlaps(slots);
  });

  it('when New York springs forward, then the nonexistent 02:00 slot is skipped', () => {
    const r = rules({ timezone: 'America/New_York', weekly: [{ day: 'sun', start: '01:00', end: '04:00' }] });
    const slots = computeSlots(r, { from: '2026-03-08', to: '2026-03-08' }, [], longAgo);
    expect(slots).toEqual([
      { start: '2026-03-08T06:00:00.000Z', end: '2026-03-08T07:00:00.000Z' }, // 01:00 EST
      { start: '2026-03-08T07:00:00.000Z', end: '2026-03-08T08:00:00.000Z' }, // 03:00 EDT
    ]);
  });

  it('when the first grid point falls in the gap, then it is skipped rather than shifted to 03:00 and the grid continues at 03:30', () => {
    const r = rules({
      timezone: 'America/New_York',
      slotMinutes: 90,
      weekly: [{ day: 'sun', start: '02:00', end: '05:00' }],
    });
    expect(computeSlots(r, { from: '2026-03-08', to: '2026-03-08' }, [], longAgo)).toEqual([
      { start: '2026-03-08T07:30:00.000Z', end: '2026-03-08T09:00:00.000Z' }, // 03:30–05:00 EDT
    ]);
  });

  it('when a Berlin window lies entirely inside the spring-forward gap, then it yields no slots', () => {
    const r = rules({ weekly: [{ day: 'sun', start: '02:00', end: '03:00' }] });
    expect(computeSlots(r, { from: '2026-03-29', to: '2026-03-29' }, [], longAgo)).toEqual([]);
  });

  it('when a slot would span the gap and really lasts past the window end, then it is not offered', () => {
    // 01:30–03:00 local is only 30 real minutes that night, so a 60-minute slot cannot fit.
    const r = rules({ weekly: [{ day: 'sun', start: '01:30', end: '03:00' }] });
    expect(computeSlots(r, { from: '2026-03-29', to: '2026-03-29' }, [], longAgo)).toEqual([]);
    expect(starts(computeSlots(r, { from: '2026-03-22', to: '2026-03-22' }, [], longAgo))).toEqual([
      '2026-03-22T00:30:00.000Z',
    ]);
  });

  it('when Berlin falls back, then the 02:00 slot is the CEST one and the following 03:00 CET slot does not overlap it', () => {
    const r = rules({ weekly: [{ day: 'sun', start: '01:00', end: '04:00' }] });
    const slots = computeSlots(r, { from: '2026-10-25', to: '2026-10-25' }, [], longAgo);
    expect(starts(slots)).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z']);
    expectNoOverlaps(slots);
  });

  it('when a window ends at 24:00, then the last slot ends at the next local midnight', () => {
    const r = rules({ weekly: [{ day: 'sat', start: '22:00', end: '24:00' }] });
    expect(computeSlots(r, { from: '2026-03-28', to: '2026-03-28' }, [], longAgo)).toEqual([
      { start: '2026-03-28T21:00:00.000Z', end: '2026-03-28T22:00:00.000Z' },
      { start: '2026-03-28T22:00:00.000Z', end: '2026-03-28T23:00:00.000Z' },
    ]);
  });

  it('when the window length is not a multiple of the slot, then the remainder is left unused', () => {
    const r = rules({ slotMinutes: 45, weekly: [{ day: 'mon', start: '09:00', end: '11:00' }] });
    expect(starts(computeSlots(r, { from: '2026-03-30', to: '2026-03-30' }, [], longAgo))).toEqual([
      '2026-03-30T07:00:00.000Z',
      '2026-03-30T07:45:00.000Z',
    ]);
  });

  it('when a day has several windows listed out of order, then slots come back sorted by start', () => {
    const r = rules({
      weekly: [
        { day: 'mon', start: '14:00', end: '15:00' },
        { day: 'mon', start: '09:00', end: '10:00' },
      ],
    });
    expect(starts(computeSlots(r, { from: '2026-03-30', to: '2026-03-30' }, [], longAgo))).toEqual([
      '2026-03-30T07:00:00.000Z',
      '2026-03-30T12:00:00.000Z',
    ]);
  });

  describe('busy intervals and buffers', () => {
    const r = (bufferMinutes: number) =>
      rules({ bufferMinutes, weekly: [{ day: 'mon', start: '09:00', end: '13:00' }] });
    const tenToEleven = [booking('2026-03-30T08:00:00Z', '2026-03-30T09:00:00Z')];
    const mondayStarts = (bufferMinutes: number) =>
      starts(computeSlots(r(bufferMinutes), { from: '2026-03-30', to: '2026-03-30' }, tenToEleven, longAgo));

    it('when a 10:00–11:00 booking has a 15-minute buffer, then the 09:00 and 11:00 neighbours are removed too', () => {
      expect(mondayStarts(15)).toEqual(['2026-03-30T10:00:00.000Z']);
    });

    it('when the buffer is 0, then slots touching the booking remain', () => {
      expect(mondayStarts(0)).toEqual([
        '2026-03-30T07:00:00.000Z',
        '2026-03-30T09:00:00.000Z',
        '2026-03-30T10:00:00.000Z',
      ]);
    });
  });

  it('when the minimum notice is applied, then a slot starting exactly at now + notice stays and an earlier one goes', () => {
    const now = at('2026-03-30T06:30:00Z');
    const range = { from: '2026-03-30', to: '2026-03-30' };
    expect(starts(computeSlots(rules({ minNoticeMinutes: 30 }), range, [], now))[0]).toBe('2026-03-30T07:00:00.000Z');
    expect(starts(computeSlots(rules({ minNoticeMinutes: 31 }), range, [], now))[0]).toBe('2026-03-30T08:00:00.000Z');
  });

  it('when the horizon ends, then a slot starting exactly at now + maxDaysAhead is excluded', () => {
    const now = at('2026-03-27T08:00:00Z');
    const slots = computeSlots(rules({ maxDaysAhead: 3 }), { from: '2026-03-27', to: '2026-04-30' }, [], now);
    expect(starts(slots)).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-27T09:00:00.000Z',
      '2026-03-27T10:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('when from and to are local dates, then both ends are inclusive in the specialist zone', () => {
    // 00:30 local on 03-31 is still 03-30 in UTC, so a UTC-date reading would misplace it.
    const r = rules({
      weekly: [
        { day: 'tue', start: '00:30', end: '01:30' },
        { day: 'mon', start: '23:00', end: '24:00' },
      ],
    });
    expect(starts(computeSlots(r, { from: '2026-03-31', to: '2026-03-31' }, [], longAgo))).toEqual([
      '2026-03-30T22:30:00.000Z',
    ]);
    expect(starts(computeSlots(r, { from: '2026-03-30', to: '2026-03-31' }, [], longAgo))).toEqual([
      '2026-03-30T21:00:00.000Z',
      '2026-03-30T22:30:00.000Z',
    ]);
  });

  it('when from is after to, then there are no slots', () => {
    expect(computeSlots(rules(), { from: '2026-03-31', to: '2026-03-30' }, [], longAgo)).toEqual([]);
  });

  it('when the range or the rules are malformed, then it throws a RangeError instead of guessing', () => {
    expect(() => computeSlots(rules(), { from: '2026-02-30', to: '2026-03-01' }, [], longAgo)).toThrow(RangeError);
    expect(() => computeSlots(rules(), { from: '30.03.2026', to: '2026-03-31' }, [], longAgo)).toThrow(RangeError);
    expect(() =>
      computeSlots(rules({ slotMinutes: 0 }), { from: '2026-03-30', to: '2026-03-30' }, [], longAgo),
    ).toThrow(/slotMinutes/);
    expect(() =>
      computeSlots(rules({ timezone: 'Mars/Olympus' }), { from: '2026-03-30', to: '2026-03-30' }, [], longAgo),
    ).toThrow(/timezone/);
  });
});

describe('fitsAvailability', () => {
  const r = rules();

  it('when a start is on a slot boundary inside the window, then it fits, including multi-slot durations', () => {
    expect(fitsAvailability(r, at('2026-03-30T08:00:00Z'), 60)).toBe(true); // 10:00 CEST
    expect(fitsAvailability(r, at('2026-03-30T07:00:00Z'), 180)).toBe(true); // 09:00–12:00
    expect(fitsAvailability(r, at('2026-03-27T08:00:00Z'), 60)).toBe(true); // 09:00 CET
  });

  it('when a start is off the slot grid, then it does not fit', () => {
    expect(fitsAvailability(r, at('2026-03-30T07:30:00Z'), 60)).toBe(false);
    expect(fitsAvailability(r, at('2026-03-30T07:00:30Z'), 60)).toBe(false);
  });

  it('when the booking would spill past the window end or start before it, then it does not fit', () => {
    expect(fitsAvailability(r, at('2026-03-30T09:00:00Z'), 120)).toBe(false); // 11:00–13:00
    expect(fitsAvailability(r, at('2026-03-30T06:00:00Z'), 60)).toBe(false); // 08:00
  });

  it('when the local date has no window, then it does not fit', () => {
    expect(fitsAvailability(r, at('2026-03-28T08:00:00Z'), 60)).toBe(false); // Saturday 09:00 CET
  });

  it('when the duration is not positive, then it does not fit', () => {
    expect(fitsAvailability(r, at('2026-03-30T07:00:00Z'), 0)).toBe(false);
  });

  it('when a booking spans the spring-forward gap, then it fits only if the real minutes fit the window', () => {
    const gap = rules({ weekly: [{ day: 'sun', start: '01:30', end: '03:00' }] });
    expect(fitsAvailability(gap, at('2026-03-29T00:30:00Z'), 60)).toBe(false); // 01:30 CET + 60 min = 03:30 CEST
    expect(fitsAvailability(gap, at('2026-03-29T00:30:00Z'), 30)).toBe(true);
  });

  it('when the start is the second pass through a repeated hour, then it does not fit because that slot is never offered', () => {
    const ny = rules({ timezone: 'America/New_York', weekly: [{ day: 'sun', start: '00:00', end: '04:00' }] });
    expect(fitsAvailability(ny, at('2026-11-01T05:00:00Z'), 60)).toBe(true); // 01:00 EDT
    expect(fitsAvailability(ny, at('2026-11-01T06:00:00Z'), 60)).toBe(false); // 01:00 EST
  });

  it('when computeSlots offers a slot, then fitsAvailability accepts it', () => {
    const ny = rules({
      timezone: 'America/New_York',
      slotMinutes: 30,
      weekly: [{ day: 'sun', start: '00:00', end: '04:00' }],
    });
    for (const range of [
      { from: '2026-03-08', to: '2026-03-08' },
      { from: '2026-11-01', to: '2026-11-01' },
    ]) {
      const slots = computeSlots(ny, range, [], longAgo);
      expect(slots.length).toBeGreaterThan(0);
      for (const s of slots) expect(fitsAvailability(ny, at(s.start), 30)).toBe(true);
    }
  });
});

describe('conflictsWithBusy', () => {
  const busy = [booking('2026-03-30T08:00:00Z', '2026-03-30T09:00:00Z')];

  it('when the interval only touches a booking, then it does not conflict', () => {
    expect(conflictsWithBusy({ bufferMinutes: 0 }, at('2026-03-30T09:00:00Z'), at('2026-03-30T10:00:00Z'), busy)).toBe(
      false,
    );
    expect(conflictsWithBusy({ bufferMinutes: 0 }, at('2026-03-30T07:00:00Z'), at('2026-03-30T08:00:00Z'), busy)).toBe(
      false,
    );
  });

  it('when the interval only touches the buffered edge, then it does not conflict, and one minute closer it does', () => {
    expect(conflictsWithBusy({ bufferMinutes: 15 }, at('2026-03-30T09:15:00Z'), at('2026-03-30T10:15:00Z'), busy)).toBe(
      false,
    );
    expect(conflictsWithBusy({ bufferMinutes: 15 }, at('2026-03-30T09:14:00Z'), at('2026-03-30T10:14:00Z'), busy)).toBe(
      true,
    );
    expect(conflictsWithBusy({ bufferMinutes: 15 }, at('2026-03-30T06:46:00Z'), at('2026-03-30T07:46:00Z'), busy)).toBe(
      true,
    );
  });

  it('when there are no busy intervals, then nothing conflicts', () => {
    expect(conflictsWithBusy({ bufferMinutes: 60 }, at('2026-03-30T08:00:00Z'), at('2026-03-30T09:00:00Z'), [])).toBe(
      false,
    );
  });
});

describe('availabilityProblems', () => {
  it('when the rules are valid, including back-to-back windows and no windows at all, then there are no problems', () => {
    expect(availabilityProblems(rules())).toEqual([]);
    expect(availabilityProblems(rules({ weekly: [] }))).toEqual([]);
    const backToBack = rules({
      weekly: [
        { day: 'mon', start: '09:00', end: '12:00' },
        { day: 'mon', start: '12:00', end: '24:00' },
      ],
    });
    expect(availabilityProblems(backToBack)).toEqual([]);
  });

  it('when a time is not HH:mm, then each bad time is reported', () => {
    const problems = availabilityProblems(
      rules({
        weekly: [
          { day: 'mon', start: '9:00', end: '12:00' },
          { day: 'tue', start: '09:00', end: '25:00' },
          { day: 'wed', start: '24:00', end: '24:00' },
        ],
      }),
    );
    expect(problems).toEqual([
      expect.stringContaining('weekly[0]: start "9:00"'),
      expect.stringContaining('weekly[1]: end "25:00"'),
      expect.stringContaining('weekly[2]: start "24:00"'),
    ]);
  });

  it('when end is not after start, then it is reported', () => {
    expect(availabilityProblems(rules({ weekly: [{ day: 'mon', start: '12:00', end: '12:00' }] }))).toEqual([
      'weekly[0]: end 12:00 must be after start 12:00',
    ]);
  });

  it('when windows on the same day overlap, then it is reported, but the same hours on different days are fine', () => {
    const overlapping = rules({
      weekly: [
        { day: 'mon', start: '11:00', end: '14:00' },
        { day: 'mon', start: '09:00', end: '12:00' },
      ],
    });
    expect(availabilityProblems(overlapping)).toEqual(['weekly[1] and weekly[0] overlap on mon']);
    const differentDays = rules({
      weekly: [
        { day: 'mon', start: '09:00', end: '12:00' },
        { day: 'tue', start: '09:00', end: '12:00' },
      ],
    });
    expect(availabilityProblems(differentDays)).toEqual([]);
  });

  it('when the zone is not an IANA zone, then it is reported', () => {
    expect(availabilityProblems(rules({ timezone: 'Mars/Olympus' }))).toEqual([
      expect.stringContaining('timezone "Mars/Olympus"'),
    ]);
    expect(availabilityProblems(rules({ timezone: 'UTC+1' }))).toEqual([expect.stringContaining('timezone')]);
  });

  it('when slotMinutes is outside 5..480 or fractional, then it is reported', () => {
    for (const slotMinutes of [4, 481, 7.5]) {
      expect(availabilityProblems(rules({ slotMinutes, weekly: [] }))).toEqual([
        expect.stringContaining('slotMinutes'),
      ]);
    }
    expect(availabilityProblems(rules({ slotMinutes: 5, weekly: [] }))).toEqual([]);
    expect(availabilityProblems(rules({ slotMinutes: 480, weekly: [] }))).toEqual([]);
  });

  it('when the other numbers are negative or the horizon is zero, then each is reported', () => {
    expect(availabilityProblems(rules({ bufferMinutes: -1, minNoticeMinutes: -5, maxDaysAhead: 0 }))).toEqual([
      expect.stringContaining('bufferMinutes'),
      expect.stringContaining('minNoticeMinutes'),
      expect.stringContaining('maxDaysAhead'),
    ]);
  });

  it('when a day or a window is unusable, then it is reported', () => {
    const weekly = [
      { day: 'funday', start: '09:00', end: '12:00' },
      { day: 'mon', start: '09:00', end: '09:30' },
    ] as unknown as WeeklyWindow[];
    expect(availabilityProblems(rules({ weekly }))).toEqual([
      expect.stringContaining('weekly[0]: day "funday"'),
      'weekly[1]: 09:00–09:30 is shorter than one 60-minute slot',
    ]);
  });
});
