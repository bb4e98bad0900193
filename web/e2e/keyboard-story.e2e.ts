import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { axe, focused, launch, person, shot, tabTo } from './browser';
import { apiCall, type RunningServer, startServer } from './server';

// A customer who uses only the keyboard books a slot and cancels it; the specialist's list, open meanwhile, refreshes
// itself and names the customer. The specialist's setup is made over the API (and the sandbox's consent page).
let server: RunningServer;
let browser: Browser;
const run = Date.now().toString(36);
const PASSWORD = 'correct horse battery';
const sam = { name: 'Sam Keys', email: `sam.keys.${run}@example.com`, zoomEmail: `sam.keys.zoom.${run}@example.com` };
const cleo = { name: 'Cleo Customer', email: `cleo.keys.${run}@example.com` };

before(async () => {
  [server, browser] = await Promise.all([startServer(), launch()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const api = <T>(method: string, path: string, body?: unknown, token?: string) =>
  apiCall<T>(server, method, path, body, token);

const register = (who: { name: string; email: string }, role: 'specialist' | 'customer') =>
  api<{ token: string; user: { id: string } }>('POST', '/api/auth/register', {
    role,
    name: who.name,
    email: who.email,
    password: PASSWORD,
    timezone: 'Europe/Berlin',
  });

test('when a customer uses only the keyboard, then they can book a slot and cancel it, and hear the meeting arrive', async () => {
  const specialist = await register(sam, 'specialist');
  await api('PUT', '/api/specialists/me/availability', {
    timezone: 'Europe/Berlin',
    weekly: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({ day, start: '08:00', end: '20:00' })),
    slotMinutes: 60,
    bufferMinutes: 0,
    minNoticeMinutes: 60,
    maxDaysAhead: 30,
  }, specialist.token);
  await register(cleo, 'customer');

  // The specialist connects Zoom and keeps the profile open (their booking list must refresh itself).
  const spec = await person(browser, { timezoneId: 'Europe/Berlin', width: 1280 });
  await spec.page.goto(`${server.baseUrl}/signin`);
  await spec.page.getByLabel('Email').fill(sam.email);
  await spec.page.getByLabel('Password').fill(PASSWORD);
  await spec.page.getByLabel('Password').press('Enter');
  await spec.page.waitForURL('**/specialist/profile');
  await spec.page.getByRole('button', { name: 'Connect Zoom' }).press('Enter');
  await spec.page.waitForURL(`${server.sandboxUrl}/oauth/authorize**`);
  await spec.page.getByLabel('Sign in as (Zoom user email)').fill(sam.zoomEmail);
  await spec.page.getByRole('button', { name: 'Approve' }).press('Enter');
  await spec.page.waitForURL('**/specialist/profile?zoom=connected');
  await spec.page.getByText('No upcoming bookings yet.').waitFor();

  // Zoom is unavailable for the first two tries (retried after 5 s, then 10 s), so the meeting stays pending a while.
  await fetch(`${server.sandboxUrl}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ route: 'POST /v2/users/:userId/meetings', status: 503, body: { message: 'busy' }, times: 2 }),
  });

  const cust = await person(browser, { timezoneId: 'America/New_York', width: 1280 });
  const c = cust.page;
  await c.goto(`${server.baseUrl}/signin`);
  await tabTo(c, c.getByLabel('Email'));
  await c.keyboard.type(cleo.email);
  await c.keyboard.press('Tab');
  await c.keyboard.type(PASSWORD);
  await c.keyboard.press('Enter');

  // Every navigation puts focus on the new page's heading.
  await c.waitForFunction(() => document.activeElement?.tagName === 'H1');
  assert.equal(await focused(c), 'H1: Specialists');
  await tabTo(c, c.getByRole('link', { name: sam.name }));
  await c.keyboard.press('Enter');
  await c.waitForFunction((name) => document.activeElement?.textContent === name, sam.name);
  assert.equal(await focused(c), `H1: ${sam.name}`);

  const slot = c.getByRole('group').filter({ has: c.getByRole('heading', { level: 3 }) }).first().getByRole('button').first();
  await tabTo(c, slot);
  await c.keyboard.press('Space');
  await c.waitForFunction((el) => el?.getAttribute('aria-pressed') === 'true', await slot.elementHandle());
  await tabTo(c, c.getByLabel('Topic'));
  await c.keyboard.type('Keyboard only');
  await tabTo(c, c.getByRole('button', { name: 'Book' }));
  await shot(c, 'keyboard-slot-chosen');
  await c.keyboard.press('Enter');

  await c.waitForURL('**/bookings/*');
  await c.waitForFunction(() => document.activeElement?.textContent === 'Your booking');
  // The meeting's state is a polite live region: "Meeting link pending", then (polled) "Zoom meeting ready".
  const state = c.locator('[aria-live="polite"]').filter({ hasText: /Meeting link pending|Zoom meeting ready/ });
  assert.equal(await state.getAttribute('aria-atomic'), 'true');
  await c.getByText('Meeting link pending').waitFor();
  await shot(c, 'keyboard-meeting-pending');

  // The specialist looks: the pending booking, by the customer's name; the list then refreshes itself until Zoom
  // has answered, and "Start meeting" appears without a reload.
  await spec.page.reload();
  const row = spec.page.getByRole('listitem').filter({ hasText: 'Keyboard only' });
  await row.getByText(`Customer: ${cleo.name} (${cleo.email})`).waitFor();
  await row.getByText('Meeting link pending').waitFor();
  await shot(spec.page, 'keyboard-specialist-list-pending');

  await c.getByRole('link', { name: 'Join meeting' }).waitFor({ timeout: 45_000 });
  assert.equal((await state.textContent())?.trim(), 'Zoom meeting ready');
  await row.getByRole('link', { name: 'Start meeting' }).waitFor({ timeout: 20_000 });
  await shot(spec.page, 'keyboard-specialist-list-refreshed');
  await shot(c, 'keyboard-meeting-ready');

  // Cancel, asking first: focus lands on the safe choice; Shift+Tab reaches "Yes, cancel it".
  await tabTo(c, c.getByRole('button', { name: 'Cancel' }));
  await c.keyboard.press('Enter');
  await c.waitForFunction(() => document.activeElement?.textContent === 'Keep booking');
  await axe(c, 'keyboard-cancel-question');
  await c.keyboard.press('Shift+Tab');
  assert.equal(await focused(c), 'BUTTON: Yes, cancel it');
  await c.keyboard.press('Enter');
  await c.getByText('Cancelled', { exact: true }).waitFor();
  await shot(c, 'keyboard-cancelled');

  assert.deepEqual([...spec.problems, ...cust.problems], [], 'no CSP violations or script errors');
});
