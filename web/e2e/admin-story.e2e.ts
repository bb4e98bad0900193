import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { horizontalOverflow, launch, person, shot } from './browser';
import { apiCall, createAdmin, type RunningServer, startServer } from './server';

// Issue 10's admin view, through the UI, against the real server process: the data is made over the API.
let server: RunningServer;
let browser: Browser;
const run = Date.now().toString(36);
const PASSWORD = 'correct horse battery';
const admin = { email: `ada.${run}@example.com` };
const connected = { name: 'Cora Connected', email: `cora.${run}@example.com`, zoomEmail: `cora.zoom.${run}@example.com` };
const never = { name: 'Nina Never', email: `nina.${run}@example.com` };

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

test('when an admin signs in, then the Zoom connections table and the token refresh log show what happened', async () => {
  // A specialist connects Zoom (the sandbox's consent page), publishes availability and is booked; Zoom rejects the
  // first access token once, so the log gets a refresh. Another specialist never connects.
  const cora = await register(connected, 'specialist');
  await api('PUT', '/api/specialists/me/availability', {
    timezone: 'Europe/Berlin',
    weekly: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({ day, start: '08:00', end: '20:00' })),
    slotMinutes: 60,
    bufferMinutes: 0,
    minNoticeMinutes: 60,
    maxDaysAhead: 30,
  }, cora.token);
  // Connect from the browser that approves: the callback completes only where the connect answer's cookie went.
  const consent = await person(browser, { timezoneId: 'Europe/Berlin', width: 1280 });
  const connect = await consent.context.request.get(`${server.baseUrl}/api/zoom/connect`, {
    headers: { Authorization: `Bearer ${cora.token}` },
  });
  const { authorizeUrl } = (await connect.json()) as { authorizeUrl: string };
  await consent.page.goto(authorizeUrl);
  await consent.page.getByLabel('Sign in as (Zoom user email)').fill(connected.zoomEmail);
  await consent.page.getByRole('button', { name: 'Approve' }).click();
  await consent.page.waitForURL('**/specialist/profile?zoom=connected');
  await consent.context.close();
  await register(never, 'specialist');

  const customer = await register({ name: 'Cleo Customer', email: `cleo.${run}@example.com` }, 'customer');
  const from = new Date().toISOString().slice(0, 10);
  const to = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const { slots } = await api<{ slots: Array<{ start: string }> }>('GET', `/api/specialists/${cora.user.id}/slots?from=${from}&to=${to}`);
  await fetch(`${server.sandboxUrl}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ route: 'POST /v2/users/:userId/meetings', status: 401, body: { code: 124, message: 'Invalid access token.' } }),
  });
  const booking = await api<{ meeting: { status: string } }>('POST', '/api/bookings', { specialistId: cora.user.id, start: slots[0]!.start }, customer.token);
  assert.equal(booking.meeting.status, 'created', 'the 401 cost one refresh and one retry');

  // The operator creates the admin with the script, against this server's database.
  const created = await createAdmin(server, admin.email, PASSWORD);
  assert.match(created, /Created admin/);

  const { page, problems } = await person(browser, { timezoneId: 'America/New_York', width: 1280 });
  await page.goto(`${server.baseUrl}/signin`);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/admin');

  const table = page.getByRole('region', { name: 'Zoom connections table' });
  await table.getByText(connected.zoomEmail).waitFor();
  const coraRow = table.getByRole('row').filter({ hasText: connected.name });
  assert.match((await coraRow.textContent()) ?? '', /Connected/);
  const ninaRow = table.getByRole('row').filter({ hasText: never.name });
  assert.match((await ninaRow.textContent()) ?? '', /Never connected/);
  assert.ok(await page.getByRole('option', { name: 'Connected (1)' }).count(), 'the filter counts each state');
  assert.ok(await page.getByRole('option', { name: 'Never connected (1)' }).count());
  await page.getByText('Times are shown in your time zone: America/New_York.').waitFor();

  const log = page.getByRole('region', { name: 'Token refresh log table' });
  const entry = log.getByRole('row').filter({ hasText: cora.user.id });
  await entry.first().waitFor();
  const entryText = (await entry.first().textContent()) ?? '';
  assert.match(entryText, /rejected_token/);
  assert.match(entryText, /ok/);
  await shot(page, 'admin-connections-and-log');

  // Filtering by state asks the API again and shows only that state.
  await page.getByLabel('State').selectOption('never');
  await table.getByRole('row').filter({ hasText: connected.name }).waitFor({ state: 'detached' });
  await table.getByText(never.name).waitFor();
  await shot(page, 'admin-filter-never');

  // All bookings: an admin sees both people of each booking.
  await page.getByRole('link', { name: 'All bookings' }).click();
  await page.getByRole('heading', { name: 'All bookings' }).waitFor();
  await page.getByText(`Cleo Customer (cleo.${run}@example.com) with ${connected.name}`).waitFor();
  await shot(page, 'admin-all-bookings');

  assert.equal(await horizontalOverflow(page), 0);
  assert.deepEqual(problems, []);
});
