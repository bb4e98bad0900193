import request from 'supertest';
import { BookingModel } from '../src/models/booking.model';
import { JobModel } from '../src/models/job.model';
import { RefreshEventModel } from '../src/models/refresh-event.model';
import { registerUser } from './support/app';
import { book, readySpecialist } from './support/booking';
import { DAY, grantOf } from './support/grant-health';
import { useStack } from './support/stack';

describe('keep-alive sweep racing bookings', () => {
  const stack = useStack({ now: '2026-03-02T06:00:00.000Z', env: { ZOOM_KEEPALIVE_AFTER_HOURS: '168' } });
  const { clock } = stack;

  it('when the sweep and 20 concurrent bookings hit the same expired grant, then Zoom’s token endpoint is called exactly once', async () => {
    const specialist = await readySpecialist(stack.app);
    clock.advance(8 * DAY); // idle for the keep-alive, and its access token long expired
    const customer = await registerUser(stack.app, 'customer');
    const from = clock.now().toISOString().slice(0, 10);
    const slots = await request(stack.app).get(
      `/api/specialists/${specialist.user.id}/slots?from=${from}&to=2026-03-20`,
    );
    // Free slots that stay free next to each other (a booking blocks its hour plus the 15-minute buffer).
    const starts: string[] = [];
    for (const { start } of slots.body.slots as Array<{ start: string }>) {
      const last = starts.at(-1);
      if (starts.length < 20 && (!last || Date.parse(start) - Date.parse(last) >= 75 * 60_000)) starts.push(start);
    }
    expect(starts).toHaveLength(20);
    const before = await grantOf(specialist.user.id);
    stack.sandbox.resetCalls();

    const { keepalive } = stack.container.services.grantHealth;
    expect((await keepalive.sweep()).queued).toBe(1);
    // A slow token endpoint keeps whoever won the lease busy while everyone else arrives.
    stack.sandbox.inject({ route: 'POST /oauth/token', delayMs: 500 });
    const [, ...responses] = await Promise.all([
      stack.container.services.jobs.runDue(),
      ...starts.map((start) => book(stack.app, customer.token, { specialistId: specialist.user.id, start })),
    ]);

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(stack.sandbox.calls('POST /oauth/token')).toBe(1);
    expect(await RefreshEventModel.countDocuments({ specialistId: specialist.user.id })).toBe(1);
    expect((await grantOf(specialist.user.id))!).toMatchObject({
      version: before!.version + 1,
      needsReauth: false,
      refreshErrorCount: 0,
    });
    // The keep-alive job ran (and finished) and every booking got its meeting with the one new token.
    expect(await JobModel.countDocuments({ name: 'zoom-keepalive-grant' })).toBe(0);
    expect(stack.sandbox.calls('POST /v2/users/:userId/meetings')).toBe(20);
    const bookings = await BookingModel.find({ specialistId: specialist.user.id }).lean();
    expect(bookings.map((b) => b.meeting.status)).toEqual(Array(20).fill('created'));
  });
});
