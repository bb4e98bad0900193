import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

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
/** A screenshot of the step (an artifact, not an assertion), and axe over the page as it is now. */
export async function shot(page: Page, name: string): Promise<void> {
  step += 1;
  await page.screenshot({ path: path.join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  await axe(page, name);
}

// axe-core's own build, evaluated through the DevTools protocol: the app's CSP (script-src 'self') is not loosened
// and no script tag is added, so the pages are checked exactly as they are served.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING = new Set(['serious', 'critical']);

interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Every page audited in this process, with what axe found (all impacts), for the run's summary. */
export const audited: Array<{ name: string; url: string; findings: AxeFinding[] }> = [];

/** Runs axe-core (WCAG 2.x A/AA rules and best practices) on the page; any serious or critical violation fails. */
export async function axe(page: Page, name: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const findings = await page.evaluate(async () => {
    const engine = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
    }
    const results = await engine.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
    }));
  });
  audited.push({ name, url: page.url(), findings });
  const blocking = findings.filter((f) => f.impact !== null && BLOCKING.has(f.impact));
  if (blocking.length > 0) {
    throw new Error(`axe: ${blocking.length} serious/critical violation(s) on "${name}" (${page.url()}):\n${JSON.stringify(blocking, null, 2)}`);
  }
}

/** One line per run: how many pages axe checked and what it found below "serious". */
export function axeSummary(): string {
  const minor = audited.flatMap((a) => a.findings.map((f) => `${f.id} (${f.impact}) on ${a.name}`));
  return `axe: ${audited.length} page states checked, 0 serious or critical; below that: ${minor.join(', ') || 'none'}`;
}

/** Keyboard only: presses Tab (or Shift+Tab) until `target` has focus, as a person without a mouse would. */
export async function tabTo(page: Page, target: Locator, options: { backwards?: boolean; max?: number } = {}): Promise<void> {
  await target.waitFor();
  for (let i = 0; i < (options.max ?? 400); i += 1) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

/** The element that has focus, as "TAG: text" (e.g. "H1: Your booking"). */
export async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName}: ${(el.textContent ?? '').trim()}` : '';
  });
}

/** Nothing sticks out sideways: the page is usable at this width without horizontal scrolling. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
