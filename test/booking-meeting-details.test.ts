import { registerUser } from './support/app';
import { BERLIN_WEEKDAYS, book, readySpecialist } from './support/booking';
import { useStack } from './support/stack';

// Monday 2026-11-23 08:00 UTC.
const NOW = '2026-11-23T08:00:00.000Z';

describe('what the Zoom meeting of a booking is called and where it is scheduled', () => {
  const s = useStack({ now: NOW });

  it('when the customer gives no topic, then the meeting is "Session with <customer>" in the specialist’s availability zone with the notes as agenda', async () => {
    // The specialist's account says Berlin; the availability they publish is in Tokyo, and that zone wins.
    const specialist = await readySpecialist(s.app, { availability: { ...BERLIN_WEEKDAYS, timezone: 'Asia/Tokyo' } });
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo Customer', timezone: 'America/New_York' });
    const res = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T00:00:00Z', // Tuesday 09:00 in Tokyo
      notes: 'Please look at my CV first',
    });
    expect(res.status).toBe(201);
    expect(res.body.topic).toBeNull();

    const meeting = s.sandbox.meetings().find((m) => String(m.id) === res.body.meeting.zoomMeetingId);
    expect(meeting).toMatchObject({
      topic: 'Session with Cleo Customer',
      agenda: `[ref:${res.body.id}]\nPlease look at my CV first`,
      timezone: 'Asia/Tokyo',
      start_time: '2026-11-24T00:00:00Z',
    });
  });

  it('when the customer gives a topic, then the meeting carries it and the agenda only the booking reference', async () => {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo Customer' });
    const res = await book(s.app, customer.token, {
      specialistId: specialist.user.id,
      start: '2026-11-24T08:00:00Z',
      topic: 'Salary negotiation',
    });
    expect(res.status).toBe(201);
    const meeting = s.sandbox.meetings().find((m) => String(m.id) === res.body.meeting.zoomMeetingId);
    expect(meeting).toMatchObject({
      topic: 'Salary negotiation',
      agenda: `[ref:${res.body.id}]`,
      timezone: 'Europe/Berlin',
    });
  });
});
