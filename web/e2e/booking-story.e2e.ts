import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { axe, axeSummary, horizontalOverflow, launch, person, shot } from './browser';
import { waitForMail } from './mailbox';
import { startServer, type RunningServer } from './server';

// The whole booking story, through the UI only, against the real server process.
let server: RunningServer;
let browser: Browser;
const startedAt = Date.now();
const run = Date.now().toString(36);
const specialist = { name: 'Sam Specialist', email: `sam.${run}@example.com`, zoomEmail: `sam.zoom.${run}@example.com` };
const customer = { name: 'Cleo Customer', email: `cleo.${run}@example.com` };
const guest = { name: 'Gina Guest', email: `gina.${run}@example.com` };
const PASSWORD = 'correct horse battery';

before(async () => {
  [server, browser] = await Promise.all([startServer(), launch()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  console.log(`e2e: ${((Date.now() - startedAt) / 1000).toFixed(1)} s in total (MongoDB engine: ${server?.engine})`);
  console.log(axeSummary());
});

/** No token in localStorage, and no session cookie visible to script (only the CSRF cookie is). */
async function assertNoScriptReadableSession(page: Page) {
  const { stored, cookies } = await page.evaluate(() => ({
    stored: Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`),
    cookies: document.cookie,
  }));
  assert.ok(!stored.some((entry) => /token|eyJ/i.test(entry)), `no token in localStorage: ${stored.join('; ')}`);
  assert.ok(!/(^|;\s*)(__Host-)?session=/.test(cookies), `no session cookie readable by script: ${cookies}`);
  const httpOnly = (await page.context().cookies()).find((c) => c.name === 'session');
  assert.ok(httpOnly?.httpOnly, 'the browser holds the HttpOnly session cookie');
}

const sandboxCalls = async (route: string) =>
  ((await (await fetch(`${server.sandboxUrl}/_sandbox/calls?route=${encodeURIComponent(route)}`)).json()) as { count: number }).count;

test('when a specialist connects Zoom and a customer and a guest book, then they can join and manage, and the specialist can start and disconnect', async () => {
  const spec = await person(browser, { timezoneId: 'Europe/Berlin', width: 1280 });
  const { page } = spec;

  // 0. Signed out: the list, sign-in, a page that needs signing in, and an unknown address (each checked by axe).
  await page.goto(`${server.baseUrl}/`);
  await page.getByRole('heading', { name: 'Specialists' }).waitFor();
  await shot(page, 'signed-out-specialists');
  await page.goto(`${server.baseUrl}/signin`);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await shot(page, 'signed-out-sign-in');
  await page.getByLabel('Email').fill(`nobody.${run}@example.com`);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: "That email and password don't match an account." }).waitFor();
  await axe(page, 'sign-in-error');
  await page.goto(`${server.baseUrl}/bookings`);
  await page.getByRole('heading', { name: 'Please sign in' }).waitFor();
  await axe(page, 'signed-out-needs-sign-in');
  await page.goto(`${server.baseUrl}/no-such-page`);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  await axe(page, 'page-not-found');

  // 1. Specialist signs up.
  await page.goto(`${server.baseUrl}/signup`);
  await page.getByRole('radio', { name: 'Specialist' }).check();
  await page.getByLabel('Name').fill(specialist.name);
  await page.getByLabel('Email').fill(specialist.email);
  await page.getByLabel('Password').fill(PASSWORD);
  assert.equal(await page.getByLabel('Time zone').inputValue(), 'Europe/Berlin', 'the time zone defaults to the browser’s');
  await shot(page, 'specialist-sign-up');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/specialist/profile');

  // 1b. The session is an HttpOnly cookie: nothing of it in localStorage, and script sees only the CSRF cookie.
  await assertNoScriptReadableSession(page);
  // A banner until the email is confirmed; the link in the mail confirms it.
  const banner = page.getByRole('region', { name: 'Email not confirmed' });
  await banner.waitFor();
  await shot(page, 'specialist-unverified-banner');
  const verifyMail = await waitForMail(server.outboxDir, specialist.email, /Confirm your email/);
  const verifyUrl = /(http:\/\/localhost:\d+\/verify-email\?token=[\w.-]+)/.exec(verifyMail.text ?? '')?.[1];
  assert.ok(verifyUrl && verifyUrl.startsWith(server.baseUrl), `the verification mail links to the web app: ${verifyMail.text}`);
  await page.goto(verifyUrl);
  await page.getByText('Your email address is confirmed.').waitFor();
  await shot(page, 'email-verified');
  await page.goto(`${server.baseUrl}/specialist/profile`);
  await page.getByRole('button', { name: 'Connect Zoom' }).waitFor();
  assert.equal(await banner.count(), 0, 'no banner once the email is confirmed');

  // 2. Connect Zoom through the sandbox's consent page.
  await page.getByRole('button', { name: 'Connect Zoom' }).click();
  await page.waitForURL(`${server.sandboxUrl}/oauth/authorize**`);
  const scopes = await page.locator('li code').allTextContents();
  assert.ok(scopes.includes('meeting:read:list_meetings'), `consent page lists the requested scopes: ${scopes.join(' ')}`);
  await page.getByLabel('Sign in as (Zoom user email)').fill(specialist.zoomEmail);
  await shot(page, 'sandbox-consent');
  await page.getByRole('button', { name: 'Approve' }).click();

  // 3. Back on the profile: connected, with the Zoom email.
  await page.waitForURL('**/specialist/profile?zoom=connected');
  await page.getByText('Zoom connected ✅').waitFor();
  await page.getByText(specialist.zoomEmail).waitFor();
  await shot(page, 'zoom-connected');

  // 4. Availability: weekdays 09:00–17:00 plus the weekend, 30-minute slots.
  await page.getByLabel('Headline').fill('Career mentoring');
  for (const day of ['sat', 'sun']) {
    await page.getByRole('button', { name: 'Add hours' }).click();
    await page.getByLabel(/^Hours \d+: day$/).last().selectOption(day);
  }
  await page.getByLabel('Slot length (minutes)').fill('30');
  await page.getByLabel('Buffer (minutes)').fill('10');
  await page.getByLabel('Minimum notice (minutes)').fill('60');
  await page.getByLabel('Book up to (days ahead)').fill('30');
  await page.getByLabel('Cancellation notice (minutes)').fill('30');
  await page.getByLabel('Max bookings per day').fill('4');
  await page.getByRole('button', { name: 'Save availability' }).click();
  await page.getByText('Availability saved.').waitFor();
  await shot(page, 'availability-saved');

  // 5. A customer in another zone, on a 375 px phone screen, signs up and books.
  const cust = await person(browser, { timezoneId: 'America/New_York', width: 375, height: 812 });
  const c = cust.page;
  await c.goto(`${server.baseUrl}/signup`);
  await c.getByRole('radio', { name: 'Customer' }).check();
  await c.getByLabel('Name').fill(customer.name);
  await c.getByLabel('Email').fill(customer.email);
  await c.getByLabel('Password').fill(PASSWORD);
  await c.getByRole('button', { name: 'Create account' }).click();
  await c.getByRole('heading', { name: 'Specialists' }).waitFor();
  const card = c.getByRole('listitem').filter({ hasText: specialist.name });
  await card.getByText('Taking bookings').waitFor();
  await card.getByText('Career mentoring').waitFor();
  await shot(c, 'customer-specialists');
  await card.getByRole('link', { name: specialist.name }).click();
  await c.getByText('Times are shown in your time zone: America/New_York.').waitFor();
  const firstDay = c.getByRole('group').filter({ has: c.getByRole('heading', { level: 3 }) }).first();
  const slot = firstDay.getByRole('button').first();
  const slotLabel = (await slot.textContent())?.trim() ?? '';
  await slot.click();
  assert.equal(await slot.getAttribute('aria-pressed'), 'true');
  await c.getByLabel('Topic').fill('CV review');
  assert.equal(await horizontalOverflow(c), 0, 'the slot page fits 375 px');
  await shot(c, 'customer-slots');
  await c.getByRole('button', { name: 'Book' }).click();

  // 6. The booking page: the time with its zone, then "Join meeting" once Zoom has answered (polled).
  await c.waitForURL('**/bookings/*');
  await c.getByRole('link', { name: 'Join meeting' }).waitFor({ timeout: 20_000 });
  const heading = await c.getByRole('heading', { level: 2 }).first().textContent();
  assert.match(heading ?? '', /\(America\/New_York\)$/);
  assert.ok(heading?.includes(slotLabel), `the booked time ${slotLabel} is shown: ${heading}`);
  assert.match((await c.getByRole('link', { name: 'Join meeting' }).getAttribute('href')) ?? '', new RegExp(`^${server.sandboxUrl}/j/`));
  assert.equal(await sandboxCalls('POST /v2/users/:userId/meetings'), 1, 'exactly one meeting reached Zoom');
  assert.equal(await horizontalOverflow(c), 0, 'the booking page fits 375 px');
  await shot(c, 'customer-booked');

  await c.getByRole('link', { name: 'My bookings' }).first().click();
  await c.getByRole('heading', { name: 'My bookings' }).waitFor();
  await c.getByRole('button', { name: 'Cancel' }).waitFor();
  await c.getByRole('link', { name: 'Reschedule' }).waitFor();
  assert.equal(await horizontalOverflow(c), 0, 'my bookings fits 375 px');
  await shot(c, 'customer-my-bookings');

  // 7. The specialist sees the booking in Berlin time and can start it (a fresh start link from the API).
  await page.goto(`${server.baseUrl}/specialist/profile`);
  await page.getByRole('button', { name: 'Save availability' }).waitFor();
  assert.equal(await page.getByLabel('Slot length (minutes)').inputValue(), '30', 'the saved availability is loaded back');
  assert.equal(await page.getByLabel('Headline').inputValue(), 'Career mentoring');
  assert.equal(await page.getByLabel('Cancellation notice (minutes)').inputValue(), '30');
  assert.equal(await page.getByLabel('Max bookings per day').inputValue(), '4');
  const booking = page.getByRole('listitem').filter({ hasText: 'CV review' });
  await booking.waitFor();
  assert.match((await booking.textContent()) ?? '', /\(Europe\/Berlin\).*Zoom meeting ready/s);
  // Who booked: the customer's name and email, never an id.
  await booking.getByText(`Customer: ${customer.name} (${customer.email})`).waitFor();
  const [zoomTab] = await Promise.all([page.context().waitForEvent('page'), booking.getByRole('link', { name: 'Start meeting' }).click()]);
  await zoomTab.waitForLoadState();
  assert.match(zoomTab.url(), new RegExp(`^${server.sandboxUrl}/s/\\d+\\?zak=`));
  assert.match((await zoomTab.textContent('body')) ?? '', /host start link OK/);
  await zoomTab.close();
  await shot(page, 'specialist-bookings');

  // 8. The customer cancels through the link in their confirmation mail, in a fresh browser (not signed in).
  const confirmation = await waitForMail(server.outboxDir, customer.email, /is confirmed/);
  const manageUrl = /(http:\/\/localhost:\d+\/manage\/[\w.-]+)/.exec(confirmation.text ?? '')?.[1];
  assert.ok(manageUrl, `the confirmation mail carries the manage link: ${confirmation.text}`);
  assert.ok(manageUrl.startsWith(server.baseUrl), 'the link points at the web app (FRONTEND_URL)');
  const viaMail = await person(browser, { timezoneId: 'America/New_York', width: 375, height: 812 });
  const m = viaMail.page;
  await m.goto(manageUrl);
  await m.getByRole('heading', { name: `Your booking with ${specialist.name}` }).waitFor();
  const when = await m.getByRole('heading', { level: 2 }).first().textContent();
  assert.ok(when?.includes(slotLabel) && when.endsWith('(America/New_York)'), `the time in the browser's zone: ${when}`);
  await m.getByRole('link', { name: 'Join meeting' }).waitFor();
  await m.getByRole('button', { name: 'Reschedule' }).waitFor();
  assert.equal(await horizontalOverflow(m), 0, 'the manage page fits 375 px');
  await shot(m, 'customer-manage-link');

  // The customer moves the booking through the link, then opens the link in the first mail again: it follows the
  // booking to its new time.
  await m.getByRole('button', { name: 'Reschedule' }).click();
  const newDay = m.getByRole('group').filter({ has: m.getByRole('heading', { level: 3 }) }).nth(1);
  const newSlot = newDay.getByRole('button').first();
  const newSlotLabel = (await newSlot.textContent())?.trim() ?? '';
  await newSlot.click();
  await shot(m, 'customer-manage-reschedule');
  await m.getByRole('button', { name: 'Move booking' }).click();
  await m.getByText('Your booking is moved. We have emailed you both the new time.').waitFor();
  const movedWhen = (await m.getByRole('heading', { level: 2 }).first().textContent()) ?? '';
  assert.notEqual(movedWhen, when, 'the page shows the new time');
  assert.ok(movedWhen.includes(newSlotLabel), `the new time ${newSlotLabel}: ${movedWhen}`);
  await m.goto(manageUrl);
  await m.getByRole('heading', { name: `Your booking with ${specialist.name}` }).waitFor();
  assert.equal(await m.getByRole('heading', { level: 2 }).first().textContent(), movedWhen, 'the old link shows the new time');
  await shot(m, 'customer-old-link-after-move');
  await m.getByRole('button', { name: 'Cancel' }).click();
  await m.getByRole('button', { name: 'Yes, cancel it' }).click();
  await m.getByText('Your booking is cancelled. We have emailed you both.').waitFor();
  await m.getByText('Cancelled', { exact: true }).waitFor();
  await shot(m, 'customer-cancelled-via-link');
  assert.equal(await sandboxCalls('DELETE /v2/meetings/:meetingId'), 1, 'the Zoom meeting was deleted');
  await waitForMail(server.outboxDir, specialist.email, /was cancelled/);
  await m.reload();
  await m.getByText(/^This link no longer works/).waitFor();
  await shot(m, 'manage-link-dead');
  // A tampered link: the same words (the API's same 404).
  await m.goto(`${manageUrl.slice(0, -2)}${manageUrl.endsWith('A') ? 'B' : 'A'}x`);
  await m.getByText(/^This link no longer works/).waitFor();
  await axe(m, 'manage-link-tampered');

  // 8b. A guest with no account books from the specialist's page with a code from the mail, lands on the booking's
  // manage page, and later manages it through the link in the confirmation mail.
  const visitor = await person(browser, { timezoneId: 'Europe/London', width: 375, height: 812 });
  const g = visitor.page;
  await g.goto(`${server.baseUrl}/`);
  await g.getByRole('listitem').filter({ hasText: specialist.name }).getByRole('link', { name: specialist.name }).click();
  await g.getByText('Times are shown in your time zone: Europe/London.').waitFor();
  const guestSlot = g.getByRole('group').filter({ has: g.getByRole('heading', { level: 3 }) }).first().getByRole('button').first();
  const guestSlotLabel = (await guestSlot.textContent())?.trim() ?? '';
  await guestSlot.click();
  await g.getByLabel('Topic').fill('Portfolio review');
  await g.getByLabel('Your name').fill(guest.name);
  await g.getByLabel('Your email').fill(guest.email);
  await shot(g, 'guest-details');
  await g.getByRole('button', { name: 'Email me a code' }).click();
  await g.getByText(`We have emailed a code to ${guest.email}. It works for 10 minutes.`).waitFor();
  const codeMail = await waitForMail(server.outboxDir, guest.email, /Your booking code/);
  const code = /Your code is (\d{6})/.exec(codeMail.text ?? '')?.[1];
  assert.ok(code, `the code mail carries the code: ${codeMail.text}`);
  await g.getByLabel('Code from the email').fill(code === '000000' ? '111111' : '000000');
  await g.getByRole('button', { name: 'Book' }).click();
  await g.getByRole('alert').filter({ hasText: 'That code is not right. Check the email and try again (4 tries left).' }).waitFor();
  assert.equal(await horizontalOverflow(g), 0, 'the guest form fits 375 px');
  await shot(g, 'guest-wrong-code');
  await g.getByLabel('Code from the email').fill(code);
  await g.getByRole('button', { name: 'Book' }).click();
  await g.waitForURL('**/manage/*');
  await g.getByText(/^You are booked\. We have emailed you a confirmation/).waitFor();
  await g.getByRole('heading', { name: `Your booking with ${specialist.name}` }).waitFor();
  await g.getByRole('link', { name: 'Join meeting' }).waitFor({ timeout: 20_000 });
  const guestWhen = (await g.getByRole('heading', { level: 2 }).first().textContent()) ?? '';
  assert.ok(guestWhen.includes(guestSlotLabel) && guestWhen.endsWith('(Europe/London)'), `the guest's time in their zone: ${guestWhen}`);
  assert.equal(await sandboxCalls('POST /v2/users/:userId/meetings'), 2, 'the guest booking got its own Zoom meeting');
  await shot(g, 'guest-booked');
  const guestMail = await waitForMail(server.outboxDir, guest.email, /is confirmed/);
  assert.ok(guestMail.attachments.some((a) => a.contentType.startsWith('text/calendar')), 'the guest gets the invitation');
  const guestManageUrl = /(http:\/\/localhost:\d+\/manage\/[\w.-]+)/.exec(guestMail.text ?? '')?.[1];
  assert.ok(guestManageUrl, `the guest's confirmation carries the manage link: ${guestMail.text}`);
  await g.goto(guestManageUrl);
  await g.getByRole('heading', { level: 2, name: guestWhen }).waitFor();
  await g.getByRole('button', { name: 'Cancel' }).click();
  await g.getByRole('button', { name: 'Yes, cancel it' }).click();
  await g.getByText('Your booking is cancelled. We have emailed you both.').waitFor();
  await waitForMail(server.outboxDir, specialist.email, new RegExp(`Booking with ${guest.name} was cancelled`));
  await shot(g, 'guest-cancelled-via-link');

  // 9. Disconnect (asks first), then the profile offers "Connect Zoom" again and the grant was revoked at Zoom.
  await page.getByRole('button', { name: 'Disconnect Zoom' }).click();
  await page.getByRole('button', { name: 'Yes, disconnect' }).click();
  await page.getByRole('button', { name: 'Connect Zoom' }).waitFor();
  assert.equal(await sandboxCalls('POST /oauth/revoke'), 1, 'the grant was revoked at Zoom');
  await shot(page, 'specialist-disconnected');

  // 10. The customer signs out (the session ends at the API), forgets the password, sets a new one from the mail and
  // signs in with it; still nothing of the session readable by script.
  await c.goto(`${server.baseUrl}/bookings`);
  await c.getByRole('heading', { name: 'My bookings' }).waitFor();
  await assertNoScriptReadableSession(c);
  await c.getByRole('button', { name: 'Sign out' }).click();
  await c.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal((await c.context().cookies()).filter((k) => k.name === 'session').length, 0, 'sign-out clears the cookie');
  await c.goto(`${server.baseUrl}/bookings`);
  await c.getByRole('heading', { name: 'Please sign in' }).waitFor();
  await c.goto(`${server.baseUrl}/signin`);
  await c.getByRole('link', { name: 'Forgot password?' }).click();
  await c.getByRole('heading', { name: 'Forgot password' }).waitFor();
  await c.getByLabel('Email').fill(customer.email);
  await c.getByRole('button', { name: 'Send reset link' }).click();
  await c.getByText(/^If an account uses that address/).waitFor();
  await shot(c, 'forgot-password-sent');
  const resetMail = await waitForMail(server.outboxDir, customer.email, /Reset your password/);
  const resetUrl = /(http:\/\/localhost:\d+\/reset-password\?token=[\w.-]+)/.exec(resetMail.text ?? '')?.[1];
  assert.ok(resetUrl && resetUrl.startsWith(server.baseUrl), `the reset mail links to the web app: ${resetMail.text}`);
  await c.goto(resetUrl);
  await c.getByRole('heading', { name: 'Set a new password' }).waitFor();
  await c.getByLabel('New password').fill('a brand new passphrase');
  await shot(c, 'set-new-password');
  await c.getByRole('button', { name: 'Set password' }).click();
  await c.getByText(/^Your new password is set/).waitFor();
  await c.getByRole('link', { name: 'Sign in' }).last().click();
  await c.getByRole('heading', { name: 'Sign in' }).waitFor();
  await c.getByLabel('Email').fill(customer.email);
  await c.getByLabel('Password').fill('a brand new passphrase');
  await c.getByRole('button', { name: 'Sign in' }).click();
  await c.getByRole('heading', { name: 'Specialists' }).waitFor();
  await c.getByRole('button', { name: 'Sign out' }).waitFor();
  await assertNoScriptReadableSession(c);
  // A reload keeps the person signed in: the session comes from the cookie through GET /api/me.
  await c.reload();
  await c.getByRole('button', { name: 'Sign out' }).waitFor();

  // 11. The account page: this device listed, change password, download the data, delete the account.
  await c.getByRole('link', { name: 'Account' }).click();
  await c.getByRole('heading', { name: 'Your account' }).waitFor();
  await c.getByText('(this device)').waitFor();
  await shot(c, 'account-page');
  await c.getByLabel('Name', { exact: true }).fill('Cleo C. Customer');
  await c.getByRole('button', { name: 'Save', exact: true }).click();
  await c.getByText('Saved.').waitFor();
  await c.getByRole('navigation').getByText('Cleo C. Customer').waitFor();
  await c.getByLabel('Current password').fill('a brand new passphrase');
  await c.getByLabel('New password').fill('the third passphrase');
  await c.getByRole('button', { name: 'Change password' }).click();
  await c.getByText('Password changed. Every other device was signed out.').waitFor();
  await assertNoScriptReadableSession(c);
  const [download] = await Promise.all([c.waitForEvent('download'), c.getByRole('button', { name: 'Download my data' }).click()]);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as { account: { email: string } };
  assert.equal(exported.account.email, customer.email, 'the export holds the account');
  assert.ok(!/passwordHash|"token"|csrf/i.test(JSON.stringify(exported)), 'the export holds no hash or token');
  await c.getByLabel('Password to confirm').fill('the third passphrase');
  await c.getByRole('button', { name: 'Delete account' }).click();
  await shot(c, 'account-delete-confirm');
  await c.getByRole('button', { name: 'Yes, delete my account' }).click();
  await c.getByRole('heading', { name: 'Account deleted' }).waitFor();
  await shot(c, 'account-deleted');
  await c.goto(`${server.baseUrl}/signin`);
  await c.getByLabel('Email').fill(customer.email);
  await c.getByLabel('Password').fill('the third passphrase');
  await c.getByRole('button', { name: 'Sign in' }).click();
  await c.getByRole('alert').filter({ hasText: "That email and password don't match an account." }).waitFor();

  assert.deepEqual(
    [...spec.problems, ...cust.problems, ...viaMail.problems, ...visitor.problems],
    [],
    'no CSP violations or script errors',
  );
});
