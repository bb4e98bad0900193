import fc from 'fast-check';
import request from 'supertest';
import { verifyFromMail } from './support/account-mail';
import { createAdmin, registerUser, TEST_JWT_SECRET, uniqueEmail } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { databaseSnapshot, forgedTokens, hostileBody, hostileString, signWebhook } from './support/hostile';
import { useStack, type Stack } from './support/stack';

/** The sandbox's S2S app (the stack adds the sandbox's URLs). */
const s2sEnvWithoutSandbox = () => ({
  ZOOM_ACCOUNT_ID: 'sandbox-account-id',
  ZOOM_CLIENT_ID: 'sandbox-s2s-client-id',
  ZOOM_CLIENT_SECRET: 'sandbox-s2s-client-secret',
});

/** The admins' S2S host routes: run here (user mode: 409) and again below in s2s mode, where they do their work. */
const S2S_HOST_OPERATIONS: Array<[string, string, string[]]> = [
  ['GET', '/api/admin/s2s-hosts', []],
  ['POST', '/api/admin/s2s-hosts/{specialistId}/approve', []],
  ['DELETE', '/api/admin/s2s-hosts/{specialistId}/approval', []],
];

/** Every operation in /openapi.json with the body fields its schema names (the first test keeps this list honest). */
const OPERATIONS: Array<[string, string, string[]]> = [
  ['GET', '/healthz', []],
  ['GET', '/readyz', []],
  ['POST', '/api/auth/register', ['role', 'name', 'email', 'password', 'timezone']],
  ['POST', '/api/auth/login', ['email', 'password']],
  ['GET', '/api/me', []],
  ['GET', '/api/zoom/connect', []],
  ['GET', '/api/zoom/callback', []],
  ['POST', '/api/zoom/callback', ['code', 'state']],
  ['GET', '/api/zoom/status', []],
  ['DELETE', '/api/zoom/connection', []],
  ['POST', '/api/zoom/webhook', ['event', 'payload', 'event_ts']],
  ['GET', '/api/zoom/users', []],
  ['GET', '/api/zoom/users/{userId}', []],
  ['GET', '/api/zoom/meetings', []],
  ['POST', '/api/zoom/meetings', ['userId', 'topic', 'start_time', 'duration', 'timezone']],
  [
    'PUT',
    '/api/specialists/me/availability',
    [
      'timezone',
      'weekly',
      'slotMinutes',
      'bufferMinutes',
      'minNoticeMinutes',
      'maxDaysAhead',
      'headline',
      'cancelNoticeMinutes',
      'maxBookingsPerDay',
      'zoomMeetingsBusy',
      'allowGuests',
    ],
  ],
  ['GET', '/api/specialists/me/availability', []],
  ['GET', '/api/specialists', []],
  ['GET', '/api/specialists/{id}', []],
  ['GET', '/api/specialists/{id}/slots', []],
  ['POST', '/api/bookings', ['specialistId', 'start', 'durationMinutes', 'topic', 'notes']],
  ['GET', '/api/bookings', []],
  ['GET', '/api/bookings/{id}', []],
  ['POST', '/api/bookings/{id}/cancel', []],
  ['POST', '/api/bookings/{id}/reschedule', ['start']],
  ['GET', '/api/bookings/{id}/start', []],
  ['GET', '/api/manage/{token}', []],
  ['POST', '/api/manage/{token}/cancel', []],
  ['POST', '/api/manage/{token}/reschedule', ['start']],
  ['POST', '/api/guest/email-codes', ['email']],
  ['POST', '/api/guest/bookings', ['specialistId', 'start', 'name', 'email', 'timezone', 'topic', 'notes', 'code']],
  ['GET', '/api/admin/zoom-connections', []],
  ['GET', '/api/admin/refresh-events', []],
  ['GET', '/api/admin/meetings', []],
  ['POST', '/api/admin/meetings/{bookingId}/retry', []],
  ...S2S_HOST_OPERATIONS,
  ['PATCH', '/api/me', ['name', 'timezone', 'email', 'currentPassword']],
  ['POST', '/api/auth/verify-email', ['token']],
  ['POST', '/api/auth/resend-verification', ['email']],
  ['POST', '/api/auth/forgot-password', ['email']],
  ['POST', '/api/auth/reset-password', ['token', 'password']],
  ['POST', '/api/me/password', ['currentPassword', 'newPassword']],
  ['GET', '/api/auth/sessions', []],
  ['GET', '/api/me/export', []],
  // Last: they end the sessions (and accounts) the operations above use.
  ['POST', '/api/auth/logout', []],
  ['POST', '/api/auth/logout-everywhere', []],
  ['DELETE', '/api/me', ['password']],
  ['GET', '/api/specialists/me/calendars', []],
  ['POST', '/api/specialists/me/calendars', ['url', 'label']],
  ['DELETE', '/api/specialists/me/calendars/{id}', []],
  ['POST', '/api/specialists/me/calendars/{id}/sync', []],
  ['GET', '/api/me/calendar-feed', []],
  ['POST', '/api/me/calendar-feed/rotate', []],
  ['GET', '/api/calendar/{token}.ics', []],
];
const QUERY_KEYS = [
  'code',
  'state',
  'error',
  'error_description',
  'page_size',
  'next_page_token',
  'userId',
  'from',
  'to',
  'status',
  'page',
  'pageSize',
  'token',
  'specialistId',
  'outcome',
  'trigger',
  'a[$gt]',
  '__proto__',
  'constructor[prototype]',
];
const AUTH = [
  'none',
  'customer',
  'specialist',
  'admin',
  'wrongSecret',
  'expired',
  'wrongIssuer',
  'algNone',
  'garbage',
  'basic',
] as const;
const RUNS = Number(process.env.HOSTILE_RUNS ?? 10);

describe('hostile input over every endpoint', () => {
  const stack = useStack({ env: s2sEnvWithoutSandbox() });
  const tokens: Record<string, string | undefined> = {};
  const ids: string[] = [];
  beforeAll(async () => {
    const specialist = await readySpecialist(stack.app);
    const customer = await registerUser(stack.app, 'customer');
    const admin = await createAdmin(stack.container);
    const slots = await request(stack.app).get(
      `/api/specialists/${specialist.user.id}/slots?from=${stack.clock.now().toISOString().slice(0, 10)}&to=${new Date(stack.clock.nowMs() + 14 * 86_400_000).toISOString().slice(0, 10)}`,
    );
    const booking = await book(stack.app, customer.token, {
      specialistId: specialist.user.id,
      start: slots.body.slots[0].start,
    });
    await drainJobs(stack.container);
    Object.assign(
      tokens,
      { customer: customer.token, specialist: specialist.token, admin: admin.token },
      await forgedTokens(TEST_JWT_SECRET, admin.user.id, stack.clock.nowMs()),
    );
    ids.push(booking.body.id, specialist.user.id, customer.user.id);
  });

  it('when the OpenAPI document lists the operations, then every one of them is covered here', async () => {
    const doc = await request(stack.app).get('/openapi.json');
    const listed = Object.entries(doc.body.paths as Record<string, object>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(listed.sort()).toEqual(OPERATIONS.map(([m, p]) => `${m} ${p}`).sort());
  });

  it.each(OPERATIONS)(
    'when %s %s gets hostile params, queries, bodies and tokens, then it answers 2xx/3xx/4xx JSON and a refusal changes nothing',
    (method, path, fields) => hostileRequests(stack, tokens, ids, method, path, fields),
  );

  it('when a webhook is replayed outside the 5-minute window or re-signed with the wrong secret, then 401 and nothing changes', async () => {
    const body = JSON.stringify({
      event: 'app_deauthorized',
      event_ts: stack.clock.nowMs(),
      payload: {
        user_id: 'someone',
        account_id: 'acc',
        signature: 'x',
        deauthorization_time: new Date().toISOString(),
        client_id: 'sandbox-client-id',
      },
    });
    const old = String(Math.floor(stack.clock.nowMs() / 1000) - 600);
    const before = await databaseSnapshot();
    for (const [sig, ts] of [
      [signWebhook('test-webhook-secret', body, old), old],
      [
        signWebhook('wrong', body, String(Math.floor(stack.clock.nowMs() / 1000))),
        String(Math.floor(stack.clock.nowMs() / 1000)),
      ],
    ]) {
      const res = await request(stack.app)
        .post('/api/zoom/webhook')
        .set('Content-Type', 'application/json')
        .set('x-zm-signature', sig!)
        .set('x-zm-request-timestamp', ts!)
        .send(body);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toEqual(expect.any(String));
    }
    expect(await databaseSnapshot()).toBe(before);
  });
});

describe('hostile input over the S2S host routes in s2s mode', () => {
  const stack = useStack({ env: { ...s2sEnvWithoutSandbox(), MEETING_PROVIDER: 's2s' } });
  const tokens: Record<string, string | undefined> = {};
  const ids: string[] = [];
  beforeAll(async () => {
    const member = stack.sandbox.ensureUser(uniqueEmail('member'));
    const specialist = await registerUser(stack.app, 'specialist', { email: member.email });
    await verifyFromMail(stack.app, stack.smtp, stack.container, member.email);
    const unverified = await registerUser(stack.app, 'specialist');
    const customer = await registerUser(stack.app, 'customer');
    const admin = await createAdmin(stack.container);
    Object.assign(
      tokens,
      { customer: customer.token, specialist: specialist.token, admin: admin.token },
      await forgedTokens(TEST_JWT_SECRET, admin.user.id, stack.clock.nowMs()),
    );
    ids.push(specialist.user.id, unverified.user.id, customer.user.id);
  });

  it.each(S2S_HOST_OPERATIONS)(
    'when %s %s gets hostile params, queries and tokens, then it answers 2xx/4xx JSON and a refusal changes nothing',
    (method, path, fields) => hostileRequests(stack, tokens, ids, method, path, fields),
  );
});

/** The property over one operation: random and hostile params, queries, bodies, tokens and headers. */
async function hostileRequests(
  stack: Stack,
  tokens: Record<string, string | undefined>,
  ids: string[],
  method: string,
  path: string,
  fields: string[],
) {
  // Node's HTTP parser answers a request line over 16 kB with a bare 431 before any app code runs:
  // URLs stay shorter.
  const inUrl = hostileString.filter((v) => v.length < 3000);
  const param = fc.oneof(inUrl, fc.constantFrom(...ids));
  const query = fc.dictionary(fc.constantFrom(...QUERY_KEYS), fc.oneof(inUrl, fc.constantFrom(...ids)), {
    maxKeys: 4,
  });
  const header = fc.oneof(
    fc.constant(undefined),
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
  );
  await fc.assert(
    fc.asyncProperty(
      param,
      query,
      hostileBody(fields),
      fc.constantFrom(...AUTH),
      header,
      async (p, q, body, auth, key) => {
        const url =
          path.replace(/\{\w+\}/g, encodeURIComponent(p)) +
          (Object.keys(q).length
            ? `?${Object.entries(q)
                .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
                .join('&')}`
            : '');
        let req = request(stack.app)[method.toLowerCase() as 'get'](url).timeout(10_000);
        if (auth === 'basic') req = req.set('Authorization', 'Basic YTpi');
        else if (auth !== 'none') req = req.set('Authorization', `Bearer ${tokens[auth]}`);
        if (key !== undefined) req = req.set('Idempotency-Key', key);
        if (path === '/api/zoom/webhook')
          req = req
            .set('x-zm-request-timestamp', String(Math.floor(stack.clock.nowMs() / 1000)))
            .set('x-zm-signature', `v0=${'0'.repeat(64)}`);
        const before = await databaseSnapshot();
        const res =
          method === 'GET' || method === 'DELETE'
            ? await req
            : await req.set('Content-Type', 'application/json').send(body);
        const label = `${method} ${url.slice(0, 200)} (${auth}) → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        expect({ label, serverError: res.status >= 500 }).toEqual({ label, serverError: false });
        if (res.status >= 400) {
          expect({
            label,
            shape: typeof res.body?.error?.code === 'string' && typeof res.body?.error?.message === 'string',
          }).toEqual({ label, shape: true });
          expect({ label, unchanged: (await databaseSnapshot()) === before }).toEqual({ label, unchanged: true });
        }
      },
    ),
    {
      numRuns: RUNS,
      seed: process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : undefined,
      // Counterexamples hold 20 kB strings: report them shortened.
      asyncReporter: async (run) => {
        if (run.failed)
          throw new Error(
            `${fc.defaultReportMessage(run)}\n${String(run.errorInstance)}`
              .replace(/(.)\1{60,}/g, (m, c: string) => `${c}…×${m.length}`)
              .slice(0, 4000),
          );
      },
    },
  );
}
