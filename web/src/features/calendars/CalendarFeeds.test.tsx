import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CalendarFeed } from '../../lib/api-types';
import { CalendarFeeds } from './CalendarFeeds';

const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
const feed = (patch: Partial<CalendarFeed> = {}): CalendarFeed => ({
  id: 'f1', label: 'Personal', host: 'calendar.google.com', hint: '….ics', lastSyncAt: hourAgo,
  lastError: null, lastErrorAt: null, stale: false, busyCount: 3,
  ...patch,
});
const json = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/**
 * The calendar API as a small stateful fake at the network edge: the section, the API client and the error wording
 * all run for real. `answer` may override a request (a refusal, a failing sync).
 */
function calendarServer(feeds: CalendarFeed[], answer: (method: string, path: string, body: unknown) => Response | undefined = () => undefined) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (request: Request) => {
    const path = new URL(request.url).pathname;
    const body = request.method === 'POST' && request.headers.get('Content-Type')?.includes('json') ? await request.json() : undefined;
    calls.push(`${request.method} ${path}${body ? ` ${JSON.stringify(body)}` : ''}`);
    const special = answer(request.method, path, body);
    if (special) return special;
    if (request.method === 'GET') return json(200, { items: feeds });
    const id = /\/calendars\/(\w+)/.exec(path)?.[1];
    if (request.method === 'DELETE') {
      feeds.splice(feeds.findIndex((f) => f.id === id), 1);
      return json(204);
    }
    if (path.endsWith('/sync')) return json(200, feeds.find((f) => f.id === id));
    const added = feed({ id: `f${feeds.length + 1}`, label: (body as { label: string }).label, lastSyncAt: new Date().toISOString(), busyCount: 2 });
    feeds.push(added);
    return json(201, added);
  });
  return calls;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Calendars', () => {
  it('when a feed is listed, then it shows its label, host (never the address), last sync with its zone and busy count', async () => {
    calendarServer([feed()]);
    render(<CalendarFeeds timeZone="Europe/Berlin" />);
    const item = await screen.findByRole('article', { name: 'Personal' });
    expect(item.textContent).toContain('From calendar.google.com, address ending ….ics');
    expect(item.textContent).toMatch(/Last synced: .*\(Europe\/Berlin\), 1 hour ago/);
    expect(item.textContent).toContain('3 busy times ahead block your slots');
    expect(screen.getByText(/Secret address in iCal format/)).toBeTruthy();
  });

  it('when the specialist adds a calendar, then it is sent, announced and listed', async () => {
    const calls = calendarServer([]);
    render(<CalendarFeeds timeZone="Europe/Berlin" />);
    await screen.findByText('No calendars added yet.');
    // https here: happy-dom's type=url check refuses webcal:// (Chromium accepts it, as the hint promises).
    fireEvent.change(screen.getByLabelText('Calendar address'), { target: { value: 'https://calendar.example/secret/basic.ics' } });
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Work' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add calendar' }));
    await screen.findByRole('article', { name: 'Work' });
    expect(calls).toContain('POST /api/specialists/me/calendars {"url":"https://calendar.example/secret/basic.ics","label":"Work"}');
    const status = screen.getByText(/^Calendar “Work” added\./);
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toBe('Calendar “Work” added. 2 busy times ahead block your slots.');
    expect((screen.getByLabelText('Calendar address') as HTMLInputElement).value).toBe('');
  });

  it('when the server refuses the calendar, then its reason is shown in words next to the form', async () => {
    calendarServer([], (method) =>
      method === 'POST'
        ? json(422, { error: { code: 'CALENDAR_FEED_INVALID', message: 'x', details: { reason: 'The calendar server answered HTTP 404' } } })
        : undefined,
    );
    render(<CalendarFeeds timeZone="Europe/Berlin" />);
    const address = await screen.findByLabelText('Calendar address');
    fireEvent.change(address, { target: { value: 'https://calendar.example/gone.ics' } });
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Gone' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add calendar' }));
    expect((await screen.findByRole('alert')).textContent).toBe('This calendar could not be added: the calendar server answered HTTP 404.');
    expect(address.getAttribute('aria-invalid')).toBe('true');
    expect(address.getAttribute('aria-describedby')).toContain('cal-add-error');
    expect((address as HTMLInputElement).value).toBe('https://calendar.example/gone.ics');
  });

  it('when Remove is pressed, then it asks first with focus on keeping it, and only "Yes, remove it" removes it', async () => {
    const calls = calendarServer([feed(), feed({ id: 'f2', label: 'Work' })]);
    render(<CalendarFeeds timeZone="Europe/Berlin" />);
    const personal = await screen.findByRole('article', { name: 'Personal' });
    fireEvent.click(within(personal).getByRole('button', { name: 'Remove' }));
    expect(document.activeElement).toBe(within(personal).getByRole('button', { name: 'Keep calendar' }));
    fireEvent.click(within(personal).getByRole('button', { name: 'Keep calendar' }));
    expect(calls.some((c) => c.startsWith('DELETE'))).toBe(false);
    expect(document.activeElement).toBe(within(personal).getByRole('button', { name: 'Remove' }));

    fireEvent.click(within(personal).getByRole('button', { name: 'Remove' }));
    fireEvent.click(within(personal).getByRole('button', { name: 'Yes, remove it' }));
    await screen.findByText('Calendar “Personal” removed.');
    expect(calls).toContain('DELETE /api/specialists/me/calendars/f1');
    await vi.waitFor(() => expect(screen.queryByRole('article', { name: 'Personal' })).toBeNull());
    expect(screen.getByRole('article', { name: 'Work' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Calendars' }));
  });

  it('when Sync now finds the feed failing, then the error is shown with its age and the last good copy still counts', async () => {
    const failedAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const failing = feed({ lastError: 'The calendar server answered HTTP 500', lastErrorAt: failedAt });
    const feeds = [feed()];
    const calls = calendarServer(feeds, (method, path) => {
      if (method !== 'POST' || !path.endsWith('/sync')) return undefined;
      feeds[0] = failing;
      return json(200, failing);
    });
    render(<CalendarFeeds timeZone="Europe/Berlin" />);
    const personal = await screen.findByRole('article', { name: 'Personal' });
    expect(personal.textContent).not.toContain('failed');
    fireEvent.click(within(personal).getByRole('button', { name: 'Sync now' }));
    await screen.findByText('“Personal” could not sync: The calendar server answered HTTP 500.');
    expect(calls).toContain('POST /api/specialists/me/calendars/f1/sync');
    await vi.waitFor(() => expect(screen.getByRole('article', { name: 'Personal' }).textContent).toContain('The last sync failed'));
    expect(screen.getByRole('article', { name: 'Personal' }).textContent).toMatch(
      /The last sync failed \(.*\(Europe\/Berlin\), 5 minutes ago\): The calendar server answered HTTP 500\. The busy times from the last good sync still block your slots\./,
    );
  });

  it('when five calendars are added, then the form gives way to a sentence saying so', async () => {
    calendarServer([1, 2, 3, 4, 5].map((n) => feed({ id: `f${n}`, label: `Calendar ${n}` })));
    render(<CalendarFeeds timeZone="UTC" />);
    await screen.findByText('You have 5 calendars, the most you can add. Remove one to add another.');
    expect(screen.queryByLabelText('Calendar address')).toBeNull();
  });
});
