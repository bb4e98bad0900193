import { ManualClock } from '../../src/lib/clock';
import { createSmtpTransport } from '../../src/services/mail/mail-transport';
import type { ZoomSandbox } from '../../src/zoom-sandbox/zoom-sandbox';
import type { ZoomSandboxOptions } from '../../src/zoom-sandbox/types';
import { createTestApp, type TestApp } from './app';
import { useTestDatabase } from './database';
import { startTestSmtp, type TestSmtp } from './smtp';
import { sandboxEnv, startTestSandbox } from './zoom';

export interface Stack extends TestApp {
  sandbox: ZoomSandbox;
  smtp: TestSmtp;
}

/**
 * The full loopback stack for one test file: its own database, a Zoom sandbox and an SMTP server sharing the test's
 * clock, and an app wired to them. Fields are filled in beforeAll; faults and SMTP refusal are reset after each test.
 */
export function useStack(options: { now?: string; env?: Record<string, string>; sandbox?: ZoomSandboxOptions } = {}) {
  const clock = new ManualClock(options.now ?? Date.now());
  const stack = { clock } as Stack;
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  beforeAll(async () => {
    db = await useTestDatabase();
    stack.sandbox = await startTestSandbox(clock, options.sandbox);
    stack.smtp = await startTestSmtp();
    Object.assign(
      stack,
      createTestApp({
        clock,
        env: { ...sandboxEnv(stack.sandbox), ...options.env },
        mailTransport: createSmtpTransport(stack.smtp.url),
      }),
    );
  });
  afterEach(() => {
    stack.sandbox.clearFaults();
    stack.smtp.setRefusing(false);
    if (options.now) clock.set(options.now);
  });
  afterAll(async () => {
    await stack.sandbox.close();
    await stack.smtp.close();
    await db.drop();
  });
  return stack;
}
