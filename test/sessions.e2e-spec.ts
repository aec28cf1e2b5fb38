import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { expectProblem, startApp, TestApp } from './support/app';
import { uniqueSuffix } from './support/factories';
import { claimsOf, sessionSuite, type Tokens } from './support/sessions';

describe('sessions', () => {
  let app: TestApp;
  const s = sessionSuite(() => app);
  beforeAll(async () => {
    app = await startApp();
    await s.setUp();
  });
  afterAll(() => app.close());

  it('begins a session at sign-in: a short access token naming it, a refresh token, and a row in the list', async () => {
    const account = await s.newAccount();
    const tokens = await s.signIn(account, 'Mozilla/5.0 (Windows NT 10.0) Firefox/133.0');
    expect(tokens).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshExpiresIn: app.config.sessions.idleSeconds,
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const claims = claimsOf(tokens.accessToken);
    expect(claims).toMatchObject({ sub: account.id, sid: tokens.sessionId, amr: ['pwd'] });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    const listed = await s.sessionsOf(tokens);
    expect(listed).toEqual([
      {
        id: tokens.sessionId,
        deviceLabel: 'Mozilla/5.0 (Windows NT 10.0) Firefox/133.0',
        method: 'password',
        address: expect.stringMatching(/127\.0\.0\.1|::1/),
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        current: true,
      },
    ]);
  });

  it('rotates the refresh token on every use, keeping the session', async () => {
    const account = await s.newAccount();
    const first = await s.signIn(account);
    const second = (await s.refresh(first.refreshToken).expect(200)).body as Tokens;
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user).toMatchObject({ id: account.id, email: account.email });
    expect(claimsOf(second.accessToken)).toMatchObject({ sid: first.sessionId, amr: ['pwd'] });
    const third = (await s.refresh(second.refreshToken).expect(200)).body as Tokens;
    await s.me(third).expect(200);
    // The access token from before the rotation belongs to the same, live session.
    await s.me(first).expect(200);
    const [listed] = await s.sessionsOf(third);
    expect(new Date(listed.lastUsedAt).getTime()).toBeGreaterThan(
      new Date(listed.createdAt).getTime(),
    );
  });

  it('ends the whole session when a spent refresh token is shown again: the thief’s and the user’s tokens both fail', async () => {
    const account = await s.newAccount();
    const stolen = await s.signIn(account);
    const users = (await s.refresh(stolen.refreshToken).expect(200)).body as Tokens;

    const replay = await s.refresh(stolen.refreshToken).expect(401);
    expectProblem(replay.body, 401, 'refresh-token-reused');
    const afterReuse = await s.refresh(users.refreshToken).expect(401);
    expectProblem(afterReuse.body, 401, 'session-ended');
    expectProblem((await s.me(users).expect(401)).body, 401, 'session-ended');
    // Shown yet again, it is still reuse, and changes nothing more.
    expectProblem(
      (await s.refresh(stolen.refreshToken).expect(401)).body,
      401,
      'refresh-token-reused',
    );

    const events = await s.auditOf(account.id);
    const ended = events.filter((e) => e.command === 'session.end');
    expect(ended).toEqual([
      expect.objectContaining({
        actorId: null,
        changes: {
          sessionId: { before: stolen.sessionId, after: null },
          endReason: { before: null, after: 'refresh-token-reused' },
        },
      }),
    ]);
    // A new sign-in is a new session.
    const fresh = await s.signIn(account);
    expect(fresh.sessionId).not.toBe(stolen.sessionId);
    await s.me(fresh).expect(200);
  });

  it('lets exactly one of two simultaneous refreshes with one token win; the other is reuse and ends the session', async () => {
    for (let round = 0; round < 5; round++) {
      const account = await s.newAccount();
      const tokens = await s.signIn(account);
      const answers = await Promise.all([
        s.refresh(tokens.refreshToken),
        s.refresh(tokens.refreshToken),
      ]);
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, 401]);
      const winner = answers.find((answer) => answer.status === 200)!.body as Tokens;
      const loser = answers.find((answer) => answer.status === 401)!;
      expectProblem(loser.body, 401, 'refresh-token-reused');
      expectProblem((await s.refresh(winner.refreshToken).expect(401)).body, 401, 'session-ended');
    }
  });

  it('refuses an unknown, malformed or missing refresh token and changes nothing', async () => {
    const account = await s.newAccount();
    const tokens = await s.signIn(account);
    const guess = randomBytes(32).toString('base64url');
    for (const refreshToken of [guess, 'not-a-token', `${tokens.refreshToken}x`, ' '.repeat(43)]) {
      expectProblem((await s.refresh(refreshToken).expect(401)).body, 401, 'refresh-token-invalid');
    }
    for (const refreshToken of [undefined, 42, '', ['x'], 'x'.repeat(201)]) {
      const answer = await s.refresh(refreshToken).expect(400);
      expectProblem(answer.body, 400, 'validation-failed');
      expect(new Set(answer.body.errors.map((e: { field: string }) => e.field))).toEqual(
        new Set(['refreshToken']),
      );
    }
    // The guesses ended nothing: the real token still works.
    await s.refresh(tokens.refreshToken).expect(200);
  });

  it('signs out: the access token and the refresh token stop working at once', async () => {
    const account = await s.newAccount();
    const tokens = await s.signIn(account);
    const other = await s.signIn(account, 'another-device');
    await app.http().post('/api/v1/auth/logout').set(s.bearer(tokens)).expect(204);
    expectProblem((await s.me(tokens).expect(401)).body, 401, 'session-ended');
    expectProblem((await s.refresh(tokens.refreshToken).expect(401)).body, 401, 'session-ended');
    // Only that session: the other device is still signed in, and lists only itself.
    expect((await s.sessionsOf(other)).map((listed) => listed.id)).toEqual([other.sessionId]);
    const logout = (await s.auditOf(account.id)).filter((e) => e.command === 'session.logout');
    expect(logout).toEqual([
      expect.objectContaining({
        actorId: account.id,
        changes: expect.objectContaining({ sessionId: { before: tokens.sessionId, after: null } }),
      }),
    ]);
  });

  it('lists one’s own live sessions and ends one of them, but never someone else’s', async () => {
    const account = await s.newAccount();
    const laptop = await s.signIn(account, 'laptop');
    const phone = await s.signIn(account, 'phone');
    const listed = await s.sessionsOf(laptop);
    expect(listed.map(({ id, deviceLabel, current }) => ({ id, deviceLabel, current }))).toEqual(
      expect.arrayContaining([
        { id: laptop.sessionId, deviceLabel: 'laptop', current: true },
        { id: phone.sessionId, deviceLabel: 'phone', current: false },
      ]),
    );
    expect(listed).toHaveLength(2);

    const stranger = await s.signIn(await s.newAccount());
    const notTheirs = await app
      .http()
      .delete(`/api/v1/me/sessions/${phone.sessionId}`)
      .set(s.bearer(stranger))
      .expect(404);
    expectProblem(notTheirs.body, 404, 'not-found');
    await s.me(phone).expect(200);
    expect((await s.sessionsOf(stranger)).map((one) => one.id)).toEqual([stranger.sessionId]);

    await app
      .http()
      .delete(`/api/v1/me/sessions/${phone.sessionId}`)
      .set(s.bearer(laptop))
      .expect(204);
    expectProblem((await s.me(phone).expect(401)).body, 401, 'session-ended');
    expectProblem((await s.refresh(phone.refreshToken).expect(401)).body, 401, 'session-ended');
    expect((await s.sessionsOf(laptop)).map((one) => one.id)).toEqual([laptop.sessionId]);
    // Ended already, and never existed: both not found.
    for (const id of [phone.sessionId, randomUUID()]) {
      await app.http().delete(`/api/v1/me/sessions/${id}`).set(s.bearer(laptop)).expect(404);
    }
    const bad = await app
      .http()
      .delete('/api/v1/me/sessions/nope')
      .set(s.bearer(laptop))
      .expect(400);
    expectProblem(bad.body, 400, 'validation-failed');
  });

  it('lets an admin end every session of a user, audited', async () => {
    const account = await s.newAccount();
    const one = await s.signIn(account);
    const two = await s.signIn(account);
    const bystander = await s.signIn(await s.newAccount());
    const ended = await app
      .http()
      .post(`/api/v1/users/${account.id}/sessions/end`)
      .set(s.asAdmin())
      .expect(200);
    expect(ended.body).toEqual({ sessionsEnded: 2 });
    for (const tokens of [one, two]) {
      expectProblem((await s.me(tokens).expect(401)).body, 401, 'session-ended');
      expectProblem((await s.refresh(tokens.refreshToken).expect(401)).body, 401, 'session-ended');
    }
    await s.me(bystander).expect(200);
    const again = await app
      .http()
      .post(`/api/v1/users/${account.id}/sessions/end`)
      .set(s.asAdmin())
      .expect(200);
    expect(again.body).toEqual({ sessionsEnded: 0 });
    const events = (await s.auditOf(account.id)).filter((e) => e.command === 'user.end-sessions');
    expect(events.map((e) => e.changes)).toEqual([
      { liveSessions: { before: 2, after: 0 } },
      { liveSessions: { before: 0, after: 0 } },
    ]);
    await app
      .http()
      .post(`/api/v1/users/${randomUUID()}/sessions/end`)
      .set(s.asAdmin())
      .expect(404);
    // The user signs in again as usual.
    await s.me(await s.signIn(account)).expect(200);
  });

  it('ends every session on deactivation, and they stay ended after reactivation', async () => {
    const account = await s.newAccount();
    const tokens = await s.signIn(account);
    await app.http().post(`/api/v1/users/${account.id}/deactivate`).set(s.asAdmin()).expect(200);
    expectProblem((await s.refresh(tokens.refreshToken).expect(401)).body, 401, 'session-ended');
    expectProblem((await s.me(tokens).expect(401)).body, 401, 'account-inactive');
    await app.http().post(`/api/v1/users/${account.id}/reactivate`).set(s.asAdmin()).expect(200);
    expectProblem((await s.refresh(tokens.refreshToken).expect(401)).body, 401, 'session-ended');
    expectProblem((await s.me(tokens).expect(401)).body, 401, 'token-revoked');
    const fresh = await s.signIn(account);
    expect((await s.sessionsOf(fresh)).map((one) => one.id)).toEqual([fresh.sessionId]);
  });

  it('ends the sessions begun before a role or password change (the token version moved on)', async () => {
    const account = await s.newAccount();
    const tokens = await s.signIn(account);
    const password = `Changed-Password-${uniqueSuffix()}`;
    await app
      .http()
      .post('/api/v1/me/password')
      .set(s.bearer(tokens))
      .send({ currentPassword: account.password, newPassword: password })
      .expect(204);
    expectProblem((await s.refresh(tokens.refreshToken).expect(401)).body, 401, 'session-ended');
    expectProblem((await s.me(tokens).expect(401)).body, 401, 'token-revoked');
    const fresh = await s.signIn({ ...account, password });
    expect((await s.sessionsOf(fresh)).map((one) => one.id)).toEqual([fresh.sessionId]);
  });

  it('refuses a token from before sessions (no sid) as invalid', async () => {
    const account = await s.newAccount();
    const tokens = await s.signIn(account);
    const claims = claimsOf(tokens.accessToken);
    delete claims.sid;
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    const signature = createHmac('sha256', app.config.jwtSecret)
      .update(unsigned)
      .digest('base64url');
    const old = await app
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${unsigned}.${signature}`)
      .expect(401);
    expectProblem(old.body, 401, 'token-invalid');
  });

  it('audits each sign-in with the failures since the last one, and each failure with the running count, never a secret', async () => {
    const account = await s.newAccount();
    const fail = () =>
      app
        .http()
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: 'not-the-password-at-all' })
        .expect(401);
    await fail();
    await fail();
    const tokens = await s.signIn(account);
    await fail();
    const events = (await s.auditOf(account.id)).filter((e) => e.command.startsWith('auth.'));
    expect(events.map((e) => [e.command, e.changes.failedAttemptsSinceLastSignIn])).toEqual([
      ['auth.sign-in-failed', { before: 0, after: 1 }],
      ['auth.sign-in-failed', { before: 1, after: 2 }],
      ['auth.sign-in', { before: null, after: 2 }],
      ['auth.sign-in-failed', { before: 0, after: 1 }],
    ]);
    const signedIn = events[2];
    expect(signedIn).toMatchObject({
      actorId: account.id,
      changes: {
        method: { before: null, after: 'password' },
        sessionId: { before: null, after: tokens.sessionId },
      },
    });
    const text = JSON.stringify(events);
    for (const secret of [
      account.password,
      'not-the-password-at-all',
      tokens.refreshToken,
      tokens.accessToken,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
