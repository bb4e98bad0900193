import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, registerUser } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { scrape } from './support/metrics';
import { sandboxEnv } from './support/zoom';
import { useStack } from './support/stack';

const NOW = '2026-11-23T08:00:00.000Z';
const TOKEN = 'scrape-token-0123456789';
/** Past the 15 s the shared (MongoDB) figures are kept for. */
const NEXT_PERIOD_MS = 15_000;

describe('GET /metrics', () => {
  const s = useStack({ now: NOW, env: { METRICS_ENABLED: 'true', METRICS_TOKEN: TOKEN } });
  const metricsOf = () => scrape(s.app, TOKEN);

  it('when metrics are off, then /metrics is the JSON 404 of any unknown path, never the web app', async () => {
    const webDist = mkdtempSync(path.join(os.tmpdir(), 'web-dist-'));
    writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>web app</title>');
    const { app } = createTestApp({ env: { WEB_DIST_DIR: webDist } });
    const page = await request(app).get('/specialist/profile').set('Accept', 'text/html');
    expect(page.status).toBe(200); // the web app's fallback is on
    for (const accept of ['text/html', 'text/plain', '*/*']) {
      const res = await request(app).get('/metrics').set('Accept', accept);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'No route for GET /metrics' } });
    }
  });

  it('when a token is set, then a scrape without it or with another is 401, and with it gets the text format', async () => {
    const none = await request(s.app).get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const wrong = await request(s.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`);
    expect(wrong.status).toBe(401);
    const ok = await request(s.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    // The default process metrics are there.
    const m = await metricsOf();
    expect(m.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(m.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('when a customer books, moves and cancels, then the booking counters, the meeting histogram, Zoom calls and request routes move', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const before = await metricsOf();
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body.meeting.status).toBe('created');
    const id = res.body.id as string;
    const moved = await request(s.app)
      .post(`/api/bookings/${id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-11-24T10:00:00Z' });
    expect(moved.status).toBe(200);
    const cancelled = await request(s.app)
      .post(`/api/bookings/${id}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(cancelled.status).toBe(200);
    await request(s.app).get(`/api/bookings/${id}`).set('Authorization', `Bearer ${customer.token}`);
    await request(s.app).get(`/api/no-such-route/${id}`);

    const after = await metricsOf();
    const moves = (name: string, labels = {}) => after.value(name, labels) - before.value(name, labels);
    expect(moves('bookings_created_total')).toBe(1);
    expect(moves('bookings_moved_total')).toBe(1);
    expect(moves('bookings_cancelled_total')).toBe(1);
    expect(moves('booking_meeting_attempts_total', { outcome: 'created' })).toBe(1);
    const ready = after.histogram('booking_meeting_ready_seconds');
    expect(ready.count - before.histogram('booking_meeting_ready_seconds').count).toBe(1);
    expect(moves('zoom_api_requests_total', { endpoint: 'meetings.create', status: '201' })).toBe(1);
    expect(moves('zoom_api_requests_total', { endpoint: 'meetings.update', status: '204' })).toBe(1);
    expect(moves('zoom_api_requests_total', { endpoint: 'meetings.delete', status: '204' })).toBe(1);
    expect(after.value('zoom_api_requests_total', { endpoint: 'oauth.token', status: '200' })).toBeGreaterThan(0);
    // Requests are labelled by route pattern; no sample carries an id or a raw path.
    const routes = after.histogramLabels('http_request_duration_seconds').map((labels) => labels.route);
    expect(routes).toEqual(
      expect.arrayContaining(['/api/bookings', '/api/bookings/:id/reschedule', '/api/bookings/:id/cancel']),
    );
    const post = after.histogram('http_request_duration_seconds', {
      method: 'POST',
      route: '/api/bookings',
      status: '201',
    });
    expect(post.count).toBe(1);
    expect(after.histogram('http_request_duration_seconds', { route: '/api/bookings/:id', status: '200' }).count).toBe(
      1,
    );
    expect(after.histogram('http_request_duration_seconds', { route: 'unmatched', status: '404' }).count).toBe(1);
    expect(routes.join(' ')).not.toMatch(/[0-9a-f]{24}/);
  });

  it('when Zoom fails, then the Zoom error count and retry outcomes rise and the waiting meeting shows with its age', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.clock.advance(NEXT_PERIOD_MS);
    const before = await metricsOf();
    s.sandbox.inject({ route: 'POST /v2/users/:userId/meetings', status: 503, times: 1 });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-25T08:00:00Z' });
    expect(res.body.meeting.status).toBe('pending');
    s.clock.advance(NEXT_PERIOD_MS + 1000);
    const after = await metricsOf();
    const moves = (name: string, labels = {}) => after.value(name, labels) - before.value(name, labels);
    expect(moves('zoom_api_requests_total', { endpoint: 'meetings.create', status: '503' })).toBe(1);
    expect(moves('booking_meeting_attempts_total', { outcome: 'retry' })).toBe(1);
    expect(after.value('booking_meetings_pending')).toBe(1);
    expect(after.value('booking_meetings_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(16);

    // Zoom is back: the poller makes the meeting and the gauge falls back (after the next period).
    await drainJobs(s.container);
    s.clock.advance(60_000);
    await drainJobs(s.container);
    const done = await metricsOf();
    expect(done.value('booking_meetings_pending')).toBe(0);
    expect(done.value('booking_meeting_attempts_total', { outcome: 'created' })).toBeGreaterThan(
      before.value('booking_meeting_attempts_total', { outcome: 'created' }),
    );
  });

  it('when a host’s daily Zoom quota is used up, then the meetings and moves waiting for it count as waiting, with their age', async () => {
    const t = createTestApp({
      clock: s.clock,
      env: { ...sandboxEnv(s.sandbox), METRICS_ENABLED: 'true', ZOOM_DAILY_MEETING_LIMIT: '1' },
    });
    const specialist = await readySpecialist(t.app);
    const customer = await registerUser(t.app, 'customer');
    s.clock.advance(NEXT_PERIOD_MS);
    const before = await scrape(t.app);
    const rise = (m: Awaited<ReturnType<typeof scrape>>, name: string) => m.value(name) - before.value(name);
    const first = await book(t.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-25T08:00:00Z',
    });
    expect(first.body.meeting.status).toBe('created');
    const second = await book(t.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-26T08:00:00Z',
    });
    expect(second.body.meeting.status).toBe('waiting_for_quota');
    s.clock.advance(NEXT_PERIOD_MS + 1000);
    const waiting = await scrape(t.app);
    expect(rise(waiting, 'booking_meetings_pending')).toBe(1);
    expect(rise(waiting, 'booking_meetings_waiting_for_quota')).toBe(1);
    expect(waiting.value('booking_meetings_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(16);

    // A move is a meeting write too: it waits for the quota and counts until Zoom has the new time.
    const moved = await request(t.app)
      .post(`/api/bookings/${first.body.id}/reschedule`)
      .set('Authorization', `Bearer ${customer.token}`)
      .send({ start: '2026-11-25T10:00:00Z' });
    expect(moved.status).toBe(200);
    s.clock.advance(NEXT_PERIOD_MS);
    const both = await scrape(t.app);
    expect(rise(both, 'booking_meetings_pending')).toBe(2);
    expect(rise(both, 'booking_meetings_waiting_for_quota')).toBe(2);

    // One write a day: after two resets (00:00 UTC) both are done and the gauges fall back.
    for (const at of ['2026-11-24T00:00:30Z', '2026-11-25T00:00:30Z']) {
      s.clock.set(at);
      await drainJobs(t.container);
    }
    s.clock.advance(NEXT_PERIOD_MS);
    const done = await scrape(t.app);
    expect(rise(done, 'booking_meetings_pending')).toBe(0);
    expect(rise(done, 'booking_meetings_waiting_for_quota')).toBe(0);
  });

  it('when a job is stuck, then its due count and age show, computed at most every 15 s for every scrape', async () => {
    const jobs = s.container.services.jobs;
    // No instance handles this name: nothing ever runs it.
    await jobs.schedule('report-export', 'report-export:1', {}, new Date(s.clock.now().getTime() - 600_000));
    s.clock.advance(NEXT_PERIOD_MS);
    const first = await metricsOf();
    expect(first.value('jobs_due', { job: 'report-export' })).toBe(1);
    expect(first.value('jobs_oldest_due_age_seconds', { job: 'report-export' })).toBe(615);

    // Within the period, scrapes share the figures already read; after it, they are read again.
    await jobs.schedule('report-export', 'report-export:2', {}, s.clock.now());
    s.clock.advance(10_000);
    const cached = await metricsOf();
    expect(cached.value('jobs_due', { job: 'report-export' })).toBe(1);
    expect(cached.value('jobs_oldest_due_age_seconds', { job: 'report-export' })).toBe(615);
    s.clock.advance(5_000);
    const fresh = await metricsOf();
    expect(fresh.value('jobs_due', { job: 'report-export' })).toBe(2);
    expect(fresh.value('jobs_oldest_due_age_seconds', { job: 'report-export' })).toBe(630);

    await jobs.cancel('report-export:1');
    await jobs.cancel('report-export:2');
    s.clock.advance(NEXT_PERIOD_MS);
    const gone = await metricsOf();
    expect(gone.value('jobs_due', { job: 'report-export' })).toBe(0);
    expect(gone.value('jobs_oldest_due_age_seconds', { job: 'report-export' })).toBe(0);
  });

  it('when SMTP refuses, then unsent mail shows in the outbox gauges; grants, refreshes and the daily quota are reported', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    s.clock.advance(2 * 3600_000); // the access token has expired: the booking refreshes it
    s.smtp.setRefusing(true);
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-26T08:00:00Z' });
    expect(res.body.meeting.status).toBe('created');
    await drainJobs(s.container);
    s.clock.advance(120_000);
    const m = await metricsOf();
    expect(m.value('mail_outbox_pending')).toBeGreaterThanOrEqual(2);
    expect(m.value('mail_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(120);
    expect(m.value('zoom_token_refreshes_total', { trigger: 'request', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(m.value('zoom_grants', { state: 'connected' })).toBeGreaterThanOrEqual(1);
    expect(m.value('zoom_grants', { state: 'needs_reauth' })).toBe(0);
    // Today's (UTC) meeting writes per host as a distribution: no host label, one observation per host.
    const quota = m.histogram('zoom_daily_meeting_writes_per_host');
    expect(quota.count).toBeGreaterThanOrEqual(1);
    expect(m.histogramLabels('zoom_daily_meeting_writes_per_host')).toEqual([{}]);
    expect(m.value('zoom_daily_meeting_writes_max_per_host')).toBeGreaterThanOrEqual(1);
    expect(m.value('metrics_shared_figures_ok')).toBe(1);
  });
  it('when ZOOM_DAILY_MEETING_LIMIT is set, then the quota histogram’s buckets are fractions of it and end at it', async () => {
    const bucketsOf = async (env: Record<string, string>) => {
      const { app } = createTestApp({
        clock: s.clock,
        env: { ...sandboxEnv(s.sandbox), METRICS_ENABLED: 'true', ...env },
      });
      const res = await request(app).get('/metrics');
      const les = [...res.text.matchAll(/^zoom_daily_meeting_writes_per_host_bucket\{le="([^"]+)"\}/gm)];
      return { les: les.map((m) => m[1]), help: res.text.match(/^# HELP zoom_daily_meeting_writes_per_host .*$/m)![0] };
    };
    const forty = await bucketsOf({ ZOOM_DAILY_MEETING_LIMIT: '40' });
    expect(forty.les).toEqual(['4', '10', '20', '30', '36', '38', '40', '+Inf']);
    expect(forty.help).toContain('limit 40 per host and day');
    expect((await bucketsOf({})).les).toEqual(['10', '25', '50', '75', '90', '95', '100', '+Inf']);
    expect((await bucketsOf({ ZOOM_DAILY_MEETING_LIMIT: '3' })).les).toEqual(['1', '2', '3', '+Inf']);
  });

  it('when two instances share MongoDB, then each counts its own traffic and both report the same shared figures', async () => {
    const other = createTestApp({
      clock: s.clock,
      env: { ...sandboxEnv(s.sandbox), METRICS_ENABLED: 'true', METRICS_TOKEN: TOKEN },
    });
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const [beforeHere, beforeThere] = [await metricsOf(), await scrape(other.app, TOKEN)];
    const res = await book(other.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-27T08:00:00Z',
    });
    expect(res.status).toBe(201);
    s.clock.advance(NEXT_PERIOD_MS);
    const [here, there] = [await metricsOf(), await scrape(other.app, TOKEN)];
    expect(there.value('bookings_created_total') - beforeThere.value('bookings_created_total')).toBe(1);
    expect(here.value('bookings_created_total') - beforeHere.value('bookings_created_total')).toBe(0);
    for (const name of ['zoom_grants', 'booking_meetings_pending', 'mail_outbox_pending', 'jobs_due']) {
      expect(there.value(name)).toBe(here.value(name));
    }
    expect(there.value('zoom_daily_meeting_writes_max_per_host')).toBe(
      here.value('zoom_daily_meeting_writes_max_per_host'),
    );
  });

  it('when the Grafana dashboard in docs/ is imported, then every metric its queries use is one /metrics serves', async () => {
    const dashboard = JSON.parse(
      readFileSync(path.join(__dirname, '..', 'docs', 'grafana-dashboard.json'), 'utf8'),
    ) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const served = new Set(
      (await metricsOf()).families.flatMap((f) =>
        f.type === 'HISTOGRAM' ? [`${f.name}_bucket`, `${f.name}_count`, `${f.name}_sum`] : [f.name],
      ),
    );
    const used = dashboard.panels
      .flatMap((p) => p.targets.map((t) => t.expr))
      .flatMap((expr) => expr.replace(/"[^"]*"/g, '').match(/[a-z][a-z0-9]*(?:_[a-z0-9]+)+/g) ?? [])
      .filter((name) => name !== 'histogram_quantile');
    expect(used.length).toBeGreaterThan(15);
    expect(used.filter((name) => !served.has(name))).toEqual([]);
  });
});
