import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionStore } from '../../lib/session-store';
import { SpecialistPage } from './SpecialistPage';

const slot = new Date(Date.now() + 3 * 86_400_000);
slot.setUTCMinutes(0, 0, 0);
const start = slot.toISOString();
const specialist = (allowGuests: boolean) => ({ id: 's1', name: 'Sam', headline: '', timezone: 'Europe/Berlin', zoomConnected: true, allowGuests });
const booked = {
  id: 'b1', specialistId: 's1', customerId: 'c1', start, end: start, durationMinutes: 60, topic: 'CV review', notes: null,
  status: 'confirmed', sequence: 0, cancelledAt: null, createdAt: start, bookedAsGuest: true, specialistName: 'Sam',
  meeting: { status: 'pending', provider: 'user', zoomMeetingId: null, joinUrl: null, attempts: 1 },
  manageToken: 'tok',
  manageUrl: 'http://localhost/manage/tok',
};

// Only the network edge is replaced: the page, the form, the API client and the error wording all run for real.
function serverAnswers(answers: Record<string, Array<{ status: number; body: unknown }>>) {
  const calls: Array<{ call: string; body?: unknown; key?: string | null }> = [];
  vi.stubGlobal('fetch', async (request: Request) => {
    const { pathname } = new URL(request.url);
    const call = `${request.method} ${pathname}`;
    const text = request.method === 'GET' ? '' : await request.text();
    calls.push({ call, body: text ? JSON.parse(text) : undefined, key: request.headers.get('idempotency-key') });
    const queue = answers[call];
    const a = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? { status: 404, body: { error: { code: 'ROUTE_NOT_FOUND', message: '' } } };
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'Content-Type': 'application/json' } });
  });
  return calls;
}

const page = (allowGuests = true) => ({
  'GET /api/specialists/s1': [{ status: 200, body: specialist(allowGuests) }],
  'GET /api/specialists/s1/slots': [{ status: 200, body: { timezone: 'Europe/Berlin', slots: [{ start, end: start }] } }],
});

beforeEach(() => sessionStore.set(null)); // signed out, and known to be
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

async function pickTheTime() {
  const group = await screen.findByRole('group');
  fireEvent.click(group.querySelector('button')!);
}

describe('guest booking form', () => {
  it('when a visitor picks a time, then they give name and email, get a code by mail, book with it and land on the manage page', async () => {
    const calls = serverAnswers({
      ...page(),
      'POST /api/guest/email-codes': [{ status: 202, body: { message: 'A code is on its way' } }],
      'POST /api/guest/bookings': [
        { status: 422, body: { error: { code: 'EMAIL_CODE_INVALID', message: 'wrong', details: { reason: 'wrong', triesLeft: 4 } } } },
        { status: 201, body: booked },
      ],
    });
    render(<SpecialistPage id="s1" />);
    expect(screen.queryByLabelText('Your name')).toBeNull(); // the form comes with a chosen time
    await pickTheTime();
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'CV review' } });
    fireEvent.change(screen.getByLabelText('Your name'), { target: { value: 'Gina Guest' } });
    fireEvent.change(screen.getByLabelText('Your email'), { target: { value: 'gina@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Email me a code' }));
    expect((await screen.findByText(/We have emailed a code to/)).textContent).toBe('We have emailed a code to gina@example.com. It works for 10 minutes.');
    const codeInput = screen.getByLabelText('Code from the email');
    expect(document.activeElement).toBe(codeInput);

    fireEvent.change(codeInput, { target: { value: '12345x6' } });
    expect((codeInput as HTMLInputElement).value).toBe('123456');
    fireEvent.click(screen.getByRole('button', { name: 'Book' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That code is not right. Check the email and try again (4 tries left).');
    fireEvent.click(screen.getByRole('button', { name: 'Book' }));
    await vi.waitFor(() => expect(window.location.pathname).toBe('/manage/tok'));
    expect(window.location.search).toBe('?booked=1');

    const posts = calls.filter((c) => c.call.startsWith('POST'));
    expect(posts.map((c) => c.call)).toEqual(['POST /api/guest/email-codes', 'POST /api/guest/bookings', 'POST /api/guest/bookings']);
    expect(posts[0]!.body).toEqual({ email: 'gina@example.com' });
    expect(posts[2]!.body).toEqual({
      specialistId: 's1', start, name: 'Gina Guest', email: 'gina@example.com', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      topic: 'CV review', code: '123456',
    });
    // The same key for both tries of the chosen time: a retry never books twice.
    expect(posts[1]!.key).toMatch(/^[0-9a-f]{32}$/);
    expect(posts[2]!.key).toBe(posts[1]!.key);
  });

  it('when the email is changed after a code was sent, then a code for the new address is asked for first', async () => {
    serverAnswers({ ...page(), 'POST /api/guest/email-codes': [{ status: 202, body: { message: 'ok' } }] });
    render(<SpecialistPage id="s1" />);
    await pickTheTime();
    fireEvent.change(screen.getByLabelText('Your name'), { target: { value: 'Gina' } });
    fireEvent.change(screen.getByLabelText('Your email'), { target: { value: 'gina@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Email me a code' }));
    await screen.findByLabelText('Code from the email');
    fireEvent.change(screen.getByLabelText('Your email'), { target: { value: 'other@example.com' } });
    expect(screen.queryByLabelText('Code from the email')).toBeNull();
    expect(screen.getByRole('button', { name: 'Email me a code' })).toBeTruthy();
  });

  it('when codes are asked for too often, then the wait is said in words', async () => {
    serverAnswers({
      ...page(),
      'POST /api/guest/email-codes': [{ status: 429, body: { error: { code: 'RATE_LIMITED', message: 'Too many', details: { retryAfterSeconds: 1200 } } } }],
    });
    render(<SpecialistPage id="s1" />);
    await pickTheTime();
    fireEvent.change(screen.getByLabelText('Your name'), { target: { value: 'Gina' } });
    fireEvent.change(screen.getByLabelText('Your email'), { target: { value: 'gina@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Email me a code' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts. Please try again later.');
  });

  it('when the specialist takes signed-in customers only, then the page asks to sign in and offers no guest form', async () => {
    serverAnswers(page(false));
    render(<SpecialistPage id="s1" />);
    await pickTheTime();
    expect(screen.getByRole('link', { name: 'Sign in as a customer' })).toBeTruthy();
    expect(screen.queryByLabelText('Your email')).toBeNull();
  });
});
