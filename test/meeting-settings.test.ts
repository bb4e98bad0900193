import request from 'supertest';
import { registerUser } from './support/app';
import { BERLIN_WEEKDAYS, book, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

const NOW = '2026-11-23T08:00:00.000Z';
const CREATE = 'POST /v2/users/:userId/meetings';
const HOST_CONTROLLED = [
  'auto_recording',
  'waiting_room',
  'join_before_host',
  'mute_upon_entry',
  'host_video',
  'participant_video',
  'approval_type',
  'audio',
];

/** Since March 2025 Zoom applies the host's own settings to whatever a create leaves out: the host's settings rule. */
describe('the host’s Zoom settings', () => {
  const s = useStack({ now: NOW });
  const lastCreateBody = () => s.sandbox.requests(CREATE).at(-1)!.body as Record<string, unknown>;

  it('when the specialist overrode nothing, then the create body carries no host-controlled setting and no [ref: in the topic', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo' });
    const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T08:00:00Z' });
    expect(res.status).toBe(201);
    const body = lastCreateBody();
    expect(body.topic).toBe('Session with Cleo');
    expect(String(body.topic)).not.toContain('[ref:');
    expect(body.agenda).toBe(`[ref:${res.body.id}]`);
    const settings = (body.settings ?? {}) as Record<string, unknown>;
    for (const key of HOST_CONTROLLED) expect(settings).not.toHaveProperty(key);
    const saved = await request(s.app)
      .get('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${specialist.token}`);
    expect(saved.body.meetingSettings).toEqual({
      autoRecording: 'zoom_default',
      waitingRoom: 'zoom_default',
      joinBeforeHost: 'zoom_default',
      muteUponEntry: 'zoom_default',
    });
  });

  it('when the specialist overrides some settings in their profile, then exactly those are sent', async () => {
    const specialist = await readySpecialist(s.app);
    const put = await request(s.app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ ...BERLIN_WEEKDAYS, meetingSettings: { autoRecording: 'cloud', waitingRoom: false } });
    expect(put.status).toBe(200);
    expect(put.body.meetingSettings).toEqual({
      autoRecording: 'cloud',
      waitingRoom: false,
      joinBeforeHost: 'zoom_default',
      muteUponEntry: 'zoom_default',
    });
    // Saving the availability without meetingSettings keeps them.
    await request(s.app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${specialist.token}`)
      .send(BERLIN_WEEKDAYS);
    const customer = await registerUser(s.app, 'customer');
    await book(s.app, customer.token, { specialistId: specialist.user.id, start: '2026-11-24T10:00:00Z', topic: 'CV' });
    expect(lastCreateBody()).toMatchObject({ topic: 'CV', settings: { auto_recording: 'cloud', waiting_room: false } });
    expect(Object.keys(lastCreateBody().settings as object).sort()).toEqual(['auto_recording', 'waiting_room']);
  });

  it('when a setting has a value Zoom does not know, then 400 and nothing is saved', async () => {
    const specialist = await readySpecialist(s.app);
    const put = await request(s.app)
      .put('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${specialist.token}`)
      .send({ ...BERLIN_WEEKDAYS, meetingSettings: { autoRecording: 'always', muteUponEntry: 'yes' } });
    expect(put.status).toBe(400);
    expect(put.body.error.code).toBe('VALIDATION_FAILED');
    const saved = await request(s.app)
      .get('/api/specialists/me/availability')
      .set('Authorization', `Bearer ${specialist.token}`);
    expect(saved.body.meetingSettings.autoRecording).toBe('zoom_default');
  });
});
