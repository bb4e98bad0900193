import mongoose from 'mongoose';
import request from 'supertest';
import { connectMongo } from '../src/db/mongo';
import { createTestApp } from './support/app';
import { useTestDatabase } from './support/database';

describe('health and docs', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const { app } = createTestApp();
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  it('when the process is up, then /healthz is 200', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when MongoDB answers, then /readyz is 200; when it is gone, then 503 naming mongodb', async () => {
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { mongodb: { ok: true } } });

    await mongoose.disconnect();
    try {
      const down = await request(app).get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe('NOT_READY');
      expect(down.body.error.message).toContain('mongodb');
      expect(down.body.error.details.mongodb.ok).toBe(false);
    } finally {
      await connectMongo(process.env.TEST_MONGODB_URI!, db.name);
    }
    expect((await request(app).get('/readyz')).status).toBe(200);
  });

  it('when a client asks for the API description, then /openapi.json documents every route and /docs renders', async () => {
    const doc = await request(app).get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/api/auth/register', '/api/auth/login', '/api/me']),
    );
    const register = doc.body.paths['/api/auth/register'].post;
    expect(register.requestBody.content['application/json'].schema).toBeDefined();
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '409']));
    const ui = await request(app).get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });
});
