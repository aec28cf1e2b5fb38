import { DEMO_PASSWORD, login, type TestApp } from './app';
import { uniqueSuffix } from './factories';
import { Account, createAccount } from './accounts';

// What the sessions suites share: the shapes the API answers, and a signed-in world of users of
// their own.
export interface Tokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  sessionId: string;
  user: { id: string; email: string };
}

export interface Listed {
  id: string;
  deviceLabel: string | null;
  method: string;
  address: string;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

// Sessions against the real database: each test signs in users of its own (applicants, who
// need no second factor) so that ending sessions touches nobody else's.
export function sessionSuite(t: () => TestApp) {
  let admin: string;
  let organisationId: string;
  const asAdmin = () => ({ authorization: `Bearer ${admin}` });
  const bearer = (tokens: Tokens) => ({ authorization: `Bearer ${tokens.accessToken}` });

  // `fresh`: sessions of this app's own, for an app whose time limits end the run's shared ones.
  const setUp = async ({ fresh = false } = {}) => {
    admin = await login(t(), 'admin@demo.test', DEMO_PASSWORD, { fresh });
    const applicant = await login(t(), 'applicant@demo.test', DEMO_PASSWORD, { fresh });
    const me = await t().http().get('/api/v1/me').set('authorization', `Bearer ${applicant}`);
    organisationId = me.body.organisationId as string;
  };

  const newAccount = async (): Promise<Account> => {
    const suffix = uniqueSuffix().toLowerCase();
    return createAccount(t(), asAdmin(), {
      email: `session-${suffix}@pcc.example`,
      name: `Sid ${suffix}`,
      role: 'applicant',
      organisationId,
    });
  };

  const signIn = async (account: Account, userAgent = 'session-test/1.0'): Promise<Tokens> => {
    const response = await t()
      .http()
      .post('/api/v1/auth/login')
      .set('user-agent', userAgent)
      .send({ email: account.email, password: account.password })
      .expect(200);
    return response.body as Tokens;
  };

  const refresh = (refreshToken: unknown) =>
    t().http().post('/api/v1/auth/refresh').send({ refreshToken });

  const me = (tokens: Tokens) => t().http().get('/api/v1/me').set(bearer(tokens));

  const sessionsOf = async (tokens: Tokens): Promise<Listed[]> =>
    (await t().http().get('/api/v1/me/sessions').set(bearer(tokens)).expect(200)).body
      .items as Listed[];

  const auditOf = async (userId: string) =>
    (
      await t()
        .http()
        .get(`/api/v1/audit-events?objectType=user&objectId=${userId}&limit=100`)
        .set(asAdmin())
        .expect(200)
    ).body.items as {
      command: string;
      actorId: string | null;
      changes: Record<string, { before: unknown; after: unknown }>;
    }[];

  return { setUp, newAccount, signIn, refresh, me, sessionsOf, auditOf, bearer, asAdmin };
}
