import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { horizontalOverflow, launch, person, shot } from './browser';
import { apiCall, type RunningServer, startServer } from './server';

// Issue 19 in the browser: a specialist on a phone adds another calendar (served on loopback, which
// CALENDAR_FEED_ALLOW_PRIVATE lets through), sees it block a slot, syncs it while it fails and after, turns the Zoom
// switch off, removes the calendar, and subscribes to their own bookings (copy, then a new link that kills the old).
let server: RunningServer;
let browser: Browser;
let feeds: http.Server;
let feedBase: string;
const run = Date.now().toString(36);
const PASSWORD = 'correct horse battery';
const sam = { name: 'Sam Calendars', email: `sam.cal.${run}@example.com` };
const secret = randomBytes(12).toString('hex');
const answers = new Map<string, { status: number; body: string }>();

// The busy event: three days ahead, 10:00–11:00 UTC (a whole hour, so exactly one hourly slot).
const busyStart = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 2 * 86_400_000 + 10 * 3_600_000);
const ics = (d: Date) => d.toISOString().replace(/[-:]|\.\d{3}/g, '');
const CALENDAR = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//e2e//calendars story//EN', 'BEGIN:VEVENT', 'UID:dentist@e2e.example',
  'DTSTAMP:20260101T000000Z', `DTSTART:${ics(busyStart)}`, `DTEND:${ics(new Date(busyStart.getTime() + 3_600_000))}`,
  'SUMMARY:Dentist', 'END:VEVENT', 'END:VCALENDAR', '',
].join('\r\n');

before(async () => {
  feeds = http.createServer((req, res) => {
    const a = answers.get(req.url ?? '') ?? { status: 404, body: 'not found' };
    res.writeHead(a.status, { 'Content-Type': 'text/calendar' }).end(a.body);
  });
  await new Promise<void>((resolve) => feeds.listen(0, '127.0.0.1', resolve));
  feedBase = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;
  [server, browser] = await Promise.all([startServer({ CALENDAR_FEED_ALLOW_PRIVATE: 'true' }), launch()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  feeds?.closeAllConnections();
  await new Promise((resolve) => feeds?.close(resolve));
});

const api = <T>(method: string, path: string, body?: unknown, token?: string) =>
  apiCall<T>(server, method, path, body, token);

/** Whether customers are offered the hour the calendar says is busy. */
async function busyHourOffered(specialistId: string): Promise<boolean> {
  const day = (offset: number) => new Date(busyStart.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const { slots } = await api<{ slots: Array<{ start: string }> }>('GET', `/api/specialists/${specialistId}/slots?from=${day(-1)}&to=${day(1)}`);
  assert.ok(slots.length > 0, 'the specialist has slots that day');
  return slots.some((s) => Date.parse(s.start) === busyStart.getTime());
}

async function noSideScroll(page: Page, what: string) {
  assert.equal(await horizontalOverflow(page), 0, `no horizontal scrolling at 375 px on ${what}`);
}

test('when a specialist adds, syncs and removes a calendar and subscribes to their bookings, then each step shows and counts', async () => {
  const { token, user } = await api<{ token: string; user: { id: string } }>('POST', '/api/auth/register', {
    role: 'specialist', name: sam.name, email: sam.email, password: PASSWORD, timezone: 'Europe/Berlin',
  });
  await api('PUT', '/api/specialists/me/availability', {
    timezone: 'Europe/Berlin',
    weekly: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({ day, start: '06:00', end: '22:00' })),
    slotMinutes: 60, bufferMinutes: 0, minNoticeMinutes: 60, maxDaysAhead: 30,
  }, token);
  assert.equal(await busyHourOffered(user.id), true, 'before any calendar, the hour is offered');

  const spec = await person(browser, { timezoneId: 'Europe/Berlin', width: 375 });
  const { page } = spec;
  await page.goto(`${server.baseUrl}/signin`);
  await page.getByLabel('Email').fill(sam.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.getByRole('link', { name: 'Profile' }).click();
  const calendars = page.getByRole('region', { name: 'Calendars' });
  await calendars.getByText('No calendars added yet.').waitFor();
  await shot(page, 'calendars-empty');
  await noSideScroll(page, 'the profile');

  // A refused address: the server's reason, in words, next to the form.
  await calendars.getByLabel('Calendar address').fill(`${feedBase}/missing.ics`);
  await calendars.getByLabel('Label', { exact: true }).fill('Old calendar');
  await calendars.getByRole('button', { name: 'Add calendar' }).click();
  await calendars.getByRole('alert').filter({ hasText: 'This calendar could not be added: the calendar server answered HTTP 404.' }).waitFor();
  await shot(page, 'calendars-refused');

  // The real one: listed by label and host; the secret address is never shown again.
  answers.set(`/private/${secret}/basic.ics`, { status: 200, body: CALENDAR });
  await calendars.getByLabel('Calendar address').fill(`${feedBase}/private/${secret}/basic.ics`);
  await calendars.getByLabel('Label', { exact: true }).fill('Personal');
  await calendars.getByRole('button', { name: 'Add calendar' }).click();
  await calendars.getByRole('status').filter({ hasText: 'Calendar “Personal” added. 1 busy time ahead blocks your slots.' }).waitFor();
  const personal = calendars.getByRole('article', { name: 'Personal' });
  await personal.getByText('From 127.0.0.1, address ending ….ics').waitFor();
  await personal.getByText(/^Last synced: .*\(Europe\/Berlin\), just now$/).waitFor();
  const shown = await page.evaluate(() => document.body.innerText + Array.from(document.querySelectorAll('input'), (i) => i.value).join(' '));
  assert.ok(!shown.includes(secret), 'the secret part of the address is not on the page');
  assert.equal(await busyHourOffered(user.id), false, 'the busy hour is no longer offered');
  await shot(page, 'calendars-added');
  await noSideScroll(page, 'the profile with a calendar');

  // The calendar host fails: Sync now says so with its age, and the last good copy keeps blocking.
  answers.set(`/private/${secret}/basic.ics`, { status: 500, body: 'oops' });
  await personal.getByRole('button', { name: 'Sync now' }).click();
  await calendars.getByRole('status').filter({ hasText: '“Personal” could not sync: The calendar server answered HTTP 500.' }).waitFor();
  await personal.getByText(/^The last sync failed \(.*\(Europe\/Berlin\), just now\): The calendar server answered HTTP 500\./).waitFor();
  assert.equal(await busyHourOffered(user.id), false, 'a failing calendar still blocks with its last good copy');
  await shot(page, 'calendars-sync-failed');
  answers.set(`/private/${secret}/basic.ics`, { status: 200, body: CALENDAR });
  await personal.getByRole('button', { name: 'Sync now' }).click();
  await calendars.getByRole('status').filter({ hasText: '“Personal” synced.' }).waitFor();
  await personal.getByText(/The last sync failed/).waitFor({ state: 'detached' });

  // The Zoom switch is saved with the availability and loads back.
  const zoomBusy = page.getByRole('checkbox', { name: 'My other Zoom meetings block bookings' });
  assert.equal(await zoomBusy.isChecked(), true, 'on by default');
  await zoomBusy.uncheck();
  await page.getByRole('button', { name: 'Save availability' }).click();
  await page.getByText('Availability saved.').waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Save availability' }).waitFor();
  assert.equal(await zoomBusy.isChecked(), false, 'the switch loads back off');

  // Remove asks first, focus on keeping it; then the hour is offered again.
  await personal.getByRole('button', { name: 'Remove', exact: true }).click();
  await page.waitForFunction(() => document.activeElement?.textContent === 'Keep calendar');
  await shot(page, 'calendars-remove-question');
  await personal.getByRole('button', { name: 'Yes, remove it' }).click();
  await calendars.getByRole('status').filter({ hasText: 'Calendar “Personal” removed.' }).waitFor();
  await calendars.getByText('No calendars added yet.').waitFor();
  assert.equal(await busyHourOffered(user.id), true, 'without the calendar the hour is offered again');

  // My bookings: the feed address, copied, then replaced (the old one stops working at once).
  await spec.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
  await page.getByRole('link', { name: 'My bookings' }).click();
  const subscribe = page.getByRole('region', { name: 'Subscribe to your bookings' });
  const link = subscribe.getByRole('textbox', { name: 'Your calendar link' });
  await link.waitFor();
  const first = await link.inputValue();
  assert.match(first, /^http:\/\/localhost:\d+\/api\/calendar\/[\w-]+\.ics$/);
  await subscribe.getByRole('button', { name: 'Copy link' }).click();
  await subscribe.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first, 'the clipboard holds the address');
  const feed = await fetch(first);
  assert.equal(feed.status, 200);
  assert.match(await feed.text(), /^BEGIN:VCALENDAR/);
  await shot(page, 'subscribe-copied');
  await noSideScroll(page, 'My bookings');

  await subscribe.getByRole('button', { name: 'Get a new link' }).click();
  await page.waitForFunction(() => document.activeElement?.textContent === 'Keep this link');
  await shot(page, 'subscribe-rotate-question');
  await subscribe.getByRole('button', { name: 'Yes, get a new link' }).click();
  await subscribe.getByRole('status').filter({ hasText: 'New link ready.' }).waitFor();
  const second = await link.inputValue();
  assert.notEqual(second, first);
  assert.equal((await fetch(first)).status, 404, 'the old address stops working at once');
  assert.equal((await fetch(second)).status, 200);

  assert.deepEqual(spec.problems, [], 'no CSP violations or script errors');
});
