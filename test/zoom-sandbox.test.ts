import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startZoomSandbox, type ZoomSandbox, type ZoomSandboxOptions } from '../src/zoom-sandbox/zoom-sandbox';

const START = Date.UTC(2030, 0, 15, 12, 0, 0);
const REDIRECT_URI = 'http://localhost:3000/zoom/callback';
const USER_APP = { id: 'sandbox-client-id', secret: 'sandbox-client-secret' };
const S2S_APP = { account: 'sandbox-account-id', id: 'sandbox-s2s-client-id', secret: 'sandbox-s2s-client-secret' };
const INVALID_TOKEN = { code: 124, message: 'Invalid access token.' };

let now = START;
const clock = { now: () => now };
let sandbox: ZoomSandbox;

async function start(options: ZoomSandboxOptions = {}) {
  await sandbox?.close();
  sandbox = await startZoomSandbox({ clock, ...options });
}

beforeEach(async () => {
  now = START;
  await start();
});
afterEach(() => sandbox.close());

const http = () => request(sandbox.url);
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const userBasic = () => basic(USER_APP.id, USER_APP.secret);
const s2sBasic = () => basic(S2S_APP.id, S2S_APP.secret);
const bearer = (token: string) => `Bearer ${token}`;

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeQuery(extra: Record<string, string> = {}) {
  return { response_type: 'code', client_id: USER_APP.id, redirect_uri: REDIRECT_URI, state: 'st-123', ...extra };
}

/** Runs /oauth/authorize with auto_approve and returns the code from the redirect. */
async function authorize(extra: Record<string, string> = {}) {
  const res = await http()
    .get('/oauth/authorize')
    .query(authorizeQuery({ auto_approve: 'true', ...extra }));
  expect(res.status).toBe(302);
  const location = new URL(res.headers.location as string);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  expect(location.searchParams.get('state')).toBe('st-123');
  return location.searchParams.get('code') as string;
}

function tokenRequest(params: Record<string, string>, auth = userBasic()) {
  return http().post('/oauth/token').set('Authorization', auth).type('form').send(params);
}

function exchange(code: string, verifier?: string, redirectUri = REDIRECT_URI) {
  return tokenRequest({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    ...(verifier ? { code_verifier: verifier } : {}),
  });
}

async function userTokens(email = 'specialist@example.com') {
  const { verifier, challenge } = pkce();
  const code = await authorize({ code_challenge: challenge, code_challenge_method: 'S256', login_hint: email });
  const res = await exchange(code, verifier);
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string; expires_in: number };
}

async function s2sToken() {
  const res = await tokenRequest({ grant_type: 'account_credentials', account_id: S2S_APP.account }, s2sBasic());
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

const meetingInput = {
  topic: 'Consultation with Dr. Who',
  type: 2,
  start_time: '2030-02-01T09:30:00Z',
  duration: 45,
  timezone: 'Europe/Paris',
  agenda: 'Follow-up',
  settings: { join_before_host: false, waiting_room: true },
};

function createMeeting(token: string, body: unknown = meetingInput, userId = 'me') {
  return http()
    .post(`/v2/users/${userId}/meetings`)
    .set('Authorization', bearer(token))
    .send(body as object);
}

describe('OAuth authorization code flow', () => {
  it('shows a consent page, and Approve redirects with a code bound to the chosen Zoom user', async () => {
    const { verifier, challenge } = pkce();
    const page = await http()
      .get('/oauth/authorize')
      .query(
        authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256', login_hint: 'doc@example.com' }),
      );
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('action="/oauth/authorize/decision"');
    expect(page.text).toContain('value="doc@example.com"');
    expect(page.text).toMatch(/value="approve">Approve</);
    expect(page.text).toMatch(/value="deny"[^>]*>Deny</);
    const requestId = /name="request_id" value="([^"]+)"/.exec(page.text)?.[1] as string;

    const decision = await http()
      .post('/oauth/authorize/decision')
      .type('form')
      .send({ request_id: requestId, email: 'chosen@example.com', decision: 'approve' });
    expect(decision.status).toBe(302);
    const location = new URL(decision.headers.location as string);
    expect(location.searchParams.get('state')).toBe('st-123');
    const code = location.searchParams.get('code') as string;
    expect(code.length).toBeGreaterThan(20);

    const tokens = await exchange(code, verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      refresh_token: expect.any(String),
      expires_in: 3599,
      scope: 'meeting:write:meeting meeting:read:meeting meeting:update:meeting meeting:delete:meeting user:read:user',
      api_url: sandbox.url,
    });
    const me = await http().get('/v2/users/me').set('Authorization', bearer(tokens.body.access_token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      email: 'chosen@example.com',
      type: 1,
      verified: 1,
      status: 'active',
      role_name: 'Owner',
    });
    expect(sandbox.users().map((u) => u.email)).toContain('chosen@example.com');

    // The consent request is single use.
    const replay = await http()
      .post('/oauth/authorize/decision')
      .type('form')
      .send({ request_id: requestId, decision: 'approve' });
    expect(replay.status).toBe(400);
  });

  it('Deny redirects back with error=access_denied and the state', async () => {
    const page = await http().get('/oauth/authorize').query(authorizeQuery());
    expect(page.text).toContain('value="sandbox.user@example.com"');
    const requestId = /name="request_id" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const res = await http()
      .post('/oauth/authorize/decision')
      .type('form')
      .send({ request_id: requestId, decision: 'deny' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location as string);
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'access_denied', state: 'st-123' });
  });

  it('autoApprove option redirects immediately as the default user', async () => {
    await start({ autoApprove: true });
    const res = await http().get('/oauth/authorize').query(authorizeQuery());
    expect(res.status).toBe(302);
    const code = new URL(res.headers.location as string).searchParams.get('code') as string;
    const tokens = await exchange(code);
    const me = await http().get('/v2/users/me').set('Authorization', bearer(tokens.body.access_token));
    expect(me.body.email).toBe('sandbox.user@example.com');
  });

  it('refuses unknown clients, disallowed redirect URIs and plain PKCE without redirecting', async () => {
    await start({ userManagedApps: [{ clientId: 'app', clientSecret: 's', redirectUris: [REDIRECT_URI] }] });
    const unknownClient = await http()
      .get('/oauth/authorize')
      .query(authorizeQuery({ client_id: 'nope' }));
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.headers.location).toBeUndefined();

    const badRedirect = await http()
      .get('/oauth/authorize')
      .set('Accept', 'application/json')
      .query(authorizeQuery({ client_id: 'app', redirect_uri: 'https://evil.example/cb' }));
    expect(badRedirect.status).toBe(400);
    expect(badRedirect.headers.location).toBeUndefined();
    expect(badRedirect.body.error).toBe('invalid_request');

    const plain = await http()
      .get('/oauth/authorize')
      .set('Accept', 'application/json')
      .query(authorizeQuery({ client_id: 'app', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }));
    expect(plain.status).toBe(400);
    expect(plain.body.error).toBe('invalid_request');
    expect(plain.headers.location).toBeUndefined();
  });

  it('checks the PKCE verifier', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' });
    const missing = await exchange(code);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ reason: 'Invalid code_verifier', error: 'invalid_grant' });
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ reason: 'Invalid code_verifier', error: 'invalid_grant' });
    const right = await exchange(code, verifier);
    expect(right.status).toBe(200);
  });

  it('accepts a code once; a second use fails and revokes the tokens issued from it', async () => {
    const code = await authorize();
    const first = await exchange(code);
    expect(first.status).toBe(200);
    expect((await http().get('/v2/users/me').set('Authorization', bearer(first.body.access_token))).status).toBe(200);

    const second = await exchange(code);
    expect(second.status).toBe(400);
    expect(second.body).toEqual({ reason: `Invalid authorization code ${code}`, error: 'invalid_grant' });
    const me = await http().get('/v2/users/me').set('Authorization', bearer(first.body.access_token));
    expect(me.status).toBe(401);
    expect(me.body).toEqual(INVALID_TOKEN);
    const refresh = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(refresh.body).toEqual({ reason: 'Invalid Token!', error: 'invalid_grant' });
  });

  it('expires codes after authorizationCodeTtlSeconds by the clock', async () => {
    const code = await authorize();
    now += 301_000;
    const res = await exchange(code);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ reason: `Invalid authorization code ${code}`, error: 'invalid_grant' });
  });

  it('binds the code to its redirect_uri and client', async () => {
    const code = await authorize();
    expect((await exchange(code, undefined, 'http://localhost:3000/other')).status).toBe(400);
    await start({
      userManagedApps: [
        { clientId: 'a', clientSecret: 'sa' },
        { clientId: 'b', clientSecret: 'sb' },
      ],
    });
    const codeForA = await authorize({ client_id: 'a' });
    const res = await tokenRequest(
      { grant_type: 'authorization_code', code: codeForA, redirect_uri: REDIRECT_URI },
      basic('b', 'sb'),
    );
    expect(res.body).toEqual({ reason: `Invalid authorization code ${codeForA}`, error: 'invalid_grant' });
  });

  it('authenticates clients with HTTP Basic only', async () => {
    const code = await authorize();
    const wrongSecret = await tokenRequest(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      basic(USER_APP.id, 'x'),
    );
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
    const inBody = await http().post('/oauth/token').type('form').send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: USER_APP.id,
      client_secret: USER_APP.secret,
    });
    expect(inBody.status).toBe(401);
    expect((await tokenRequest({ grant_type: 'password' })).body).toEqual({
      reason: 'Unsupported grant type',
      error: 'unsupported_grant_type',
    });
  });
});

describe('OAuth tokens', () => {
  it('rotates refresh tokens: the new one works, the old one is invalid_grant', async () => {
    const first = await userTokens();
    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);

    const reused = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ reason: 'Invalid Token!', error: 'invalid_grant' });

    const again = await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token });
    expect(again.status).toBe(200);
    // The previous access token stays valid until it expires.
    expect((await http().get('/v2/users/me').set('Authorization', bearer(first.access_token))).status).toBe(200);
  });

  it('expires access tokens by the clock with 401 code 124', async () => {
    const { access_token } = await userTokens();
    now += 3599_000;
    expect((await http().get('/v2/users/me').set('Authorization', bearer(access_token))).status).toBe(200);
    now += 1_000;
    const res = await http().get('/v2/users/me').set('Authorization', bearer(access_token));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(124);
  });

  it('refuses tokens in the query string, missing and unknown tokens', async () => {
    const { access_token } = await userTokens();
    const inQuery = await http().get('/v2/users/me').query({ access_token });
    expect(inQuery.status).toBe(401);
    expect(inQuery.body).toEqual(INVALID_TOKEN);
    const both = await http().get('/v2/users/me').query({ access_token }).set('Authorization', bearer(access_token));
    expect(both.body).toEqual(INVALID_TOKEN);
    expect((await http().get('/v2/users/me')).body).toEqual(INVALID_TOKEN);
    expect((await http().get('/v2/users/me').set('Authorization', bearer('nope'))).status).toBe(401);
  });

  it('/oauth/revoke kills the whole grant', async () => {
    const tokens = await userTokens();
    const res = await http()
      .post('/oauth/revoke')
      .set('Authorization', userBasic())
      .type('form')
      .send({ token: tokens.access_token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success' });
    expect((await http().get('/v2/users/me').set('Authorization', bearer(tokens.access_token))).body).toEqual(
      INVALID_TOKEN,
    );
    const refresh = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refresh.body).toEqual({ reason: 'Invalid Token!', error: 'invalid_grant' });
  });

  it('revokeUserGrants() simulates the user removing the app', async () => {
    const tokens = await userTokens('leaver@example.com');
    const other = await userTokens('stayer@example.com');
    const user = sandbox.users().find((u) => u.email === 'leaver@example.com');
    sandbox.revokeUserGrants(user!.id);
    expect((await http().get('/v2/users/me').set('Authorization', bearer(tokens.access_token))).status).toBe(401);
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).body.error).toBe(
      'invalid_grant',
    );
    expect((await http().get('/v2/users/me').set('Authorization', bearer(other.access_token))).status).toBe(200);
  });

  it('issues account_credentials tokens (no refresh token) that act on any user', async () => {
    const res = await http()
      .post('/oauth/token')
      .query({ grant_type: 'account_credentials', account_id: S2S_APP.account })
      .set('Authorization', s2sBasic());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 3599,
      scope: expect.any(String),
      api_url: sandbox.url,
    });
    const token = res.body.access_token as string;
    const bad = await tokenRequest({ grant_type: 'account_credentials', account_id: 'other' }, s2sBasic());
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ reason: 'Invalid account_id', error: 'invalid_request' });

    const user = sandbox.ensureUser('someone@example.com');
    const list = await http().get('/v2/users').set('Authorization', bearer(token));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page_number: 1, page_size: 30, total_records: 1, next_page_token: '' });
    expect(list.body.users[0].id).toBe(user.id);
    const byEmail = await http().get('/v2/users/SOMEONE@example.com').set('Authorization', bearer(token));
    expect(byEmail.body.id).toBe(user.id);
    const created = await createMeeting(token, meetingInput, user.email);
    expect(created.status).toBe(201);
    expect(created.body.host_id).toBe(user.id);
    expect((await http().get(`/v2/meetings/${created.body.id}`).set('Authorization', bearer(token))).status).toBe(200);
    const me = await http().get('/v2/users/me').set('Authorization', bearer(token));
    expect(me.status).toBe(404);
    expect(me.body).toEqual({ code: 1001, message: 'User does not exist: me.' });
    const unknown = await http().get('/v2/users/ghost@example.com').set('Authorization', bearer(token));
    expect(unknown.body).toEqual({ code: 1001, message: 'User does not exist: ghost@example.com.' });
  });
});

describe('Meetings API', () => {
  it('creates, reads (fresh start_url), updates, lists and deletes meetings with Zoom shapes', async () => {
    const { access_token } = await userTokens();
    const created = await createMeeting(access_token);
    expect(created.status).toBe(201);
    const meeting = created.body;
    expect(meeting).toEqual({
      uuid: expect.any(String),
      id: expect.any(Number),
      host_id: expect.any(String),
      host_email: 'specialist@example.com',
      topic: meetingInput.topic,
      type: 2,
      status: 'waiting',
      start_time: '2030-02-01T09:30:00Z',
      duration: 45,
      timezone: 'Europe/Paris',
      agenda: 'Follow-up',
      created_at: '2030-01-15T12:00:00Z',
      start_url: expect.stringMatching(new RegExp(`^${sandbox.url}/s/${meeting.id}\\?zak=.{40,}`)),
      join_url: expect.stringMatching(new RegExp(`^${sandbox.url}/j/${meeting.id}\\?pwd=`)),
      password: expect.stringMatching(/^[A-Za-z0-9]{1,10}$/),
      h323_password: expect.any(String),
      pstn_password: expect.any(String),
      encrypted_password: expect.any(String),
      settings: expect.objectContaining({ join_before_host: false, waiting_room: true, approval_type: 2 }),
      pre_schedule: false,
    });
    expect(Number.isInteger(meeting.id)).toBe(true);

    const get1 = await http().get(`/v2/meetings/${meeting.id}`).set('Authorization', bearer(access_token));
    const get2 = await http().get(`/v2/meetings/${meeting.id}`).set('Authorization', bearer(access_token));
    expect(get1.status).toBe(200);
    expect(get1.body.join_url).toBe(meeting.join_url);
    expect(get1.body.start_url).not.toBe(meeting.start_url);
    expect(get2.body.start_url).not.toBe(get1.body.start_url);
    expect((await http().get(new URL(get2.body.start_url).pathname + new URL(get2.body.start_url).search)).status).toBe(
      200,
    );

    const patch = await http()
      .patch(`/v2/meetings/${meeting.id}`)
      .set('Authorization', bearer(access_token))
      .send({ topic: 'Rescheduled', start_time: '2030-02-02T10:00:00', timezone: 'America/New_York' });
    expect(patch.status).toBe(204);
    expect(patch.text).toBe('');
    const updated = await http().get(`/v2/meetings/${meeting.id}`).set('Authorization', bearer(access_token));
    expect(updated.body).toMatchObject({
      topic: 'Rescheduled',
      start_time: '2030-02-02T15:00:00Z',
      timezone: 'America/New_York',
      duration: 45,
    });

    const list = await http()
      .get('/v2/users/me/meetings')
      .query({ type: 'scheduled' })
      .set('Authorization', bearer(access_token));
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      page_size: 30,
      total_records: 1,
      next_page_token: '',
      meetings: [
        {
          uuid: meeting.uuid,
          id: meeting.id,
          host_id: meeting.host_id,
          topic: 'Rescheduled',
          type: 2,
          start_time: '2030-02-02T15:00:00Z',
          duration: 45,
          timezone: 'America/New_York',
          agenda: 'Follow-up',
          created_at: meeting.created_at,
          join_url: meeting.join_url,
        },
      ],
    });
    expect(sandbox.meetings()).toHaveLength(1);

    const del = await http().delete(`/v2/meetings/${meeting.id}`).set('Authorization', bearer(access_token));
    expect(del.status).toBe(204);
    const gone = await http().get(`/v2/meetings/${meeting.id}`).set('Authorization', bearer(access_token));
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ code: 3001, message: `Meeting does not exist: ${meeting.id}.` });
    expect((await http().delete(`/v2/meetings/${meeting.id}`).set('Authorization', bearer(access_token))).status).toBe(
      404,
    );
    expect(
      (await http().patch(`/v2/meetings/${meeting.id}`).set('Authorization', bearer(access_token)).send({})).status,
    ).toBe(404);
    expect(sandbox.meetings()).toHaveLength(0);
  });

  it('converts a local start_time in the given timezone to UTC', async () => {
    const { access_token } = await userTokens();
    const res = await createMeeting(access_token, {
      ...meetingInput,
      start_time: '2030-07-01T09:00:00',
      timezone: 'Europe/Paris',
    });
    expect(res.body.start_time).toBe('2030-07-01T07:00:00Z');
  });

  it('answers 400 code 300 to invalid bodies', async () => {
    const { access_token } = await userTokens();
    const cases: unknown[] = [
      { ...meetingInput, topic: 'x'.repeat(201) },
      { ...meetingInput, type: 5 },
      { ...meetingInput, password: 'elevenchars' },
      { ...meetingInput, duration: 'long' },
      { ...meetingInput, start_time: 'tomorrow' },
      { ...meetingInput, timezone: 'Mars/Olympus' },
      { ...meetingInput, settings: { audio: 'carrier-pigeon' } },
    ];
    for (const body of cases) {
      const res = await createMeeting(access_token, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(300);
      expect(typeof res.body.message).toBe('string');
    }
    const notJson = await http()
      .post('/v2/users/me/meetings')
      .set('Authorization', bearer(access_token))
      .set('Content-Type', 'application/json')
      .send('{"topic": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ code: 300, message: 'Request Body should be a valid JSON object.' });
    const form = await http()
      .post('/v2/users/me/meetings')
      .set('Authorization', bearer(access_token))
      .type('form')
      .send({ topic: 'x' });
    expect(form.body.code).toBe(300);
    expect(sandbox.meetings()).toHaveLength(0);
  });

  it("hides other users' meetings and users from a user-managed token", async () => {
    const alice = await userTokens('alice@example.com');
    const bob = await userTokens('bob@example.com');
    const created = await createMeeting(alice.access_token);
    const res = await http().get(`/v2/meetings/${created.body.id}`).set('Authorization', bearer(bob.access_token));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(3001);
    const aliceId = created.body.host_id as string;
    expect((await http().get(`/v2/users/${aliceId}`).set('Authorization', bearer(bob.access_token))).body.code).toBe(
      1001,
    );
    expect((await http().get(`/v2/users/${aliceId}`).set('Authorization', bearer(alice.access_token))).body.email).toBe(
      'alice@example.com',
    );
    expect((await createMeeting(bob.access_token, meetingInput, aliceId)).status).toBe(404);
    const users = await http().get('/v2/users').set('Authorization', bearer(alice.access_token));
    expect(users.status).toBe(400);
    expect(users.body).toEqual({ code: 200, message: 'No permission.' });
  });

  it('enforces the per-user daily create/update limit until 00:00 UTC', async () => {
    const { access_token } = await userTokens();
    let first: { id: number } | undefined;
    for (let i = 0; i < 99; i++) {
      const res = await createMeeting(access_token, { ...meetingInput, topic: `Meeting ${i}` });
      expect(res.status).toBe(201);
      first ??= res.body;
    }
    const update = await http()
      .patch(`/v2/meetings/${first!.id}`)
      .set('Authorization', bearer(access_token))
      .send({ duration: 30 });
    expect(update.status).toBe(204);

    const limited = await createMeeting(access_token);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      code: 429,
      message:
        'You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. ' +
        'You may resume these requests at GMT 00:00:00.',
    });
    expect(limited.headers['retry-after']).toBe('Wed, 16 Jan 2030 00:00:00 GMT');
    expect(limited.headers['x-ratelimit-type']).toBe('Daily-limit');
    expect(limited.headers['x-ratelimit-limit']).toBe('100');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    const limitedPatch = await http()
      .patch(`/v2/meetings/${first!.id}`)
      .set('Authorization', bearer(access_token))
      .send({ duration: 20 });
    expect(limitedPatch.status).toBe(429);
    // Reads and deletes are not limited; another user has its own quota.
    expect((await http().get(`/v2/meetings/${first!.id}`).set('Authorization', bearer(access_token))).status).toBe(200);
    const other = await userTokens('other@example.com');
    expect((await createMeeting(other.access_token)).status).toBe(201);

    now = Date.UTC(2030, 0, 16, 0, 0, 0) - 1;
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: (await userTokens()).refresh_token,
    });
    expect((await createMeeting(refreshed.body.access_token)).status).toBe(429);
    now += 1;
    expect((await createMeeting(refreshed.body.access_token)).status).toBe(201);
  });

  it('answers unknown routes with 404 code 404', async () => {
    const res = await http()
      .get('/v2/nothing-here')
      .set('Authorization', bearer(await s2sToken()));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 404, message: 'Not Found' });
  });
});

describe('fault injection and call recording', () => {
  it('injects a 503 once, then handles normally; counters include the faulted request', async () => {
    const token = await s2sToken();
    sandbox.resetCalls();
    sandbox.inject({ route: 'GET /v2/users', status: 503 });
    const faulted = await http().get('/v2/users').set('Authorization', bearer(token));
    expect(faulted.status).toBe(503);
    expect(faulted.body).toEqual({ code: 503, message: 'Service Unavailable' });
    const normal = await http().get('/v2/users').set('Authorization', bearer(token));
    expect(normal.status).toBe(200);
    expect(sandbox.calls('GET /v2/users')).toBe(2);
    expect(sandbox.calls()).toBe(2);
  });

  it('applies faults before authentication, e.g. a 429 with Retry-After on the token endpoint', async () => {
    sandbox.inject({ route: 'POST /oauth/token', status: 429, retryAfter: '7', times: 2 });
    const code = await authorize();
    for (let i = 0; i < 2; i++) {
      const res = await tokenRequest(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        basic('bad', 'creds'),
      );
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('7');
    }
    expect((await exchange(code)).status).toBe(200);
    expect(sandbox.calls('POST /oauth/token')).toBe(3);
    const recorded = sandbox.requests('POST /oauth/token');
    expect(recorded[2]).toMatchObject({
      method: 'POST',
      path: '/oauth/token',
      body: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      at: START,
    });
    expect(recorded[2]!.headers.authorization).toBe(userBasic());
  });

  it('delays a response and still handles it', async () => {
    sandbox.inject({ route: 'GET /v2/users/me', delayMs: 300 });
    const started = Date.now();
    const res = await http().get('/v2/users/me');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(res.status).toBe(401);
  });

  it('hangs a request until close(), which destroys the connection', async () => {
    sandbox.inject({ route: 'POST /v2/users/:userId/meetings', hang: true });
    const { access_token } = await userTokens();
    const url = new URL(`${sandbox.apiBaseUrl}/users/me/meetings`);
    const outcome = new Promise<string>((resolve) => {
      const req = httpRequest(
        url,
        { method: 'POST', headers: { Authorization: bearer(access_token), 'Content-Type': 'application/json' } },
        (res) => resolve(`answered ${res.statusCode}`),
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
      req.end(JSON.stringify(meetingInput));
    });
    while (sandbox.calls('POST /v2/users/:userId/meetings') === 0) await new Promise((r) => setTimeout(r, 10));
    const race = await Promise.race([outcome, new Promise((r) => setTimeout(() => r('still hanging'), 200))]);
    expect(race).toBe('still hanging');
    await sandbox.close();
    expect(await outcome).toMatch(/^error /);
    expect(sandbox.meetings()).toHaveLength(0);
  });

  it("matches '*' and unlimited times until clearFaults()", async () => {
    sandbox.inject({ route: '*', status: 500, times: Infinity });
    for (let i = 0; i < 3; i++) expect((await http().get('/v2/users/me')).status).toBe(500);
    expect((await tokenRequest({ grant_type: 'x' })).body).toEqual({
      reason: 'Internal Server Error',
      error: 'server_error',
    });
    sandbox.clearFaults();
    expect((await http().get('/v2/users/me')).status).toBe(401);
  });

  it("counts 'GET /v2/users/me' apart from ':userId' and records parsed JSON bodies", async () => {
    const { access_token } = await userTokens();
    sandbox.resetCalls();
    await http().get('/v2/users/me').set('Authorization', bearer(access_token));
    await http().get('/v2/users/abc').set('Authorization', bearer(access_token));
    await createMeeting(access_token);
    expect(sandbox.calls('GET /v2/users/me')).toBe(1);
    expect(sandbox.calls('GET /v2/users/:userId')).toBe(1);
    expect(sandbox.requests('POST /v2/users/:userId/meetings')[0]).toMatchObject({
      path: '/v2/users/me/meetings',
      body: meetingInput,
    });
    expect(sandbox.calls()).toBe(3);
    sandbox.resetCalls();
    expect(sandbox.calls()).toBe(0);
  });

  it('exposes the controls over HTTP under /_sandbox without counting them', async () => {
    expect(
      (await http().post('/_sandbox/faults').send({ route: 'GET /v2/users/me', status: 502, times: 'Infinity' }))
        .status,
    ).toBe(201);
    expect((await http().get('/v2/users/me')).status).toBe(502);
    expect((await http().get('/v2/users/me')).status).toBe(502);
    expect((await http().delete('/_sandbox/faults')).status).toBe(204);
    expect((await http().get('/v2/users/me')).status).toBe(401);
    const calls = await http().get('/_sandbox/calls');
    expect(calls.body).toEqual({ total: 3, routes: { 'GET /v2/users/me': 3 } });

    const tokens = await userTokens('remote@example.com');
    await createMeeting(tokens.access_token);
    const meetings = await http().get('/_sandbox/meetings');
    expect(meetings.body).toHaveLength(1);
    const users = await http().get('/_sandbox/users');
    const user = users.body.find((u: { email: string }) => u.email === 'remote@example.com');
    expect((await http().post(`/_sandbox/users/${user.id}/revoke`)).status).toBe(204);
    expect((await http().get('/v2/users/me').set('Authorization', bearer(tokens.access_token))).status).toBe(401);
    expect((await http().delete('/_sandbox/calls')).status).toBe(204);
    expect(sandbox.calls()).toBe(0);
  });
});

describe('meeting events and host-side changes', () => {
  /** A loopback endpoint that records what the sandbox posts, as our webhook route would receive it. */
  async function receiver() {
    type Event = { event: string; payload: { object: Record<string, unknown> } };
    const received: Array<{ headers: Record<string, unknown>; raw: string; body: Event }> = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/zoom/webhook`;
    return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
  }
  const signed = (secret: string, ts: string, raw: string) =>
    `v0=${createHmac('sha256', secret).update(`v0:${ts}:${raw}`).digest('hex')}`;

  it('posts signed meeting.updated (object + old_object) and meeting.deleted for host-side and API changes', async () => {
    const hook = await receiver();
    try {
      await start({ webhook: { url: hook.url, secretToken: 'hook-secret' } });
      const { access_token } = await userTokens();
      const meeting = (await createMeeting(access_token)).body;
      const id = String(meeting.id);

      expect(sandbox.hostUpdateMeeting(id, { start_time: '2030-02-01T11:00:00Z', duration: 30 })).toBe(true);
      await sandbox.webhooksSettled();
      const [updated] = hook.received;
      const ts = String(Math.floor(START / 1000));
      expect(updated!.headers['x-zm-request-timestamp']).toBe(ts);
      expect(updated!.headers['x-zm-signature']).toBe(signed('hook-secret', ts, updated!.raw));
      expect(updated!.body).toEqual({
        event: 'meeting.updated',
        event_ts: START,
        payload: {
          account_id: 'sandbox-account-id',
          operator: 'specialist@example.com',
          operator_id: meeting.host_id,
          operation: 'single',
          time_stamp: START,
          object: {
            id: meeting.id,
            uuid: meeting.uuid,
            host_id: meeting.host_id,
            start_time: '2030-02-01T11:00:00Z',
            duration: 30,
          },
          old_object: {
            id: meeting.id,
            uuid: meeting.uuid,
            host_id: meeting.host_id,
            start_time: '2030-02-01T09:30:00Z',
            duration: 45,
          },
        },
      });
      // Through the API (an echo of our own change) the event comes too; an update that changes nothing sends none.
      await http().patch(`/v2/meetings/${id}`).set('Authorization', bearer(access_token)).send({ topic: 'New topic' });
      await http().patch(`/v2/meetings/${id}`).set('Authorization', bearer(access_token)).send({ topic: 'New topic' });
      expect((await http().delete(`/_sandbox/meetings/${id}`)).status).toBe(204);
      await sandbox.webhooksSettled();
      expect(hook.received.map((r) => r.body.event)).toEqual(['meeting.updated', 'meeting.updated', 'meeting.deleted']);
      expect(hook.received[1]!.body.payload.object).toMatchObject({ topic: 'New topic' });
      expect(hook.received[2]!.body.payload.object).toEqual({
        id: meeting.id,
        uuid: meeting.uuid,
        host_id: meeting.host_id,
        topic: 'New topic',
        type: 2,
        start_time: '2030-02-01T11:00:00Z',
        duration: 30,
        timezone: 'Europe/Paris',
      });
      expect(sandbox.meetings()).toHaveLength(0);
      expect(sandbox.webhookDeliveries().map((d) => d.status)).toEqual([200, 200, 200]);
      expect((await http().delete(`/_sandbox/meetings/${id}`)).status).toBe(404);
    } finally {
      await hook.close();
    }
  });

  it('drops events while told to, and is driven over HTTP under /_sandbox', async () => {
    const hook = await receiver();
    try {
      const { access_token } = await userTokens();
      const meeting = (await createMeeting(access_token)).body;
      const put = await http().put('/_sandbox/webhook').send({ url: hook.url, secretToken: 's', dropEvents: true });
      expect(put.body).toEqual({ url: hook.url, dropEvents: true });
      const moved = await http().patch(`/_sandbox/meetings/${meeting.id}`).send({ start_time: '2030-02-02T09:30:00Z' });
      expect(moved.status).toBe(200);
      expect(moved.body.start_time).toBe('2030-02-02T09:30:00Z');
      expect((await http().patch(`/_sandbox/meetings/${meeting.id}`).send({ duration: 'long' })).status).toBe(400);
      await sandbox.webhooksSettled();
      expect(hook.received).toHaveLength(0);
      const log = await http().get('/_sandbox/webhook');
      expect(log.body).toMatchObject({ url: hook.url, dropEvents: true });
      expect(log.body.deliveries).toEqual([
        { event: 'meeting.updated', meetingId: String(meeting.id), at: START, status: null, dropped: true },
      ]);
      await http().put('/_sandbox/webhook').send({ dropEvents: false });
      expect((await http().delete(`/_sandbox/meetings/${meeting.id}`)).status).toBe(204);
      await sandbox.webhooksSettled();
      expect(hook.received.map((r) => r.body.event)).toEqual(['meeting.deleted']);
      expect((await http().put('/_sandbox/webhook').send({ url: 'not a url' })).status).toBe(400);
    } finally {
      await hook.close();
    }
  });
});
