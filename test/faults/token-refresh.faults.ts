import { ObjectId } from 'mongodb';
import { sleep, startServer, stopServers, within, type ServerProcess } from './support/processes';
import { call, freeSlots, readySpecialist, register, startWorld, waitUntil, type World } from './support/world';

/**
 * Zoom's token endpoint answers after our ZOOM_HTTP_TIMEOUT_MS (the sandbox finishes the work after the caller gave
 * up, as a slow Zoom does): the rotated refresh token must never be lost to our time-out, a SIGTERM or MongoDB. Only
 * a SIGKILL between Zoom's answer and our store may lose it, and that ends as needs_reauth `lost_response`, said
 * plainly to the specialist. Access tokens live 20 s here (refreshed 5 s before), so refreshes come quickly.
 */
describe('a slow token endpoint', () => {
  let world: World;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    world = await startWorld({ sandbox: { accessTokenTtlSeconds: 20 } });
  });
  afterEach(() => {
    world.sandbox.clearFaults();
    world.mongoProxy.restore();
  });
  afterAll(async () => {
    await stopServers(servers);
    await world.close();
  });

  const env = () =>
    world.env({ ZOOM_HTTP_TIMEOUT_MS: '300', ZOOM_TOKEN_REFRESH_MARGIN_SECONDS: '5', SHUTDOWN_GRACE_MS: '10000' });
  const start = async () => {
    const server = await startServer(env());
    servers.push(server);
    return server;
  };
  const grantOf = (specialistId: string) =>
    world.db.collection('useroauthtokens').findOne({ userId: new ObjectId(specialistId) });
  const invalidGrants = (specialistId: string) =>
    world.db
      .collection('refreshevents')
      .countDocuments({ specialistId: new ObjectId(specialistId), outcome: 'invalid_grant' });
  const meetingOf = async (bookingId: string) =>
    (await world.db.collection('bookings').findOne({ _id: new ObjectId(bookingId) }))?.meeting?.status;
  const slowTokens = (delayMs: number) =>
    world.sandbox.inject({ route: 'POST /oauth/token', delayMs, times: Infinity });

  it('when the token endpoint answers after our time-out and a SIGTERM comes during a refresh, then every rotated token is stored and the grant keeps working', async () => {
    let server = await start();
    const specialist = await readySpecialist(server.url, 'Tia');
    const customer = await register(server.url, 'customer', 'Cleo');
    const slots = await freeSlots(server.url, specialist.id);
    const book = (base: string, slot: string) =>
      call(base, 'POST', '/api/bookings', {
        token: customer.token,
        body: { specialistId: specialist.id, start: slot },
      });

    // 1. The access token has expired; the refresh is answered 1.2 s late against a 300 ms time-out: the booking stops
    // waiting (its meeting is retried), the refresh does not.
    await sleep(21_000);
    slowTokens(1200);
    const version0 = (await grantOf(specialist.id))!.version as number;
    const first = await book(server.url, slots[0]!);
    expect(first.status).toBe(201);
    const createdAt = Date.now();
    await waitUntil(
      'the first booking’s meeting is created',
      async () => (await meetingOf(first.body.id)) === 'created',
      60_000,
      250,
    );
    const grant1 = await waitUntil(
      'the rotated token is stored',
      async () => {
        const g = await grantOf(specialist.id);
        return g?.version === version0 + 1 ? g : undefined;
      },
      30_000,
      100,
    );
    expect(grant1).toMatchObject({ needsReauth: false, refreshInFlightAt: null });
    process.stdout.write(
      `[faults] token endpoint 1.2 s late, time-out 300 ms: meeting created ${Math.round((Date.now() - createdAt) / 100) / 10} s after the booking (first answer: ${first.body.meeting.status})\n`,
    );

    // 2. SIGTERM while a refresh (answered after 4 s) is in flight: shutdown waits for the answer and stores it.
    await sleep(16_000);
    world.sandbox.clearFaults();
    slowTokens(4000);
    const second = book(server.url, slots[1]!).catch(() => undefined);
    await waitUntil(
      'a token refresh is in flight',
      async () => Boolean((await grantOf(specialist.id))?.refreshInFlightAt),
      30_000,
      50,
    );
    const termAt = Date.now();
    server.kill('SIGTERM');
    const exit = await within('the server exits after SIGTERM', 60_000, server.exited);
    await second;
    const grant2 = await grantOf(specialist.id);
    process.stdout.write(
      `[faults] SIGTERM during a 4 s token request: exited ${exit.code} after ${Math.round((exit.at - termAt) / 100) / 10} s, rotated token stored: ${grant2!.version === version0 + 2}\n`,
    );
    expect(exit.code).toBe(0);
    expect(server.output()).toContain('Waiting for Zoom token requests in flight');
    expect(grant2).toMatchObject({ needsReauth: false, refreshInFlightAt: null, version: version0 + 2 });

    // 3. After a restart with Zoom quick again, the stored chain works: both meetings exist, no invalid_grant.
    world.sandbox.clearFaults();
    server = await start();
    const bookingIds = (
      await world.db
        .collection('bookings')
        .find({ specialistId: new ObjectId(specialist.id) })
        .toArray()
    ).map((b) => b._id.toString());
    await waitUntil(
      'every booking’s meeting is created after the restart',
      async () => (await Promise.all(bookingIds.map(meetingOf))).every((s) => s === 'created'),
      120_000,
      500,
    );
    await sleep(16_000);
    const third = await book(server.url, slots[2]!);
    expect(third.body.meeting.status).toBe('created');
    expect(await invalidGrants(specialist.id)).toBe(0);
    expect(await grantOf(specialist.id)).toMatchObject({ needsReauth: false });
  });

  it('when the process is SIGKILLed between Zoom’s answer and our store, then the grant ends needs_reauth lost_response with one plain mail', async () => {
    let server = await start();
    const specialist = await readySpecialist(server.url, 'Lou');
    const customer = await register(server.url, 'customer', 'Cleo');
    const [slot] = await freeSlots(server.url, specialist.id);
    await sleep(16_000);
    slowTokens(1500);
    void call(server.url, 'POST', '/api/bookings', {
      token: customer.token,
      body: { specialistId: specialist.id, start: slot! },
    }).catch(() => undefined);
    await waitUntil(
      'a token refresh is in flight',
      async () => Boolean((await grantOf(specialist.id))?.refreshInFlightAt),
      30_000,
      50,
    );
    // MongoDB goes away before Zoom answers: the rotated tokens cannot be stored; then the process dies.
    world.mongoProxy.cut();
    await sleep(4000);
    server.kill('SIGKILL');
    await within('the killed server exits', 30_000, server.exited);
    world.mongoProxy.restore();
    world.sandbox.clearFaults();

    server = await start();
    const restartedAt = Date.now();
    const dead = await waitUntil(
      'the grant is marked needs_reauth (after the dead holder’s lease lapses)',
      async () => {
        const g = await grantOf(specialist.id);
        return g?.needsReauth ? g : undefined;
      },
      180_000,
      500,
    );
    const deadAfterS = Math.round((Date.now() - restartedAt) / 1000);
    expect(dead).toMatchObject({ reauthReason: 'lost_response', refreshInFlightAt: null });
    await waitUntil(
      'the reconnect mail arrives',
      async () => world.smtp.to(specialist.email).some((m) => /reconnect/i.test(m.subject ?? '')),
      60_000,
      250,
    );
    await sleep(5000);
    const mails = world.smtp.to(specialist.email).filter((m) => /reconnect/i.test(m.subject ?? ''));
    expect(mails.map((m) => m.subject)).toEqual(['Please reconnect Zoom: we lost the connection']);
    expect(mails[0]!.text).toContain('not anything you did');
    expect(await invalidGrants(specialist.id)).toBe(1);
    const status = await call(server.url, 'GET', '/api/zoom/status', { token: specialist.token });
    expect(status.body.state).toBe('needs_reauth');
    process.stdout.write(
      `[faults] SIGKILL between Zoom’s answer and the store: needs_reauth lost_response ${deadAfterS} s after the restart, one plain mail\n`,
    );
  });
});
