import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

// Debian's chromium, never a downloaded browser; the flags keep it off the network and quiet.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: FLAGS });
}

/** A person: own storage, own time zone, own screen size. Every page problem (CSP, script error) is collected. */
export async function person(browser: Browser, options: { timezoneId: string; width: number; height?: number }) {
  const context: BrowserContext = await browser.newContext({
    timezoneId: options.timezoneId,
    locale: 'en-GB',
    viewport: { width: options.width, height: options.height ?? 900 },
  });
  const problems: string[] = [];
  const page: Page = await context.newPage();
  const watch = (p: Page) => {
    p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
    });
  };
  watch(page);
  context.on('page', watch);
  return { context, page, problems };
}

let step = 0;
export async function shot(page: Page, name: string): Promise<void> {
  step += 1;
  await page.screenshot({ path: path.join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** Nothing sticks out sideways: the page is usable at this width without horizontal scrolling. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
