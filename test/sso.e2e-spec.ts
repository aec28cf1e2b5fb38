import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { expectProblem, login, startApp, TestApp } from './support/app';
import { uniqueSuffix } from './support/factories';
import { AccountClaims, TestOidcProvider } from './support/oidc';

// Issue 20, item 5: staff sign in through the department's OpenID Connect provider. A real
// provider (oidc-provider) runs inside the test; its login pages are driven over HTTP.
const CALLBACK_URL = 'http://127.0.0.1:3000/api/v1/auth/sso/callback';
const PORTAL_CALLBACK_URL = 'http://127.0.0.1:3000/sign-in/sso/callback';
const START = '/api/v1/auth/sso/start';
const CALLBACK = '/api/v1/auth/sso/callback';

interface AuditItem {
  command: string;
  actorId: string | null;
  changes: Record<string, { before: unknown; after: unknown }>;
}

describe('staff single sign-on', () => {
  let idp: TestOidcProvider;
  let t: TestApp;
  let asAdmin: { authorization: string };

  beforeAll(async () => {
    idp = await TestOidcProvider.start(CALLBACK_URL, [PORTAL_CALLBACK_URL]);
    t = await startApp({ sso: idp.ssoConfig() });
    asAdmin = { authorization: `Bearer ${await login(t, 'admin@demo.test')}` };
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  // A new sign-in at the app, as an API client asks for it.
  const begin = async (): Promise<string> => {
    const response = await t.http().get(START).set('accept', 'application/json').expect(200);
    return (response.body as { authorizationUrl: string }).authorizationUrl;
  };
  // The person behind a provider account signs in there; the browser comes back with this URL.
  const signInAtProvider = async (claims: AccountClaims): Promise<URL> => {
    const accountId = `person-${uniqueSuffix()}`;
    idp.accounts.set(accountId, claims);
    return idp.signIn(await begin(), accountId);
  };
  const callback = (query: string) => t.http().get(`${CALLBACK}${query}`);
  const auditOf = async (userId: string): Promise<AuditItem[]> =>
    (
      await t
        .http()
        .get(`/api/v1/audit-events?objectType=user&objectId=${userId}&limit=100`)
        .set(asAdmin)
        .expect(200)
    ).body.items as AuditItem[];
  const userIdOf = async (email: string): Promise<string> =>
    (
      await t.app
        .get(DataSource)
        .query<{ id: string }[]>(`SELECT id FROM users WHERE email = $1`, [email])
    )[0].id;

  it("sends a browser to the provider's sign-in page with PKCE (S256), a state and a nonce", async () => {
    const response = await t.http().get(START).set('accept', 'text/html,*/*;q=0.8').expect(302);
    const location = new URL(response.headers.location);
    expect(location.origin).toBe(idp.issuer);
    const params = Object.fromEntries(location.searchParams);
    expect(params).toMatchObject({
      client_id: idp.clientId,
      redirect_uri: CALLBACK_URL,
      response_type: 'code',
      scope: 'openid email',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const again = new URL(await begin());
    expect(again.searchParams.get('state')).not.toBe(params.state);
    expect(again.searchParams.get('code_challenge')).not.toBe(params.code_challenge);
  });

  it('signs a staff user in by their verified email, with a token that works and says sso', async () => {
    const back = await signInAtProvider({ email: 'Assessor@Demo.Test', email_verified: true });
    const response = await callback(back.search).expect(200);
    const body = response.body as { accessToken: string; user: { id: string; email: string } };
    expect(body.user).toMatchObject({ email: 'assessor@demo.test', role: 'assessor' });
    const claims = JSON.parse(
      Buffer.from(body.accessToken.split('.')[1], 'base64url').toString('utf8'),
    ) as { amr: string[]; sub: string };
    expect(claims).toMatchObject({ amr: ['sso'], sub: body.user.id });
    const me = await t
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${body.accessToken}`)
      .expect(200);
    expect(me.body).toMatchObject({ id: body.user.id, role: 'assessor' });

    const events = (await auditOf(body.user.id)).filter((e) => e.command === 'user.sso-sign-in');
    expect(events.at(-1)).toMatchObject({
      actorId: body.user.id,
      changes: {
        issuer: { before: null, after: idp.issuer },
        subject: { before: null, after: expect.stringMatching(/^person-/) },
      },
    });
    // Never the code, the state or a token.
    const written = JSON.stringify(events);
    for (const secret of [back.searchParams.get('code')!, back.searchParams.get('state')!]) {
      expect(written).not.toContain(secret);
    }
    expect(written).not.toContain(body.accessToken);
  });

  it('comes back to a configured portal page when asked, and to no other address', async () => {
    const ask = (redirectUrl: string) =>
      t.http().get(START).query({ redirectUrl }).set('accept', 'application/json');
    for (const elsewhere of [
      'https://attacker.example/sign-in/sso/callback',
      `${PORTAL_CALLBACK_URL}/`,
      `${PORTAL_CALLBACK_URL}?next=https://attacker.example`,
    ]) {
      expectProblem((await ask(elsewhere).expect(400)).body, 400, 'sso-redirect-not-allowed');
    }
    const started = await ask(PORTAL_CALLBACK_URL).expect(200);
    const authorizationUrl = (started.body as { authorizationUrl: string }).authorizationUrl;
    expect(new URL(authorizationUrl).searchParams.get('redirect_uri')).toBe(PORTAL_CALLBACK_URL);
    const accountId = `person-${uniqueSuffix()}`;
    idp.accounts.set(accountId, { email: 'approver@demo.test', email_verified: true });
    const back = await idp.signIn(authorizationUrl, accountId);
    expect(`${back.origin}${back.pathname}`).toBe(PORTAL_CALLBACK_URL);
    // The portal page brings the provider's query to the callback; the code is exchanged with
    // the redirect URI the sign-in began with.
    const response = await callback(back.search).expect(200);
    expect(response.body.user).toMatchObject({ email: 'approver@demo.test', role: 'approver' });
  });

  it('refuses the same callback twice, and a spent code brought back with a new state', async () => {
    const back = await signInAtProvider({ email: 'moderator@demo.test', email_verified: true });
    await callback(back.search).expect(200);
    const again = await callback(back.search).expect(400);
    expectProblem(again.body, 400, 'sso-state-invalid');

    const fresh = new URL(await begin());
    const replay = new URLSearchParams({
      code: back.searchParams.get('code')!,
      state: fresh.searchParams.get('state')!,
      iss: idp.issuer,
    });
    const refused = await callback(`?${replay.toString()}`).expect(401);
    expectProblem(refused.body, 401, 'sso-code-rejected');
  });

  it('refuses a state it did not issue, or none, and changes nothing', async () => {
    const back = await signInAtProvider({ email: 'finance@demo.test', email_verified: true });
    const wrong = new URL(back);
    wrong.searchParams.set('state', randomBytes(32).toString('base64url'));
    expectProblem((await callback(wrong.search).expect(400)).body, 400, 'sso-state-invalid');
    const none = new URL(back);
    none.searchParams.delete('state');
    expectProblem((await callback(none.search).expect(400)).body, 400, 'sso-state-invalid');
    const odd = new URL(back);
    odd.searchParams.set('state', 'not a state\u0000');
    expect((await callback(odd.search)).status).toBeGreaterThanOrEqual(400);
    expect((await callback(odd.search)).status).toBeLessThan(500);
    // The real sign-in is still waiting, and completes.
    const done = await callback(back.search).expect(200);
    expect(done.body.user).toMatchObject({ email: 'finance@demo.test' });
  });

  it('refuses a sign-in the provider refused', async () => {
    const state = new URL(await begin()).searchParams.get('state')!;
    const refusal = new URLSearchParams({
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
      state,
      iss: idp.issuer,
    });
    expectProblem(
      (await callback(`?${refusal.toString()}`).expect(401)).body,
      401,
      'sso-code-rejected',
    );
  });

  it('refuses an email the provider has not verified, and records the attempt on that account', async () => {
    const moderator = await userIdOf('moderator@demo.test');
    for (const claims of [
      { email: 'moderator@demo.test', email_verified: false },
      { email: 'moderator@demo.test' },
      {},
    ]) {
      const back = await signInAtProvider(claims);
      const response = await callback(back.search).expect(403);
      expectProblem(response.body, 403, 'sso-email-unverified');
    }
    const refused = (await auditOf(moderator)).filter(
      (e) => e.command === 'user.sso-sign-in-refused',
    );
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatchObject({
      actorId: null,
      changes: { reason: { before: null, after: 'sso-email-unverified' } },
    });
  });

  it('gives an unknown email, an applicant and a deactivated staff member the same refusal', async () => {
    const deactivated = `former-${uniqueSuffix()}@homeoffice.example`.toLowerCase();
    await t.app
      .get(DataSource)
      .query(
        `INSERT INTO users (email, name, role, password_hash, password_set_at, active, version) VALUES ($1, 'Former officer', 'finance', 'x', now(), false, 1)`,
        [deactivated],
      );
    const answers: { status: number; body: unknown }[] = [];
    for (const email of [
      `nobody-${uniqueSuffix()}@homeoffice.example`,
      'applicant@demo.test',
      deactivated,
    ]) {
      const back = await signInAtProvider({ email, email_verified: true });
      const response = await callback(back.search);
      expectProblem(response.body, 403, 'sso-no-account');
      // Each answer has its own request id; the rest must not tell the three apart.
      answers.push({
        status: response.status,
        body: { ...response.body, instance: undefined, requestId: undefined },
      });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    const applicantEvents = await auditOf(await userIdOf('applicant@demo.test'));
    expect(applicantEvents.filter((e) => e.command === 'user.sso-sign-in-refused')).toEqual([
      expect.objectContaining({
        changes: expect.objectContaining({ reason: { before: null, after: 'sso-no-account' } }),
      }),
    ]);
    expect(applicantEvents.filter((e) => e.command === 'user.sso-sign-in')).toEqual([]);
  });
});

describe('staff single sign-on when the provider cannot be reached', () => {
  let silent: Server;
  let closedPort: number;
  beforeAll(async () => {
    // One server that takes connections and never answers, and a port nothing listens on.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it.each([
    ['refuses connections', () => `http://127.0.0.1:${closedPort}`],
    ['never answers', () => `http://127.0.0.1:${(silent.address() as AddressInfo).port}`],
  ])('answers 503 when the provider %s, within its timeout', async (_what, issuer) => {
    const t = await startApp({
      sso: {
        issuerUrl: issuer(),
        clientId: 'safer-streets-grants',
        clientSecret: 'a-secret',
        clientAuthMethod: 'client_secret_basic',
        redirectUrl: CALLBACK_URL,
        timeoutSeconds: 1,
        portalRedirectUrls: [],
        providerName: 'A provider',
      },
    });
    try {
      const started = Date.now();
      const response = await t.http().get(START).expect(503);
      expectProblem(response.body, 503, 'sso-provider-unavailable');
      expect(response.headers['retry-after']).toBeDefined();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await t.close();
    }
  });
});

describe('staff single sign-on when it is not configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ sso: undefined });
  });
  afterAll(() => t?.close());

  it('answers 404 sso-not-configured on its routes', async () => {
    expectProblem((await t.http().get(START).expect(404)).body, 404, 'sso-not-configured');
    const callback = await t.http().get(`${CALLBACK}?code=abc&state=def`).expect(404);
    expectProblem(callback.body, 404, 'sso-not-configured');
  });
});
