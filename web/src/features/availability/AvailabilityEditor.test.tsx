import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AvailabilityEditor } from './AvailabilityEditor';

const SAVED = {
  headline: 'Mentoring',
  timezone: 'Europe/Berlin',
  weekly: [{ day: 'mon', start: '09:00', end: '17:00' }],
  slotMinutes: 60,
  bufferMinutes: 0,
  minNoticeMinutes: 60,
  maxDaysAhead: 30,
  cancelNoticeMinutes: 0,
  maxBookingsPerDay: null,
  zoomMeetingsBusy: false,
  allowGuests: true,
  meetingSettings: { autoRecording: 'zoom_default', waitingRoom: 'zoom_default', joinBeforeHost: 'zoom_default', muteUponEntry: 'zoom_default' },
};

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('availability: Zoom meetings', () => {
  it('when the saved switch is off, then it loads off, and turning it on is saved with Save availability', async () => {
    const puts: unknown[] = [];
    vi.stubGlobal('fetch', async (request: Request) => {
      if (request.method === 'PUT') puts.push(await request.json());
      return new Response(JSON.stringify(SAVED), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    render(<AvailabilityEditor timeZone="Europe/Berlin" />);
    const zoomBusy = (await screen.findByRole('checkbox', { name: 'My other Zoom meetings block bookings' })) as HTMLInputElement;
    expect(zoomBusy.checked).toBe(false);
    expect(zoomBusy.getAttribute('aria-describedby')).toBe('av-zoomMeetingsBusy-hint');
    fireEvent.click(zoomBusy);
    expect(zoomBusy.checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Save availability' }));
    expect(await screen.findByText('Availability saved.')).toBeTruthy();
    expect(puts).toEqual([
      {
        headline: 'Mentoring', timezone: 'Europe/Berlin', weekly: SAVED.weekly, slotMinutes: 60, bufferMinutes: 0, minNoticeMinutes: 60,
        maxDaysAhead: 30, cancelNoticeMinutes: 0, maxBookingsPerDay: null, zoomMeetingsBusy: true,
        allowGuests: true,
      },
    ]);
  });

  it('when the guest switch is turned off, then Save availability sends allowGuests false', async () => {
    const puts: Array<{ allowGuests?: boolean }> = [];
    vi.stubGlobal('fetch', async (request: Request) => {
      if (request.method === 'PUT') puts.push(await request.json());
      return new Response(JSON.stringify(SAVED), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    render(<AvailabilityEditor timeZone="Europe/Berlin" />);
    const guests = (await screen.findByRole('checkbox', { name: 'Guests can book without an account' })) as HTMLInputElement;
    expect(guests.checked).toBe(true);
    fireEvent.click(guests);
    fireEvent.click(screen.getByRole('button', { name: 'Save availability' }));
    expect(await screen.findByText('Availability saved.')).toBeTruthy();
    expect(puts.map((p) => p.allowGuests)).toEqual([false]);
  });
});
