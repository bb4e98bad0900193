import { describe, expect, it } from 'vitest';
import { defaultAvailability, fromAvailability, newWindow, toAvailabilityRequest } from './availability-form';

describe('availability form', () => {
  it('when the defaults are saved, then weekdays 09:00–17:00 are sent with numbers', () => {
    const { body, problems } = toAvailabilityRequest({ ...defaultAvailability('Europe/Berlin'), headline: '  Career mentoring ' });
    expect(problems).toEqual([]);
    expect(body).toEqual({
      timezone: 'Europe/Berlin',
      weekly: ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, start: '09:00', end: '17:00' })),
      slotMinutes: 60,
      bufferMinutes: 15,
      minNoticeMinutes: 60,
      maxDaysAhead: 30,
      cancelNoticeMinutes: 0,
      maxBookingsPerDay: null,
      zoomMeetingsBusy: true,
      allowGuests: true,
      headline: 'Career mentoring',
    });
  });

  it('when a window ends before it starts or a number is off, then nothing is sent and each problem is named', () => {
    const form = { ...defaultAvailability('UTC'), windows: [newWindow('sat', '18:00', '10:00')], slotMinutes: '7', maxDaysAhead: '' };
    const { body, problems } = toAvailabilityRequest(form);
    expect(body).toBeUndefined();
    expect(problems).toEqual([
      'Slot length (minutes) must be a multiple of 5.',
      'Book up to (days ahead) must be a whole number from 1 to 365.',
      'Saturday: the end must be after the start.',
    ]);
  });

  it('when a window runs until midnight, then it is sent as 24:00', () => {
    const { body } = toAvailabilityRequest({ ...defaultAvailability('UTC'), windows: [newWindow('sun', '20:00', '00:00')] });
    expect(body?.weekly).toEqual([{ day: 'sun', start: '20:00', end: '24:00' }]);
  });
});

describe('saved availability', () => {
  it('when the saved rules are loaded into the form and saved again, then the same rules are sent', () => {
    const saved = {
      timezone: 'Asia/Tokyo',
      weekly: [{ day: 'sat' as const, start: '10:00', end: '24:00' }],
      slotMinutes: 30,
      bufferMinutes: 0,
      minNoticeMinutes: 120,
      maxDaysAhead: 14,
      cancelNoticeMinutes: 1440,
      maxBookingsPerDay: 4,
      zoomMeetingsBusy: false,
      allowGuests: false,
      headline: 'Tax advice',
    };
    expect(toAvailabilityRequest(fromAvailability(saved)).body).toEqual(saved);
  });

  it('when the policies are left at their defaults or set, then "no limit" is sent as null and bad values are named', () => {
    const form = fromAvailability({
      timezone: 'UTC', weekly: [], slotMinutes: 30, bufferMinutes: 0, minNoticeMinutes: 0, maxDaysAhead: 7, cancelNoticeMinutes: 0, maxBookingsPerDay: null,
    });
    expect(form).toMatchObject({ cancelNoticeMinutes: '0', maxBookingsPerDay: '' });
    expect(toAvailabilityRequest(form).body).toMatchObject({ cancelNoticeMinutes: 0, maxBookingsPerDay: null });
    expect(toAvailabilityRequest({ ...form, cancelNoticeMinutes: '120', maxBookingsPerDay: ' 3' }).body).toMatchObject({
      cancelNoticeMinutes: 120,
      maxBookingsPerDay: 3,
    });
    expect(toAvailabilityRequest({ ...form, cancelNoticeMinutes: '-1', maxBookingsPerDay: '0' }).problems).toEqual([
      'Cancellation notice (minutes) must be a whole number from 0 to 525600.',
      'Max bookings per day must be a whole number from 1 to 1000.',
    ]);
  });
});
