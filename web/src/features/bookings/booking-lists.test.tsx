import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Booking } from '../../lib/api-types';
import { MyBookingsPage } from './MyBookingsPage';
import { SpecialistBookings } from './SpecialistBookings';

const start = new Date(Date.now() + 2 * 86_400_000).toISOString();
const booking = (patch: Partial<Booking> = {}): Booking => ({
  id: 'b1', specialistId: 's1', customerId: 'c1', start, end: start, durationMinutes: 60, topic: 'CV review', notes: null,
  status: 'confirmed', sequence: 0, cancelledAt: null, createdAt: start, bookedAsGuest: false,
  meeting: { status: 'pending', provider: 'user', zoomMeetingId: null, joinUrl: null, attempts: 1 },
  ...patch,
});
const page = (items: Booking[]) => ({ items, page: 1, pageSize: 50, total: items.length });

// Only the network edge is replaced: the list, the API client and the polling all run for real.
function bookingsAnswer(next: () => Booking[]) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (request: Request) => {
    const path = new URL(request.url).pathname;
    calls.push(path);
    const body = path === '/api/me/calendar-feed' ? { url: 'https://app.example/api/calendar/secret.ics' } : page(next());
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  return calls;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('booking lists', () => {
  it('when a meeting is pending, then the specialist’s list names the customer and asks again until Start meeting appears', async () => {
    const named = { customerName: 'Cleo Customer', customerEmail: 'cleo@example.com' };
    let zoomAnswered = false;
    const calls = bookingsAnswer(() => [
      zoomAnswered
        ? booking({ ...named, meeting: { status: 'created', provider: 'user', zoomMeetingId: '9', joinUrl: 'https://zoom.example/j/9', startUrl: '/api/bookings/b1/start', attempts: 1 } })
        : booking(named),
    ]);
    render(<SpecialistBookings timeZone="Europe/Berlin" />);
    const row = (await screen.findByText('Meeting link pending')).closest('li')!;
    expect(row.textContent).toContain('Customer: Cleo Customer (cleo@example.com)');
    expect(row.textContent).toContain('(Europe/Berlin)');
    expect(screen.getByText('Meeting link pending').getAttribute('aria-live')).toBe('polite');
    zoomAnswered = true;
    await screen.findByRole('link', { name: 'Start meeting' }, { timeout: 6000 });
    expect(screen.getByText('Zoom meeting ready')).toBeTruthy();
    const polls = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(calls.length).toBe(polls);
  }, 15_000);

  it('when the shared s2s host holds the meeting (no start link), then the specialist gets Join meeting and who starts it', async () => {
    bookingsAnswer(() => [
      booking({ customerName: 'Cleo Customer', meeting: { status: 'created', provider: 's2s', zoomMeetingId: '9', joinUrl: 'https://zoom.example/j/9', startUrl: null, attempts: 1 } }),
    ]);
    render(<SpecialistBookings timeZone="Europe/Berlin" />);
    const join = await screen.findByRole('link', { name: 'Join meeting' });
    expect(join.getAttribute('href')).toBe('https://zoom.example/j/9');
    expect(screen.queryByRole('link', { name: 'Start meeting' })).toBeNull();
    expect(join.closest('li')!.textContent).toContain("An admin starts this meeting: it is hosted by the platform's shared Zoom host.");
  });

  it('when the customer opens My bookings, then each booking says with whom, in their zone, and refreshes while pending', async () => {
    let zoomAnswered = false;
    bookingsAnswer(() => [
      booking({
        specialistName: 'Sam Specialist',
        ...(zoomAnswered ? { meeting: { status: 'created', provider: 'user', zoomMeetingId: '9', joinUrl: 'https://zoom.example/j/9', attempts: 1 } } : {}),
      }),
    ]);
    render(<MyBookingsPage />);
    await screen.findByText(/60 minutes with Sam Specialist/);
    expect(screen.getByText(/^Times are shown in your time zone: /)).toBeTruthy();
    zoomAnswered = true;
    await screen.findByRole('link', { name: 'Join meeting' }, { timeout: 6000 });
  }, 15_000);
});
