import type { Express } from 'express';
import request from 'supertest';
import { registerUser, uniqueEmail } from './app';
import { connectZoom } from './zoom';

export const BERLIN_WEEKDAYS = {
  timezone: 'Europe/Berlin',
  weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, start: '09:00', end: '17:00' })),
  slotMinutes: 60,
  bufferMinutes: 15,
  minNoticeMinutes: 60,
  maxDaysAhead: 30,
  cancelNoticeMinutes: 0,
  maxBookingsPerDay: null,
  headline: 'Career mentoring',
};

/** A specialist with published availability and (unless told otherwise) a connected Zoom account. */
export async function readySpecialist(
  app: Express,
  options: { zoom?: boolean; availability?: object; name?: string } = {},
) {
  const specialist = await registerUser(app, 'specialist', {
    name: options.name ?? 'Sam Specialist',
    timezone: 'Europe/Berlin',
  });
  const res = await request(app)
    .put('/api/specialists/me/availability')
    .set('Authorization', `Bearer ${specialist.token}`)
    .send(options.availability ?? BERLIN_WEEKDAYS);
  if (res.status !== 200) throw new Error(`availability failed: ${res.status} ${JSON.stringify(res.body)}`);
  const zoomEmail = uniqueEmail('zoomhost');
  if (options.zoom !== false) await connectZoom(app, specialist.token, zoomEmail);
  return { ...specialist, zoomEmail };
}

export function book(app: Express, customerToken: string, body: object, idempotencyKey?: string) {
  const req = request(app).post('/api/bookings').set('Authorization', `Bearer ${customerToken}`);
  if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey);
  return req.send(body);
}

/** Runs due jobs until none are left (mail delivery may be queued by meeting creation). */
export async function drainJobs(container: { services: { jobs: { runDue(): Promise<number> } } }) {
  for (let i = 0; i < 10; i += 1) if ((await container.services.jobs.runDue()) === 0) return;
}
