import { ObjectId } from 'mongodb';
import { startServer, stopServers, within, type ServerProcess } from './support/processes';
import { call, freeSlots, readySpecialist, register, startWorld, waitUntil, type World } from './support/world';

const CREATE = 'POST /v2/users/:userId/meetings';

/**
 * Zoom makes the meeting, but the process that asked dies before it can save the answer, and the booking has been
 * cancelled meanwhile: after a restart on the same database, no meeting of that booking may stay live at Zoom.
 */
describe('a meeting Zoom made for a booking cancelled while the process that asked for it died', () => {
  let world: World;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await stopServers(servers);
    await world.close();
  });

  const meetingsOf = (bookingId: string) =>
    world.sandbox.meetings().filter((m) => `${m.agenda ?? ''} ${m.topic}`.includes(`[ref:${bookingId}]`));

  /** The booking a request is creating, read from the database while its request waits for Zoom. */
  async function bookingInFlight(customerId: string): Promise<string> {
    const doc = await waitUntil(
      'the booking is stored while Zoom is still creating its meeting',
      () => world.db.collection('bookings').findOne({ customerId: new ObjectId(customerId) }),
      30_000,
      50,
    );
    return doc!._id.toString();
  }

  it('when the server is SIGKILLed between Zoom’s create and our save, with the booking cancelled, then after the restart no live meeting remains', async () => {
    const env = world.env();
    let server = await startServer(env);
    servers.push(server);
    const specialist = await readySpecialist(server.url, 'Ada');
    const customer = await register(server.url, 'customer', 'Cleo');
    const [start] = await freeSlots(server.url, specialist.id);

    // Zoom answers the create after 8 s (within ZOOM_HTTP_TIMEOUT_MS, so the server is still waiting when it dies).
    world.sandbox.inject({ route: CREATE, delayMs: 8_000 });
    const booking = call(server.url, 'POST', '/api/bookings', {
      token: customer.token,
      body: { specialistId: specialist.id, start },
    }).catch(() => undefined); // the connection dies with the process
    const bookingId = await bookingInFlight(customer.id);
    const cancel = await call(server.url, 'POST', `/api/bookings/${bookingId}/cancel`, { token: customer.token });
    expect(cancel.body.status).toBe('cancelled');

    // The server leads its own process group (no wrapper process): the SIGKILL reaches the server itself.
    server.kill('SIGKILL');
    await within('the killed server exits', 30_000, server.exited);
    await within('the booking request dies with the server', 30_000, booking);
    await waitUntil('Zoom has made the meeting nobody saved', async () => meetingsOf(bookingId).length === 1, 30_000);
    const stored = await world.db.collection('bookings').findOne({ _id: new ObjectId(bookingId) });
    expect(stored).toMatchObject({ status: 'cancelled', zoomMeetingId: null });

    const restartedAt = Date.now();
    server = await startServer(env);
    servers.push(server);
    await waitUntil('the meeting is deleted at Zoom', async () => meetingsOf(bookingId).length === 0, 240_000);
    const removedAfterMs = Date.now() - restartedAt;
    // The booking records the removal once the create has settled (two minutes after its claim): a removal looks for
    // stragglers until then. Wait for it, bounded.
    const after = await waitUntil(
      'the booking records its meeting as deleted',
      async () => {
        const doc = await world.db.collection('bookings').findOne({ _id: new ObjectId(bookingId) });
        return doc?.meeting?.zoomDeleted === true ? doc : undefined;
      },
      240_000,
    );
    expect(after).toMatchObject({ status: 'cancelled', meeting: { zoomDeleted: true } });
    const recordedAfterMs = Date.now() - restartedAt;
    // Nothing else of the booking is left at Zoom, and no confirmation went out for it.
    expect(world.sandbox.meetings().filter((m) => m.host_email === specialist.zoomEmail)).toHaveLength(0);
    expect(world.smtp.received.filter((m) => /confirmed/i.test(m.subject ?? ''))).toHaveLength(0);
    process.stdout.write(
      `[faults] meeting of the cancelled booking deleted at Zoom ${Math.round(removedAfterMs / 1000)} s after the ` +
        `restart, recorded on the booking after ${Math.round(recordedAfterMs / 1000)} s\n`,
    );
  });
});
