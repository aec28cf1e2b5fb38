import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { expectProblem, startApp, type TestApp } from './support/app';
import { type ApiProcess, kill, spawnApi } from './support/processes';
import { readCost } from './support/rows-fetched';
import { sessionSuite, sleep, type Tokens } from './support/sessions';

// Each API process remembers a request's account check for a few seconds (SignedInCache). What
// ends or changes someone's access must hold from the very next request in the process that
// made the change, and within a moment in another API process on the same database.
describe('remembered account checks', () => {
  let t: TestApp;
  let other: ApiProcess;
  let dataSource: DataSource;
  const s = sessionSuite(() => t);

  beforeAll(async () => {
    t = await startApp({ processRole: 'api' });
    dataSource = t.app.get(DataSource);
    [other] = await Promise.all([spawnApi({}), s.setUp()]);
  }, 240_000);
  afterAll(async () => {
    await kill(other.child);
    await t.close();
  });

  // A route the applicant's role may not use: refused (403) after the account check alone.
  const refusedRoute = '/api/v1/assessors';
  const here = (tokens: Tokens) => t.http().get('/api/v1/me').set(s.bearer(tokens));
  const there = (tokens: Tokens) => fetch(`${other.url}/api/v1/me`, { headers: s.bearer(tokens) });
  // Signed in, and remembered by both processes (each has answered twice).
  const signedInEverywhere = async () => {
    const account = await s.newAccount();
    const tokens = await s.signIn(account);
    for (let n = 0; n < 2; n += 1) {
      await here(tokens).expect(200);
      expect((await there(tokens)).status).toBe(200);
    }
    return { id: account.id, account, tokens };
  };
  // The other process hears of the change as it commits, not before this test's next request
  // (a loaded machine may run that request first): refused within a moment, never answered
  // from memory for long.
  const refusedThere = async (tokens: Tokens, code: string) => {
    const deadline = Date.now() + 1_000;
    let response = await there(tokens);
    while (response.status === 200 && Date.now() < deadline) {
      await sleep(20);
      response = await there(tokens);
    }
    expectProblem(await response.json(), 401, code);
  };

  it('checks an account once for requests in quick succession', async () => {
    const tokens = await s.signIn(await s.newAccount());
    const first = await readCost(dataSource, () =>
      t.http().get(refusedRoute).set(s.bearer(tokens)).expect(403),
    );
    const second = await readCost(dataSource, () =>
      t.http().get(refusedRoute).set(s.bearer(tokens)).expect(403),
    );
    expect(first.cost.queries).toBe(1);
    expect(second.cost.queries).toBe(0);
  });

  it('refuses a deactivated user at the next request here, and within a moment in the other process', async () => {
    const { id, tokens } = await signedInEverywhere();
    await t.http().post(`/api/v1/users/${id}/deactivate`).set(s.asAdmin()).expect(200);
    expectProblem((await here(tokens).expect(401)).body, 401, 'account-inactive');
    await refusedThere(tokens, 'account-inactive');
  });

  it('refuses the old tokens at the next request after a change of role', async () => {
    const { id, tokens } = await signedInEverywhere();
    await t
      .http()
      .patch(`/api/v1/users/${id}`)
      .set(s.asAdmin())
      .send({ role: 'assessor' })
      .expect(200);
    expectProblem((await here(tokens).expect(401)).body, 401, 'token-revoked');
    await refusedThere(tokens, 'token-revoked');
  });

  it('refuses a session ended from another device at the next request', async () => {
    const { account, tokens: phone } = await signedInEverywhere();
    const laptop = await s.signIn(account);
    await t
      .http()
      .delete(`/api/v1/me/sessions/${phone.sessionId}`)
      .set(s.bearer(laptop))
      .expect(204);
    expectProblem((await here(phone).expect(401)).body, 401, 'session-ended');
    await refusedThere(phone, 'session-ended');
    await here(laptop).expect(200);
  });

  it('refuses every session ended by an administrator at the next request', async () => {
    const { id, tokens } = await signedInEverywhere();
    await t.http().post(`/api/v1/users/${id}/sessions/end`).set(s.asAdmin()).expect(200);
    expectProblem((await here(tokens).expect(401)).body, 401, 'session-ended');
    await refusedThere(tokens, 'session-ended');
  });

  it('refuses a signed-out session at the next request', async () => {
    const { tokens } = await signedInEverywhere();
    await t.http().post('/api/v1/auth/logout').set(s.bearer(tokens)).expect(204);
    expectProblem((await here(tokens).expect(401)).body, 401, 'session-ended');
    await refusedThere(tokens, 'session-ended');
  });

  it('hears a change made outside the API, straight in the database', async () => {
    const { id, tokens } = await signedInEverywhere();
    const psql = new Client({ connectionString: t.config.databaseUrl });
    await psql.connect();
    try {
      await psql.query(`UPDATE users SET active = false WHERE id = $1`, [id]);
    } finally {
      await psql.end();
    }
    expectProblem((await here(tokens).expect(401)).body, 401, 'account-inactive');
    await refusedThere(tokens, 'account-inactive');
  });
});
