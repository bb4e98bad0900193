import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Booking, ManagedBooking, MeetingStatus } from '../../lib/api-types';
import { ManagePage } from '../manage/ManagePage';
import { meetingStateText, shouldPoll } from './meeting-state';
import { SpecialistBookings } from './SpecialistBookings';

const start = new Date(Date.now() + 2 * 86_400_000).toISOString();
const booking = (meeting: Partial<Booking['meeting']> = {}, patch: Partial<Booking> = {}): Booking => ({
  id: 'b1', specialistId: 's1', customerId: 'c1', start, end: start, durationMinutes: 60, topic: 'CV review', notes: null,
  status: 'confirmed', sequence: 0, cancelledAt: null, createdAt: start, bookedAsGuest: false,
  meeting: { status: 'pending', provider: 'user', zoomMeetingId: null, joinUrl: null, attempts: 1, ...meeting },
  ...patch,
});
const waiting = "Waiting for Zoom's daily limit: the meeting is made after 00:00 UTC";

function answer(path: string, body: unknown) {
  vi.stubGlobal('fetch', async (request: Request) =>
    new URL(request.url).pathname === path
      ? new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
      : new Response(JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND', message: '' } }), { status: 404 }),
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('meeting state', () => {
  it('when a confirmed booking waits for Zoom’s daily limit, then it says so (not "Cancelled") and is not polled', () => {
    expect(meetingStateText(booking({ status: 'waiting_for_quota' }))).toBe(waiting);
    expect(shouldPoll(booking({ status: 'waiting_for_quota' }))).toBe(false);
  });

  it('when a move waits for the daily limit, then the existing meeting is ready and its new time follows after 00:00 UTC', () => {
    const moved = booking({ status: 'waiting_for_quota', zoomMeetingId: '9', joinUrl: 'https://zoom.example/j/9' });
    expect(meetingStateText(moved)).toBe(
      "Zoom meeting ready; Zoom's daily limit is reached, so its new time is sent to Zoom after 00:00 UTC",
    );
  });

  it('when each status is shown, then only a cancelled booking or meeting reads "Cancelled"', () => {
    const statuses: Record<MeetingStatus, string> = {
      pending: 'Meeting link pending',
      created: 'Zoom meeting ready',
      failed: 'The Zoom meeting could not be created; the specialist has been told.',
      waiting_for_quota: waiting,
      cancelled: 'Cancelled',
    };
    for (const [status, text] of Object.entries(statuses)) {
      expect(meetingStateText(booking({ status: status as MeetingStatus }))).toBe(text);
    }
    expect(meetingStateText(booking({ status: 'waiting_for_quota' }, { status: 'cancelled' }))).toBe('Cancelled');
  });

  it('when the specialist’s list holds a booking waiting for the quota, then the row says it is waiting', async () => {
    answer('/api/bookings', { items: [booking({ status: 'waiting_for_quota' })], page: 1, pageSize: 50, total: 1 });
    render(<SpecialistBookings timeZone="Europe/Berlin" />);
    const state = await screen.findByText(waiting);
    expect(state.getAttribute('aria-live')).toBe('polite');
    expect(screen.queryByText('Cancelled')).toBeNull();
  });

  it('when the customer opens the manage link of a booking waiting for the quota, then it reads as live and changeable', async () => {
    const view: ManagedBooking = {
      token: 'tok',
      booking: { ...booking({ status: 'waiting_for_quota' }), specialistName: 'Sam' },
      specialist: { id: 's1', name: 'Sam', timezone: 'Europe/Berlin' },
      changeableUntil: start,
    };
    answer('/api/manage/tok', view);
    render(<ManagePage token="tok" />);
    expect(await screen.findByText(waiting)).toBeTruthy();
    expect(screen.queryByText('Cancelled')).toBeNull();
    expect(screen.getByRole('button', { name: 'Reschedule' })).toBeTruthy();
  });
});
