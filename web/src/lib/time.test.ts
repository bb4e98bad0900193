import { describe, expect, it } from 'vitest';
import { formatDateTime, groupSlotsByDay, localDateKey, slotRange } from './time';

const slot = (start: string, minutes = 60) => ({ start, end: new Date(Date.parse(start) + minutes * 60_000).toISOString() });

describe('groupSlotsByDay', () => {
  it('when a slot is late in the UTC evening, then it lands on the next day in Berlin and the same day in New York', () => {
    const slots = [slot('2026-12-07T23:30:00Z'), slot('2026-12-07T15:00:00Z')];
    const berlin = groupSlotsByDay(slots, 'Europe/Berlin', 'en-GB');
    expect(berlin.map((d) => [d.date, d.slots.map((s) => s.label)])).toEqual([
      ['2026-12-07', ['16:00']],
      ['2026-12-08', ['00:30']],
    ]);
    expect(berlin[0]!.label).toBe('Monday, 7 December 2026');
    const newYork = groupSlotsByDay(slots, 'America/New_York', 'en-GB');
    expect(newYork.map((d) => [d.date, d.slots.map((s) => s.label)])).toEqual([['2026-12-07', ['10:00', '18:30']]]);
  });

  it('when slots arrive out of order, then days and times are sorted', () => {
    const days = groupSlotsByDay([slot('2026-12-09T08:00:00Z'), slot('2026-12-08T09:00:00Z'), slot('2026-12-08T08:00:00Z')], 'UTC', 'en-GB');
    expect(days.map((d) => d.slots.map((s) => s.start))).toEqual([
      ['2026-12-08T08:00:00Z', '2026-12-08T09:00:00Z'],
      ['2026-12-09T08:00:00Z'],
    ]);
  });

  it('when the viewer’s zone changes to summer time between two days, then both 09:00 local slots show as 09:00', () => {
    // Europe/Berlin leaves winter time on 2027-03-28: 09:00 local is 08:00Z before and 07:00Z after.
    const days = groupSlotsByDay([slot('2027-03-27T08:00:00Z'), slot('2027-03-29T07:00:00Z')], 'Europe/Berlin', 'en-GB');
    expect(days.map((d) => [d.date, d.slots[0]!.label])).toEqual([
      ['2027-03-27', '09:00'],
      ['2027-03-29', '09:00'],
    ]);
  });

  it('when there are no slots, then there are no days', () => {
    expect(groupSlotsByDay([], 'Asia/Tokyo')).toEqual([]);
  });
});

describe('dates with their zone', () => {
  it('when a date is formatted, then the zone is named next to it', () => {
    expect(formatDateTime('2026-12-07T08:00:00Z', 'Asia/Tokyo', 'en-GB')).toBe('Mon, 7 Dec 2026, 17:00 (Asia/Tokyo)');
    expect(formatDateTime(null, 'Asia/Tokyo')).toBe('—');
  });

  it('when the local date is read near midnight, then it follows the zone, not UTC', () => {
    expect(localDateKey(new Date('2026-12-31T23:30:00Z'), 'Asia/Tokyo')).toBe('2027-01-01');
    expect(localDateKey(new Date('2026-12-31T23:30:00Z'), 'America/Los_Angeles')).toBe('2026-12-31');
  });

  it('when the slot range is computed, then it starts a day early and covers the requested days', () => {
    expect(slotRange(new Date('2026-12-07T10:00:00Z'), 14)).toEqual({ from: '2026-12-06', to: '2026-12-21' });
  });
});
