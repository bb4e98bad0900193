import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeetingSettingsEditor } from './MeetingSettingsEditor';

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
  meetingSettings: { autoRecording: 'zoom_default', waitingRoom: 'zoom_default', joinBeforeHost: 'zoom_default', muteUponEntry: 'zoom_default' },
};

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Zoom meeting settings', () => {
  it('when the specialist chooses cloud recording, then it is saved with the availability as it was and the rest stays with Zoom', async () => {
    const puts: unknown[] = [];
    vi.stubGlobal('fetch', async (request: Request) => {
      if (request.method === 'PUT') puts.push(await request.json());
      return new Response(JSON.stringify(SAVED), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    render(<MeetingSettingsEditor />);
    const recording = await screen.findByRole('combobox', { name: 'Recording' });
    expect((recording as HTMLSelectElement).value).toBe('zoom_default');
    fireEvent.change(recording, { target: { value: 'cloud' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save Zoom meeting settings' }));
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Zoom meeting settings saved.');
    expect(puts).toEqual([{ ...SAVED, meetingSettings: { ...SAVED.meetingSettings, autoRecording: 'cloud' } }]);
  });
});
