import request from 'supertest';
import { offlineOpenApiDocument } from '../src/openapi/offline-document';
import { createTestApp } from './support/app';

describe('the OpenAPI document the web app’s types are generated from', () => {
  it('when built in-process without a database, then it is the document the server serves (but for the server URL)', async () => {
    const { app } = createTestApp();
    const served = (await request(app).get('/openapi.json')).body;
    const offline = JSON.parse(JSON.stringify(offlineOpenApiDocument()));
    expect({ ...offline, servers: served.servers }).toEqual(served);
    expect(offline.components.schemas.Booking.properties).toHaveProperty('customerName');
  });
});
