import { ApiProblem, createGrantsClient, type Session } from '@safer-streets-grants/client';
import { startApp, type TestApp, tokensByRole } from './support/app';
import { bidderOf, openRound, organisationIds, NORTHUMBRIA_PCC, validBid } from './support/bids';
import { sleep } from './support/sessions';

// The client package (client/) as a portal team would use it, against the live API: it keeps a
// session alive through the refresh flow and sends back the ETags it has seen.
describe('the client package', () => {
  let t: TestApp;
  let baseUrl: string;
  let admin: { authorization: string };
  let pccOrganisation: string;

  beforeAll(async () => {
    // Access tokens of two seconds, so the refresh flow is exercised in a test's time.
    t = await startApp({ processRole: 'api', jwtTtlSeconds: 2 });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = await t.app.getUrl();
    admin = { authorization: `Bearer ${(await tokensByRole(t)).admin}` };
    pccOrganisation = (await organisationIds(t, admin))[NORTHUMBRIA_PCC];
  });

  afterAll(() => t.close());

  async function signedIn(onSessionChange?: (session: Session | null) => void) {
    const bidder = await bidderOf(t, admin, pccOrganisation);
    const api = createGrantsClient({ baseUrl, onSessionChange });
    const step = await api.signIn(bidder.email, bidder.password);
    expect(step.signedIn).toBe(true);
    return { api, bidder };
  }

  it('refreshes an expired access token once for calls made together, and goes on', async () => {
    const sessions: (Session | null)[] = [];
    const { api } = await signedIn((session) => sessions.push(session));
    const first = api.session();
    expect(first?.accessToken).toEqual(expect.any(String));
    await sleep(2_500);
    // Five calls with the expired token: one refresh, all five answered.
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.GET('/api/v1/me')));
    expect(answers.map((a) => a.response.status)).toEqual([200, 200, 200, 200, 200]);
    // One sign-in and one refresh: the second refresh token was never needed.
    expect(sessions).toHaveLength(2);
    expect(api.session()?.refreshToken).not.toBe(first?.refreshToken);
    // The first refresh token was spent by the client: the API refuses it now.
    const reused = await fetch(`${baseUrl}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: first?.refreshToken }),
    });
    expect(reused.status).toBe(401);
  });

  it('ends the session when the API refuses its refresh, and answers the 401', async () => {
    const sessions: (Session | null)[] = [];
    const { api } = await signedIn((session) => sessions.push(session));
    const signedInAs = await api.GET('/api/v1/me');
    expect(signedInAs.response.status).toBe(200);
    // An administrator ends every session of the user.
    const ended = await fetch(`${baseUrl}/api/v1/users/${signedInAs.data?.id}/sessions/end`, {
      method: 'POST',
      headers: admin,
    });
    expect(ended.status).toBe(200);
    const after = await api.GET('/api/v1/me');
    expect(after.response.status).toBe(401);
    expect(api.session()).toBeNull();
    expect(sessions.at(-1)).toBeNull();
  });

  it('sends the ETag it read as If-Match, so a change made since is refused', async () => {
    const { api, bidder } = await signedIn();
    const round = await openRound(t, admin);
    const created = await api.POST('/api/v1/bids', { body: validBid(round) });
    expect(created.response.status).toBe(201);
    const id = created.data?.id ?? '';
    // No If-Match written by the caller: the client sends the tag of the answer it had.
    const saved = await api.PATCH('/api/v1/bids/{id}', {
      params: { path: { id } },
      body: { title: 'Safer alleys for Byker and Walker' },
    });
    expect(saved.response.status).toBe(200);
    expect(saved.data?.title).toBe('Safer alleys for Byker and Walker');
    // A colleague's session changes the draft meanwhile.
    const colleague = createGrantsClient({ baseUrl });
    await colleague.signIn(bidder.email, bidder.password);
    await colleague.GET('/api/v1/bids/{id}', { params: { path: { id } } });
    const theirs = await colleague.PATCH('/api/v1/bids/{id}', {
      params: { path: { id } },
      body: { title: 'Safer alleys for Walker' },
    });
    expect(theirs.response.status).toBe(200);
    // This session's next change rests on what it last saw: refused, not lost over theirs.
    const stale = await api.PATCH('/api/v1/bids/{id}', {
      params: { path: { id } },
      body: { title: 'Overwriting unseen' },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.error?.code).toBe('version-mismatch');
    // Read again, and the change goes through.
    await api.GET('/api/v1/bids/{id}', { params: { path: { id } } });
    const retried = await api.PATCH('/api/v1/bids/{id}', {
      params: { path: { id } },
      body: { title: 'Safer alleys, agreed' },
    });
    expect(retried.response.status).toBe(200);
  });

  it('reports a refused sign-in as an ApiProblem with the API’s code', async () => {
    const api = createGrantsClient({ baseUrl });
    const refused = await api
      .signIn('nobody@applicant.example', 'Not-The-Password-1')
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiProblem);
    expect((refused as ApiProblem).status).toBe(401);
    expect((refused as ApiProblem).code).toEqual(expect.any(String));
    expect(api.session()).toBeNull();
  });
});
