import request from 'supertest';
import { registerUser } from './support/app';
import { book, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

// The web app has no bearer token any more: its "Start meeting" asks for the start URL with the session cookie.
describe('the start link with the session cookie', () => {
  const s = useStack({ now: '2026-11-23T08:00:00.000Z' });

  it('when the specialist asks with the session cookie, then the start URL; another account or an ended session gets none', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T14:00:00Z' });
    const path = `/api/bookings/${res.body.id}/start`;

    const asSpecialist = await request(s.app)
      .get(path)
      .set('Cookie', `session=${specialist.token}`)
      .set('Accept', 'application/json');
    expect(asSpecialist.status).toBe(200);
    expect(asSpecialist.body.url).toMatch(/zak=/);
    expect(asSpecialist.headers['cache-control']).toBe('no-store');

    const asCustomer = await request(s.app)
      .get(path)
      .set('Cookie', `session=${customer.token}`)
      .set('Accept', 'application/json');
    expect(asCustomer.status).toBe(404);

    const logout = await request(s.app).post('/api/auth/logout').set('Authorization', `Bearer ${specialist.token}`);
    expect(logout.status).toBe(204);
    const ended = await request(s.app)
      .get(path)
      .set('Cookie', `session=${specialist.token}`)
      .set('Accept', 'application/json');
    expect(ended.status).toBe(401);
  });

  it('when the mailed start link is opened in a browser whose session has ended, then the link alone still starts the meeting and the dead cookie is cleared', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T12:00:00Z' });
    const link = await s.container.services.jwt.signLink(
      'meeting-start',
      res.body.id,
      new Date('2026-11-25T00:00:00Z'),
    );
    const path = `/api/bookings/${res.body.id}/start?token=${encodeURIComponent(link)}`;
    expect((await request(s.app).get(path)).status).toBe(302);
    // The laptop's cookie dies when the specialist signs out everywhere from the phone.
    await request(s.app).post('/api/auth/logout-everywhere').set('Authorization', `Bearer ${specialist.token}`);
    const stale = await request(s.app).get(path).set('Cookie', `session=${specialist.token}`);
    expect(stale.status).toBe(302);
    expect(stale.headers.location).toMatch(/zak=/);
    // Without the link, the ended session is the answer; its cookie is cleared with the 401, logout included.
    const bare = `/api/bookings/${res.body.id}/start`;
    const noLink = await request(s.app)
      .get(bare)
      .set('Cookie', `session=${specialist.token}`)
      .set('Accept', 'application/json');
    expect(`${noLink.status} ${noLink.body.error.code}`).toBe('401 SESSION_ENDED');
    const logout = await request(s.app).post('/api/auth/logout').set('Cookie', `session=${specialist.token}`);
    expect(logout.status).toBe(401);
    for (const answer of [noLink, logout]) {
      const cleared = (answer.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
      expect(cleared.some((c) => /^session=;/.test(c) && /Expires=Thu, 01 Jan 1970/.test(c))).toBe(true);
    }
  });
});
