import request from 'supertest';
import { createTestApp } from './support/app';
import { useTestDatabase } from './support/database';

describe('error responses', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const { app } = createTestApp({ env: { BODY_LIMIT: '1kb' } });
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  it('when the JSON is malformed, then 400 MALFORMED_JSON', async () => {
    const res = await request(app).post('/api/auth/login').set('Content-Type', 'application/json').send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'MALFORMED_JSON', message: 'Request body is not valid JSON' } });
  });

  it('when validation fails, then 400 listing every issue, unknown keys included', async () => {
    const res = await request(app).post('/api/auth/login').send({ email: 'not-an-email', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const paths = res.body.error.details.map((d: { path: string[]; code: string }) => `${d.path.join('.')}:${d.code}`);
    expect(paths).toEqual(
      expect.arrayContaining(['email:invalid_format', 'password:invalid_type', ':unrecognized_keys']),
    );
  });

  it('when the route does not exist, then 404 JSON', async () => {
    const res = await request(app).get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('when the body is too large, then 413', async () => {
    const res = await request(app)
      .post('/api/auth/login')
      .send({ email: 'a@b.co', password: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when the body is not JSON, then 415', async () => {
    const res = await request(app).post('/api/auth/login').set('Content-Type', 'text/plain').send('email=a');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('when a request arrives, then the response carries a request id, and a sane incoming one is kept', async () => {
    const fresh = await request(app).get('/healthz');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(app).get('/healthz').set('X-Request-Id', 'trace-123');
    expect(kept.headers['x-request-id']).toBe('trace-123');
  });
});
