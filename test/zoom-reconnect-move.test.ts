import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { StrayMeetingModel } from '../src/models/stray-meeting.model';
import { registerUser, uniqueEmail } from './support/app';
import { book, drainJobs, readySpecialist } from './support/booking';
import { useStack } from './support/stack';
import { authorizeAtZoom, zoomCallback } from './support/zoom';

// Monday 2026-11-23 08:00 UTC.
const NOW = '2026-11-23T08:00:00.000Z';
const icsOf = (mail: { attachments: Array<{ contentType: string; content: Buffer }> }) =>
  mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString();

describe('reconnecting Zoom (deliverable: a new Zoom account moves the meetings)', () => {
  const s = useStack({ now: NOW });

  /** The browser path: connect → Zoom's consent (as `zoomEmail`) → our callback; returns where it redirects. */
  async function reconnect(token: string, zoomEmail: string) {
    const { redirect, cookie } = await authorizeAtZoom(s.app, token, zoomEmail);
    const callback = await zoomCallback(s.app, redirect.search, cookie);
    expect(callback.status).toBe(302);
    return new URL(callback.headers.location as string);
  }
  async function withBookings(starts: string[]) {
    const specialist = await readySpecialist(s.app);
    const customer = await registerUser(s.app, 'customer', { name: 'Cleo', timezone: 'America/New_York' });
    const ids: string[] = [];
    for (const start of starts) {
      const res = await book(s.app, customer.token, { specialistId: specialist.user.id, start });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    await drainJobs(s.container);
    return { specialist, customer, ids };
  }
  const hostOf = (email: string) => s.sandbox.users().find((u) => u.email === email)!.id;
  const meetingsOf = (hostEmail: string) => s.sandbox.meetings().filter((m) => m.host_id === hostOf(hostEmail));
  const renewals = (email: string) => s.smtp.to(email).filter((m) => /^New Zoom link/.test(m.subject ?? ''));

  it('when the specialist reconnects with another Zoom account, then the meetings move there, both parties are told once and the old grant is revoked after', async () => {
    const { specialist, customer, ids } = await withBookings(['2026-11-25T09:00:00Z', '2026-11-26T09:00:00Z']);
    const before = await BookingModel.find({ _id: { $in: ids } }).lean();
    expect(meetingsOf(specialist.zoomEmail)).toHaveLength(2);
    const revokesBefore = s.sandbox.calls('POST /oauth/revoke');

    const newEmail = uniqueEmail('newzoom');
    const landed = await reconnect(specialist.token, newEmail);
    expect(Object.fromEntries(landed.searchParams)).toEqual({ zoom: 'connected', moved: '2' });
    await drainJobs(s.container);

    expect(meetingsOf(specialist.zoomEmail)).toEqual([]);
    const moved = meetingsOf(newEmail);
    expect(moved).toHaveLength(2);
    const after = await BookingModel.find({ _id: { $in: ids } })
      .sort({ start: 1 })
      .lean();
    for (const [i, booking] of after.entries()) {
      const meeting = moved.find((m) => String(m.id) === booking.zoomMeetingId)!;
      expect(meeting.start_time).toBe(booking.start.toISOString().replace('.000', ''));
      expect(booking).toMatchObject({
        zoomJoinUrl: meeting.join_url,
        sequence: before[i]!.sequence + 1,
        meeting: { lastRepair: { cause: 'reconnect_moved' } },
      });
    }
    // Told once each, with the new link and the same calendar entry one version on.
    const [first, second, ...more] = renewals(customer.user.email);
    expect(more).toEqual([]);
    expect(renewals(specialist.user.email)).toHaveLength(2);
    for (const mail of [first!, second!]) {
      expect(moved.some((m) => mail.text!.includes(m.join_url))).toBe(true);
      expect(icsOf(mail)).toContain('SEQUENCE:1');
      expect(mail.text).toContain("moved to the specialist's new Zoom account");
    }
    expect(s.sandbox.calls('POST /oauth/revoke')).toBe(revokesBefore + 1);
    const status = await request(s.app).get('/api/zoom/status').set('Authorization', `Bearer ${specialist.token}`);
    expect(status.body).toMatchObject({
      connected: true,
      zoomEmail: newEmail,
      accountChange: { previousZoomEmail: specialist.zoomEmail, moved: 2, orphaned: 0, finished: true },
    });
    // Later changes reach the new account.
    const cancel = await request(s.app)
      .post(`/api/bookings/${ids[0]}/cancel`)
      .set('Authorization', `Bearer ${customer.token}`);
    expect(cancel.status).toBe(200);
    await drainJobs(s.container);
    expect(meetingsOf(newEmail)).toHaveLength(1);
  });

  it('when the specialist reconnects the same Zoom user, then the meetings stay as they are', async () => {
    const { specialist, customer, ids } = await withBookings(['2026-11-25T11:00:00Z']);
    const before = await BookingModel.findById(ids[0]).lean();
    const landed = await reconnect(specialist.token, specialist.zoomEmail);
    expect(Object.fromEntries(landed.searchParams)).toEqual({ zoom: 'connected' });
    await drainJobs(s.container);
    expect(await BookingModel.findById(ids[0]).lean()).toMatchObject({
      zoomMeetingId: before!.zoomMeetingId,
      sequence: before!.sequence,
    });
    expect(meetingsOf(specialist.zoomEmail)).toHaveLength(1);
    expect(renewals(customer.user.email)).toEqual([]);
  });

  it('when the old grant is already dead, then the meetings still move and those left behind are listed as orphaned', async () => {
    const { specialist, ids } = await withBookings(['2026-11-25T13:00:00Z']);
    const old = await BookingModel.findById(ids[0]).lean();
    // The specialist removed our app from the old Zoom account (and we never heard of it).
    s.sandbox.revokeUserGrants(hostOf(specialist.zoomEmail));

    const landed = await reconnect(specialist.token, uniqueEmail('third'));
    expect(landed.searchParams.get('moved')).toBe('1');
    await drainJobs(s.container);

    expect(meetingsOf(specialist.zoomEmail).map((m) => String(m.id))).toEqual([old!.zoomMeetingId]);
    expect(await StrayMeetingModel.findOne({ zoomMeetingId: old!.zoomMeetingId }).lean()).toMatchObject({
      state: 'orphaned',
      bookingId: old!._id,
    });
    const status = await request(s.app).get('/api/zoom/status').set('Authorization', `Bearer ${specialist.token}`);
    expect(status.body.accountChange).toMatchObject({ moved: 1, orphaned: 1, finished: true });
  });

  it('when Zoom fails while the callback moves the meetings, then the durable job finishes the move and revokes only after', async () => {
    const { specialist, ids } = await withBookings(['2026-11-25T15:00:00Z']);
    const old = await BookingModel.findById(ids[0]).lean();
    const revokes = s.sandbox.calls('POST /oauth/revoke');
    s.sandbox.inject({ route: 'POST /v2/users/:userId/meetings', status: 503, times: 20 });

    const newEmail = uniqueEmail('flaky');
    const landed = await reconnect(specialist.token, newEmail);
    expect(landed.searchParams.get('moved')).toBe('0');
    expect(meetingsOf(specialist.zoomEmail).map((m) => String(m.id))).toEqual([old!.zoomMeetingId]);
    expect(s.sandbox.calls('POST /oauth/revoke')).toBe(revokes);

    s.sandbox.clearFaults();
    s.clock.advance(60_000);
    await drainJobs(s.container);
    expect(meetingsOf(specialist.zoomEmail)).toEqual([]);
    expect(meetingsOf(newEmail)).toHaveLength(1);
    expect((await BookingModel.findById(ids[0]).lean())!.zoomMeetingId).toBe(String(meetingsOf(newEmail)[0]!.id));
    expect(s.sandbox.calls('POST /oauth/revoke')).toBe(revokes + 1);
    const status = await request(s.app).get('/api/zoom/status').set('Authorization', `Bearer ${specialist.token}`);
    expect(status.body.accountChange).toMatchObject({ moved: 1, orphaned: 0, finished: true });
  });
});
