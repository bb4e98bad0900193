import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BookingSubscription } from './BookingSubscription';

const FIRST = 'https://app.example/api/calendar/first-secret.ics';
const SECOND = 'https://app.example/api/calendar/second-secret.ics';

/** The bookings-feed API at the network edge: the address, and a new one on each rotation. */
function feedServer() {
  const calls: string[] = [];
  let url = FIRST;
  vi.stubGlobal('fetch', async (request: Request) => {
    const path = new URL(request.url).pathname;
    calls.push(`${request.method} ${path}`);
    if (request.method === 'POST' && path === '/api/me/calendar-feed/rotate') url = SECOND;
    return new Response(JSON.stringify({ url }), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  return calls;
}

/** The browser's clipboard (a platform edge, like fetch). */
function clipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('Subscribe to your bookings', () => {
  it('when Copy link is pressed, then the address goes to the clipboard and "Copied." is announced politely', async () => {
    feedServer();
    const copied: string[] = [];
    clipboard(async (text) => void copied.push(text));
    render(<BookingSubscription />);
    const link = (await screen.findByRole('textbox', { name: 'Your calendar link' })) as HTMLInputElement;
    expect(link.value).toBe(FIRST);
    expect(link.readOnly).toBe(true);
    expect(screen.getByRole('link', { name: 'Open in calendar app' }).getAttribute('href')).toBe(
      'webcal://app.example/api/calendar/first-secret.ics',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    const status = await screen.findByText('Copied.');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(copied).toEqual([FIRST]);
  });

  it('when the clipboard refuses, then the link is selected and the person is told to press Ctrl+C', async () => {
    feedServer();
    clipboard(async () => Promise.reject(new Error('NotAllowedError')));
    render(<BookingSubscription />);
    const link = (await screen.findByRole('textbox', { name: 'Your calendar link' })) as HTMLInputElement;
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    await screen.findByText('The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    expect(document.activeElement).toBe(link);
    expect([link.selectionStart, link.selectionEnd]).toEqual([0, FIRST.length]);
  });

  it('when Get a new link is pressed, then it asks first (focus on keeping it), and on yes shows the new address', async () => {
    const calls = feedServer();
    render(<BookingSubscription />);
    const link = (await screen.findByRole('textbox', { name: 'Your calendar link' })) as HTMLInputElement;
    fireEvent.click(screen.getByRole('button', { name: 'Get a new link' }));
    expect(screen.getByText(/The current one stops working at once/)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Keep this link' }));
    fireEvent.click(screen.getByRole('button', { name: 'Keep this link' }));
    expect(calls).toEqual(['GET /api/me/calendar-feed']);

    fireEvent.click(screen.getByRole('button', { name: 'Get a new link' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, get a new link' }));
    await screen.findByText('New link ready. The old link no longer works: subscribe again with this one.');
    expect(calls).toEqual(['GET /api/me/calendar-feed', 'POST /api/me/calendar-feed/rotate']);
    expect(link.value).toBe(SECOND);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Get a new link' }));
  });
});
