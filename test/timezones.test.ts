import request from 'supertest';
import { UserModel } from '../src/models/user.model';
import { SpecialistProfileModel } from '../src/models/specialist-profile.model';
import { BERLIN_WEEKDAYS } from './support/booking';
import { createTestApp, registerUser, uniqueEmail } from './support/app';
import { useTestDatabase } from './support/database';

describe('time zones in canonical IANA spelling', () => {
  let db: Awaited<ReturnType<typeof useTestDatabase>>;
  const { app } = createTestApp();
  beforeAll(async () => {
    db = await useTestDatabase();
  });
  afterAll(() => db.drop());

  const register = (timezone: string) =>
    request(app)
      .post('/api/auth/register')
      .send({ role: 'customer', name: 'Tia', email: uniqueEmail('tz'), password: 'long enough pw', timezone });

  it.each([
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Europe/Kyiv', 'Europe/Kyiv'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['Asia/Ho_Chi_Minh', 'Asia/Ho_Chi_Minh'],
    ['Asia/Saigon', 'Asia/Ho_Chi_Minh'],
    ['US/Eastern', 'America/New_York'],
    ['europe/oslo', 'Europe/Oslo'],
    ['UTC', 'UTC'],
  ])('when a user registers with %s, then %s is returned and stored', async (given, canonical) => {
    const res = await register(given);
    expect(res.status).toBe(201);
    expect(res.body.user.timezone).toBe(canonical);
    expect((await UserModel.findById(res.body.user.id).lean())?.timezone).toBe(canonical);
  });

  it.each(['EST', 'PST', 'CET', 'GMT', 'EST5EDT', '+05:30'])(
    'when a user registers with the abbreviation %s, then 400 says it is ambiguous and nothing is stored',
    async (abbreviation) => {
      const before = await UserModel.countDocuments();
      const res = await register(abbreviation);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error.details)).toMatch(/ambiguous; use a region name such as America\/New_York/);
      expect(await UserModel.countDocuments()).toBe(before);
    },
  );

  it('when a specialist publishes availability in Asia/Calcutta, then the profile and the listing say Asia/Kolkata', async () => {
    const s = await registerUser(app, 'specialist', { timezone: 'Asia/Calcutta' });
    const res = await request(app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${s.token}`)
      .send({ ...BERLIN_WEEKDAYS, timezone: 'Asia/Calcutta' });
    expect(res.status).toBe(200);
    expect((await SpecialistProfileModel.findOne({ userId: s.user.id }).lean())?.timezone).toBe('Asia/Kolkata');
    const listed = await request(app).get(`/api/specialists/${s.user.id}`);
    expect(listed.body.timezone).toBe('Asia/Kolkata');
    const me = await request(app).get('/api/me').set('Authorization', `Bearer ${s.token}`);
    expect(me.body.timezone).toBe('Asia/Kolkata');
  });
});
