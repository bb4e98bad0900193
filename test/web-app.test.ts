import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ConfigError, loadConfig } from '../src/config';
import { createTestApp, registerUser } from './support/app';
import { book, BERLIN_WEEKDAYS, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { startTestSandbox } from './support/zoom';

// A built web app as Vite leaves it: index.html plus hashed assets.
const dist = mkdtempSync(path.join(os.tmpdir(), 'web-dist-'));
mkdirSync(path.join(dist, 'assets'));
writeFileSync(
  path.join(dist, 'index.html'),
  '<!doctype html><title>app</title><script type="module" src="/assets/app-1.js"></script>',
);
writeFileSync(path.join(dist, 'assets', 'app-1.js'), 'console.log(1)');

const s = useStack({ now: '2026-11-23T08:00:00Z', env: { WEB_DIST_DIR: dist } });

describe('serving the web app', () => {
  it('when a deep link is opened (Zoom’s redirect back), then index.html is served with a CSP that allows no inline script', async () => {
    const res = await request(s.app).get('/specialist/profile?zoom=connected').set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>app</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const asset = await request(s.app).get('/assets/app-1.js');
    expect([asset.status, asset.headers['cache-control']]).toEqual([200, 'public, max-age=31536000, immutable']);
  });

  it('when server paths are requested, then the app never shadows them', async () => {
    const api = await request(s.app).get('/api/nothing-here').set('Accept', 'text/html');
    expect([api.status, api.body.error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
    for (const p of ['/healthz', '/openapi.json']) {
      const res = await request(s.app).get(p).set('Accept', 'text/html');
      expect([p, res.status, res.type]).toEqual([p, 200, 'application/json']);
    }
    const docs = await request(s.app).get('/docs/').set('Accept', 'text/html');
    expect(docs.text).toContain('swagger-ui');
    // Swagger UI's page carries an inline <style>: only /docs may use inline styles, never inline scripts.
    expect(docs.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(docs.headers['content-security-policy']).toContain("script-src 'self';");
    for (const p of ['/docs/missing.js', '/readyz/x', '/assets/missing.js']) {
      const res = await request(s.app).get(p).set('Accept', 'text/html');
      expect([p, res.status, res.text]).not.toEqual([p, 200, expect.stringContaining('<title>app</title>')]);
      expect(res.status).toBe(404);
    }
  });

  it('when the web app is not built, then the API runs alone and / is a JSON 404', async () => {
    const { app } = createTestApp({ env: { WEB_DIST_DIR: path.join(dist, 'nope') } });
    const res = await request(app).get('/').set('Accept', 'text/html');
    expect([res.status, res.body.error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });
});

describe('CORS', () => {
  it('when FRONTEND_URL calls the API from its origin, then CORS allows it; any other origin gets no CORS headers', async () => {
    const ok = await request(s.app)
      .options('/api/auth/login')
      .set('Origin', 'http://frontend.test')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,authorization,idempotency-key');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('http://frontend.test');
    expect(ok.headers['access-control-allow-headers']).toContain('Idempotency-Key');
    const other = await request(s.app).get('/api/specialists').set('Origin', 'http://evil.test');
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).not.toBe('http://evil.test');
    const res = await request(s.app).get('/api/specialists').set('Origin', 'http://frontend.test');
    expect(res.headers['access-control-allow-origin']).toBe('http://frontend.test');
    expect(res.headers['access-control-expose-headers']).toContain('Retry-After');
  });
});

describe('what the web app needs from the API', () => {
  it('when a specialist reads availability, then 404 until saved and then exactly what was saved', async () => {
    const specialist = await registerUser(s.app, 'specialist');
    const auth = { Authorization: `Bearer ${specialist.token}` };
    const before = await request(s.app).get('/api/specialists/me/availability').set(auth);
    expect([before.status, before.body.error.code]).toEqual([404, 'NOT_FOUND']);
    await request(s.app).put('/api/specialists/me/availability').set(auth).send(BERLIN_WEEKDAYS).expect(200);
    const after = await request(s.app).get('/api/specialists/me/availability').set(auth);
    expect(after.status).toBe(200);
    // Plus the Zoom settings the specialist has not overridden (README "Meeting settings").
    const zoomDefault = 'zoom_default';
    expect(after.body).toEqual({
      ...BERLIN_WEEKDAYS,
      zoomMeetingsBusy: true, // the default: the host's own Zoom meetings block slots
      allowGuests: true, // the default: visitors may book without an account
      meetingSettings: {
        autoRecording: zoomDefault,
        waitingRoom: zoomDefault,
        joinBeforeHost: zoomDefault,
        muteUponEntry: zoomDefault,
      },
    });
    const customer = await registerUser(s.app, 'customer');
    const forbidden = await request(s.app)
      .get('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${customer.token}`);
    expect(forbidden.status).toBe(403);
  });

  it('when the app asks for the start link as JSON, then it gets a fresh Zoom start_url instead of a redirect', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const booked = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T10:00:00Z',
    });
    expect(booked.status).toBe(201);
    const path_ = `/api/bookings/${booked.body.id}/start`;
    const json = await request(s.app)
      .get(path_)
      .set('Authorization', `Bearer ${specialist.token}`)
      .set('Accept', 'application/json');
    expect(json.status).toBe(200);
    expect(json.body.url).toMatch(new RegExp(`^${s.sandbox.url}/s/\\d+\\?zak=`));
    expect(json.headers['cache-control']).toBe('no-store');
    const browser = await request(s.app)
      .get(path_)
      .set('Authorization', `Bearer ${specialist.token}`)
      .set('Accept', 'text/html')
      .redirects(0);
    expect(browser.status).toBe(302);
    const asCustomer = await request(s.app)
      .get(path_)
      .set('Authorization', `Bearer ${customer.token}`)
      .set('Accept', 'application/json');
    expect(asCustomer.status).toBe(404);
  });
});

describe('the sandbox consent page', () => {
  it('when the authorize URL asks for scopes, then the consent page lists exactly those', async () => {
    const specialist = await registerUser(s.app, 'specialist');
    const connect = await request(s.app).get('/api/zoom/connect').set('Authorization', `Bearer ${specialist.token}`);
    const authorizeUrl = new URL(connect.body.authorizeUrl);
    // This file's sandbox auto-approves; one that asks shows the consent page for the same authorize URL.
    const asking = await startTestSandbox(s.clock, { autoApprove: false });
    const html = (
      await request(asking.url)
        .get(authorizeUrl.pathname + authorizeUrl.search)
        .expect(200)
    ).text;
    await asking.close();
    const listed = [...html.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]);
    expect(listed).toEqual(authorizeUrl.searchParams.get('scope')!.split(' '));
    expect(listed).toContain('meeting:read:list_meetings');
  });
});

describe('where the Zoom callback sends the browser', () => {
  it('when nothing is configured, then FRONTEND_URL is PUBLIC_BASE_URL, which is http://localhost:${PORT}', () => {
    expect(loadConfig({ PORT: '4321' }).frontendUrl).toBe('http://localhost:4321');
    expect(loadConfig({ PORT: '4321' }).http.publicBaseUrl).toBe('http://localhost:4321');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://book.example/' }).frontendUrl).toBe('https://book.example');
    const separate = loadConfig({ PUBLIC_BASE_URL: 'https://api.example', FRONTEND_URL: 'https://app.example' });
    expect([separate.frontendUrl, separate.zoom.userManaged.redirectUri]).toEqual([
      'https://app.example',
      'https://api.example/api/zoom/callback',
    ]);
  });

  it('when production sets only an https PUBLIC_BASE_URL, then FRONTEND_URL follows it and passes the https check', () => {
    const problems = (() => {
      try {
        loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://book.example' });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems.some((p) => p.startsWith('FRONTEND_URL'))).toBe(false);
    expect(problems.some((p) => p.startsWith('JWT_SECRET'))).toBe(true);
  });
});
