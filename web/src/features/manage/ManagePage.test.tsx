import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ManagedBooking } from '../../lib/api-types';
import { ManagePage } from './ManagePage';

const start = new Date(Date.now() + 3 * 86_400_000).toISOString();
const view = (patch: Partial<ManagedBooking> = {}): ManagedBooking => ({
  token: 'tok',
  booking: {
    id: 'b1', specialistId: 's1', customerId: 'c1', start, end: start, durationMinutes: 60, topic: 'CV review', notes: null,
    status: 'confirmed', cancelledAt: null, createdAt: start,
    meeting: { status: 'created', provider: 'user', zoomMeetingId: '1', joinUrl: 'https://zoom.example/j/1', attempts: 1 },
    sequence: 0, specialistName: 'Sam', bookedAsGuest: false,
  },
  specialist: { id: 's1', name: 'Sam', timezone: 'Europe/Berlin' },
  changeableUntil: start,
  ...patch,
});

// Only the network edge is replaced: the page, the API client and the error wording all run for real.
function serverAnswers(answers: Record<string, { status: number; body: unknown }>) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (request: Request) => {
    const { pathname, search } = new URL(request.url);
    calls.push(`${request.method} ${pathname}${search}`);
    const a = answers[`${request.method} ${pathname}`] ?? { status: 404, body: { error: { code: 'ROUTE_NOT_FOUND', message: '' } } };
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'Content-Type': 'application/json' } });
  });
  return calls;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('manage page', () => {
  it('when the link works, then it shows the time with the zone and the join link, and Cancel asks first and cancels', async () => {
    const cancelled = view({ token: null, booking: { ...view().booking, status: 'cancelled', meeting: { ...view().booking.meeting, status: 'cancelled', joinUrl: null } } });
    const calls = serverAnswers({
      'GET /api/manage/tok': { status: 200, body: view() },
      'POST /api/manage/tok/cancel': { status: 200, body: cancelled },
    });
    render(<ManagePage token="tok" />);
    const heading = await screen.findByRole('heading', { level: 2 });
    expect(heading.textContent).toMatch(/\((UTC|[A-Za-z_]+\/[A-Za-z_]+)\)$/);
    expect(screen.getByRole('link', { name: 'Join meeting' }).getAttribute('href')).toBe('https://zoom.example/j/1');
    expect(screen.getByRole('button', { name: 'Reschedule' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, cancel it' }));
    expect((await screen.findByRole('status')).textContent).toBe('Your booking is cancelled. We have emailed you both.');
    expect(screen.getByText('Cancelled')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Join meeting' })).toBeNull();
    expect(calls).toEqual(['GET /api/manage/tok', 'POST /api/manage/tok/cancel']);
  });

  it('when the customer reschedules, then they pick from the free times and the page moves to the new link', async () => {
    const newStart = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const moved = view({ token: 'tok2', booking: { ...view().booking, start: newStart, end: newStart } });
    const calls = serverAnswers({
      'GET /api/manage/tok': { status: 200, body: view() },
      'GET /api/specialists/s1/slots': { status: 200, body: { timezone: 'Europe/Berlin', slots: [{ start: newStart, end: newStart }] } },
      'POST /api/manage/tok/reschedule': { status: 200, body: moved },
    });
    render(<ManagePage token="tok" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Reschedule' }));
    const group = await screen.findByRole('group');
    fireEvent.click(group.querySelector('button')!);
    fireEvent.click(screen.getByRole('button', { name: 'Move booking' }));
    await screen.findByText('Your booking is moved. We have emailed you both the new time.');
    expect(window.location.pathname).toBe('/manage/tok2');
    expect(calls.slice(-1)).toEqual(['POST /api/manage/tok/reschedule']);
  });

  it('when the link is dead, then the page says why in words', async () => {
    serverAnswers({
      'GET /api/manage/old': { status: 404, body: { error: { code: 'MANAGE_LINK_INVALID', message: 'Booking not found' } } },
    });
    render(<ManagePage token="old" />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/^This link no longer works/);
  });

  it('when the cancellation notice has begun, then no change is offered and the page says whom to ask', async () => {
    serverAnswers({ 'GET /api/manage/tok': { status: 200, body: view({ changeableUntil: new Date(Date.now() - 60_000).toISOString() }) } });
    render(<ManagePage token="tok" />);
    await screen.findByText(/too close to the start/);
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reschedule' })).toBeNull();
    expect(screen.getByText(/Changes here are possible until/)).toBeTruthy();
  });
});
