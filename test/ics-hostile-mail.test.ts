import fc from 'fast-check';
import ICAL from 'ical.js';
import request from 'supertest';
import { UserModel } from '../src/models/user.model';
import { registerUser, uniqueEmail } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
const NOW = '2026-11-23T08:00:00.000Z';
const EVENT_PROPERTIES = new Set([
  'uid',
  'summary',
  'dtstamp',
  'dtstart',
  'dtend',
  'sequence',
  'description',
  'url',
  'location',
  'status',
  'organizer',
  'attendee',
]);
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Free 60-minute slots of BERLIN_WEEKDAYS (09:00–17:00 Berlin), two hours apart, from Tuesday on. */
function* slots() {
  for (let day = 1; day < 28; day += 1) {
    const date = new Date(Date.parse(NOW) + day * 86_400_000);
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    for (let i = 0; i < 4; i += 1) yield new Date(date.getTime() + i * 120 * 60_000).toISOString();
  }
}

const pieces = fc.constantFrom(
  '\r\n',
  '\r',
  '\n',
  '\u2028',
  '\u0000',
  '\u0007',
  '\t',
  '"',
  ';',
  ':',
  ',',
  '\\',
  '^',
  "^'",
  '^n',
  'LOCATION:https://evil.test/x',
  'END:VEVENT',
  'BEGIN:VALARM',
  'ATTENDEE;CN=x:mailto:evil@test',
  'Ünïcødé ✓',
  ' ',
);
const hostileText = fc
  .tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.array(fc.oneof(pieces, fc.string()), { maxLength: 8 }))
  .map(([head, rest]) => `${head.replace(/\s/g, 'x') || 'x'}${rest.join('')}z`);

const calendarOf = (mail: { attachments: Array<{ contentType: string; content: Buffer }> }) =>
  mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString();

describe('hostile names and topics in booking invitations', () => {
  // One customer books once per generated case: the per-customer hourly limit is not what this tests.
  const s = useStack({ now: NOW, env: { BOOKING_RATE_PER_HOUR: '100000' } });

  it('when names (stored before validation existed) and topics carry line breaks, quotes and properties, then every invitation parses with one event and nothing injected', async () => {
    const specialist = await readySpecialist(s.app, { name: 'Sam' });
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo' });
    const free = slots();
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, hostileText, async (specialistName, customerName, topic) => {
        await UserModel.updateOne({ _id: specialist.user.id }, { $set: { name: specialistName } });
        await UserModel.updateOne({ _id: customer.user.id }, { $set: { name: customerName } });
        const before = s.smtp.received.length;
        const res = await book(s.app, customer.token, {
          specialistId: specialist.user.id,
          start: free.next().value!,
          topic,
        });
        if (res.status === 400) {
          // Refused at the door is safe too, as long as it names the field.
          expect(res.body.error.details).toEqual([expect.objectContaining({ path: ['topic'] })]);
          return;
        }
        expect(`${res.status} ${JSON.stringify(res.body.error ?? {})}`).toBe('201 {}');
        await drainJobs(s.container);
        const mails = s.smtp.received.slice(before);
        expect(mails).toHaveLength(2);
        const storedTopic = res.body.topic as string;
        for (const mail of mails) {
          const ics = calendarOf(mail);
          expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no lone CR or LF
          const calendar = new ICAL.Component(ICAL.parse(ics));
          const events = calendar.getAllSubcomponents();
          expect(events.map((e) => e.name)).toEqual(['vevent']);
          const event = events[0]!;
          expect(event.getAllSubcomponents()).toEqual([]);
          for (const property of event.getAllProperties()) expect(EVENT_PROPERTIES).toContain(property.name);
          expect(event.getAllProperties('location')).toHaveLength(1);
          expect(event.getFirstPropertyValue('summary')).toBe(
            storedTopic.replace(LINE_BREAKS, '\n').replace(CONTROLS, (c) => (c === '\n' ? c : '')),
          );
          const names = event.getAllProperties('attendee').map((a) => a.getParameter('cn'));
          // What any parser reads: no backslash (parsers disagree on them), `"` as `'`, breaks as spaces, no controls.
          const asParameter = (name: string) =>
            name.replace(/\\/g, '').replace(/"/g, "'").replace(LINE_BREAKS, ' ').replace(CONTROLS, '');
          expect(names).toEqual([asParameter(customerName), asParameter(specialistName)]);
        }
      }),
      {
        numRuns: Number(process.env.HOSTILE_RUNS ?? 12),
        seed: process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : undefined,
      },
    );
  }, 180_000); // one booking per run: slow when the machine is busy
});

describe('names refuse control characters', () => {
  const s = useStack({ now: NOW });

  it('when a sign-up name carries CR/LF, then 400 naming the field and no account', async () => {
    const email = uniqueEmail();
    const res = await request(s.app).post('/api/auth/register').send({
      role: 'specialist',
      name: 'Cleo\r\nLOCATION:https://evil.test',
      email,
      password: 'long enough',
      timezone: 'UTC',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ in: 'body', path: ['name'], message: expect.stringContaining('control characters') }],
    });
    expect(await UserModel.exists({ email })).toBeNull();
  });

  it('when the profile name is changed to one with a control character, then 400 naming the field and the name is kept', async () => {
    const user = await registerUser(s.app, 'customer', { name: 'Cleo' });
    for (const name of ['Cleo\u0007', 'Cl\teo', 'Cleo\u2028Bell', 'Cl\u0085eo']) {
      const res = await request(s.app).patch('/api/me').set('Authorization', `Bearer ${user.token}`).send({ name });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ in: 'body', path: ['name'] })]);
    }
    const ok = await request(s.app)
      .patch('/api/me')
      .set('Authorization', `Bearer ${user.token}`)
      .send({ name: '  Cléo “C” O’Brien  ', timezone: 'Asia/Calcutta' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'Cléo “C” O’Brien', timezone: 'Asia/Kolkata' });
    expect((await UserModel.findById(user.user.id).lean())!.name).toBe('Cléo “C” O’Brien');
  });
});

describe('topics, notes, headlines and calendar labels refuse control characters', () => {
  const s = useStack({ now: NOW, env: { CALENDAR_FEED_ALLOW_PRIVATE: 'true' } });
  const refusedNaming = (res: request.Response, field: string) => {
    expect(`${res.status} ${res.body.error?.code}`).toBe('400 VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ in: 'body', path: [field], message: expect.stringContaining('control characters') }),
    ]);
  };

  it('when a booking topic or a note carries a control character, then 400 naming the field and nothing is booked; a note keeps its line breaks', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer');
    const start = '2026-11-24T09:00:00Z';
    for (const topic of ['Hi\r\nLOCATION:https://evil.test', 'Tab\there', 'Bell\u0007', 'Line\u2028sep', 'C1\u0085'])
      refusedNaming(await book(s.app, customer.token, { specialistId: specialist.user.id, start, topic }), 'topic');
    for (const notes of ['bell\u0007', 'nul\u0000', 'esc\u001b[31m', 'sep\u2029arator'])
      refusedNaming(await book(s.app, customer.token, { specialistId: specialist.user.id, start, notes }), 'notes');
    const listed = await request(s.app).get('/api/bookings').set('Authorization', `Bearer ${customer.token}`);
    expect(listed.body.items ?? listed.body).toHaveLength(0);

    const ok = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start,
      topic: 'CV review “final”',
      notes: 'Line one\r\nLine two\n\tindented',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ topic: 'CV review “final”', notes: 'Line one\r\nLine two\n\tindented' });
  });

  it('when a headline or a calendar label carries a control character, then 400 naming the field and the profile is kept', async () => {
    const specialist = await readySpecialist(s.app);
    const auth = { Authorization: `Bearer ${specialist.token}` };
    const before = (await request(s.app).get('/api/specialists/me/availability').set(auth)).body;
    const put = await request(s.app)
      .put('/api/specialists/me/availability')
      .set(auth)
      .send({ ...before, headline: 'Mentor\r\nX-INJECT:1' });
    refusedNaming(put, 'headline');
    expect((await request(s.app).get('/api/specialists/me/availability').set(auth)).body.headline).toBe(
      before.headline,
    );
    const feed = await request(s.app)
      .post('/api/specialists/me/calendars')
      .set(auth)
      .send({ url: 'https://calendar.example/feed.ics', label: 'Home\nwork' });
    refusedNaming(feed, 'label');
  });
});
