import request from 'supertest';
import { createAdmin, registerUser } from './support/app';
import { adminGet } from './support/grant-health';
import { useStack } from './support/stack';

const ENDPOINTS = ['/api/admin/zoom-connections', '/api/admin/refresh-events'];

describe('admin grant-health API: who may call it and what it accepts', () => {
  const stack = useStack();

  it('when a specialist, a customer or nobody calls it, then 403 / 403 / 401', async () => {
    const specialist = await registerUser(stack.app, 'specialist');
    const customer = await registerUser(stack.app, 'customer');
    for (const path of ENDPOINTS) {
      for (const token of [specialist.token, customer.token]) {
        const res = await adminGet(stack.app, token, path);
        expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
      }
      const anonymous = await adminGet(stack.app, undefined, path);
      expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
  });

  it('when the query has unknown keys or bad values, then 400 VALIDATION_FAILED naming them', async () => {
    const admin = await createAdmin(stack.container);
    const bad = [
      '/api/admin/zoom-connections?status=connected',
      '/api/admin/zoom-connections?state=broken',
      '/api/admin/zoom-connections?pageSize=201',
      '/api/admin/zoom-connections?page=0',
      '/api/admin/refresh-events?specialist=abc',
      '/api/admin/refresh-events?specialistId=not-an-id',
      '/api/admin/refresh-events?outcome=fine',
      '/api/admin/refresh-events?trigger=cron',
      '/api/admin/refresh-events?pageSize=abc',
    ];
    for (const path of bad) {
      const res = await adminGet(stack.app, admin.token, path);
      expect([path, res.status, res.body.error.code]).toEqual([path, 400, 'VALIDATION_FAILED']);
      expect(res.body.error.details[0]).toMatchObject({ in: 'query' });
    }
  });

  it('when an admin calls them without a query, then page 1 of 50 and the documented shapes', async () => {
    const admin = await createAdmin(stack.container);
    const connections = await adminGet(stack.app, admin.token, '/api/admin/zoom-connections');
    expect(connections.status).toBe(200);
    expect(connections.body).toMatchObject({ page: 1, pageSize: 50, counts: expect.any(Object) });
    const events = await adminGet(stack.app, admin.token, '/api/admin/refresh-events?pageSize=200');
    expect(events.body).toEqual({ items: [], page: 1, pageSize: 200, total: 0 });
  });

  it('when a client reads /openapi.json, then both endpoints are documented with their queries, shapes and errors', async () => {
    const doc = (await request(stack.app).get('/openapi.json')).body;
    const connections = doc.paths['/api/admin/zoom-connections'].get;
    expect(connections.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['page', 'pageSize', 'state']);
    expect(Object.keys(connections.responses).sort()).toEqual(['200', '400', '401', '403']);
    const events = doc.paths['/api/admin/refresh-events'].get;
    expect(events.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'outcome',
      'page',
      'pageSize',
      'specialistId',
      'trigger',
    ]);
    expect(Object.keys(doc.components.schemas.ZoomConnectionRow.properties)).toEqual([
      'specialistId',
      'name',
      'email',
      'state',
      'zoomEmail',
      'authorizedAt',
      'lastUsedAt',
      'lastRefreshedAt',
      'accessTokenExpiresAt',
      'refreshErrorCount',
      'lastRefreshError',
      'lastRefreshErrorAt',
      'pendingMeetings',
      'reauthReason',
      'grantAgeSeconds',
      'sinceLastRefreshSeconds',
    ]);
    expect(Object.keys(doc.components.schemas.RefreshEvent.properties)).toEqual([
      'at',
      'specialistId',
      'trigger',
      'outcome',
      'durationMs',
      'error',
      'grantAgeSeconds',
      'sinceLastRefreshSeconds',
    ]);
    expect(doc.components.schemas.ZoomConnectionStatus.required).toEqual(
      expect.arrayContaining(['state', 'lastRefreshedAt', 'accessTokenExpiresAt']),
    );
  });
});
