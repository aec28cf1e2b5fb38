import { createHmac } from 'node:crypto';
import { loadConfig } from '../src/config/load-config';
import { expectProblem, login, startApp, TestApp, tokensByRole } from './support/app';
import { createAccount, emailedLinkToken } from './support/accounts';
import { uniqueSuffix, validStaffUser } from './support/factories';

// An HS256 JWT signed with `secret`, with exactly the claims given (no exp unless given).
function signJwt(claims: object, secret: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('tokens end with what they stand for', () => {
  let t: TestApp;
  let admin: string;
  const asAdmin = () => ({ authorization: `Bearer ${admin}` });
  beforeAll(async () => {
    t = await startApp();
    admin = (await tokensByRole(t)).admin;
  });
  afterAll(() => t.close());

  async function signedInUser(): Promise<{
    id: string;
    email: string;
    password: string;
    token: string;
  }> {
    const user = await createAccount(t, asAdmin(), validStaffUser());
    const token = await login(t, user.email, user.password);
    await t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`).expect(200);
    return { ...user, token };
  }

  async function expectRevoked(token: string): Promise<void> {
    const response = await t
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${token}`)
      .expect(401);
    expectProblem(response.body, 401);
  }

  it("ends a user's sessions when they change their password", async () => {
    const user = await signedInUser();
    const password = `Changed-Password-${uniqueSuffix()}`;
    await t
      .http()
      .post('/api/v1/me/password')
      .set('authorization', `Bearer ${user.token}`)
      .send({ currentPassword: user.password, newPassword: password })
      .expect(204);
    await expectRevoked(user.token);
    const fresh = await login(t, user.email, password);
    await t.http().get('/api/v1/me').set('authorization', `Bearer ${fresh}`).expect(200);
  });

  it('keeps tokens from before a deactivation dead after the reactivation', async () => {
    const user = await signedInUser();
    await t.http().post(`/api/v1/users/${user.id}/deactivate`).set(asAdmin()).expect(200);
    await t.http().post(`/api/v1/users/${user.id}/reactivate`).set(asAdmin()).expect(200);
    await expectRevoked(user.token);
  });

  it('ends sessions on a role change', async () => {
    const user = await signedInUser();
    await t
      .http()
      .patch(`/api/v1/users/${user.id}`)
      .set(asAdmin())
      .send({ role: 'moderator' })
      .expect(200);
    await expectRevoked(user.token);
  });

  it('refuses a token without an expiry', async () => {
    const me = await t.http().get('/api/v1/me').set(asAdmin()).expect(200);
    const forever = JSON.parse(Buffer.from(admin.split('.')[1], 'base64url').toString()) as {
      exp?: number;
    };
    delete forever.exp;
    const response = await t
      .http()
      .get('/api/v1/me')
      .set(
        'authorization',
        `Bearer ${signJwt({ ...forever, sub: me.body.id }, t.config.jwtSecret)}`,
      )
      .expect(401);
    expectProblem(response.body, 401, 'token-invalid');
  });

  it.each([['not-a-uuid'], [42], [{ id: 'x' }], [null]])(
    'answers 401, not 500, to a signed token whose subject is %p',
    async (sub) => {
      const now = Math.floor(Date.now() / 1000);
      const token = signJwt({ sub, ver: 0, iat: now, exp: now + 600 }, t.config.jwtSecret);
      const response = await t
        .http()
        .get('/api/v1/me')
        .set('authorization', `Bearer ${token}`)
        .expect(401);
      expectProblem(response.body, 401, 'token-invalid');
    },
  );

  it('writes no audit event and keeps sessions for a PATCH that changes nothing', async () => {
    const user = await signedInUser();
    const read = await t.http().get(`/api/v1/users/${user.id}`).set(asAdmin()).expect(200);
    const events = async () =>
      (
        await t
          .http()
          .get(`/api/v1/audit-events?objectType=user&objectId=${user.id}`)
          .set(asAdmin())
          .expect(200)
      ).body.items as unknown[];
    const before = (await events()).length;
    await t.http().patch(`/api/v1/users/${user.id}`).set(asAdmin()).send({}).expect(200);
    const same = await t
      .http()
      .patch(`/api/v1/users/${user.id}`)
      .set(asAdmin())
      .send({ name: read.body.name, role: read.body.role, organisationId: null })
      .expect(200);
    expect(same.body.updatedAt).toBe(read.body.updatedAt);
    expect(await events()).toHaveLength(before);
    await t.http().get('/api/v1/me').set('authorization', `Bearer ${user.token}`).expect(200);
  });

  it.each([
    ['12 spaces', ' '.repeat(12)],
    ['one character repeated', 'aaaaaaaaaaaa'],
    ['a run of digits', '123456789012'],
    ['a common password', 'qwerty123456'],
  ])(
    'refuses %s as a password, on accepting an invitation and on change',
    async (_what, password) => {
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(asAdmin())
        .send(validStaffUser())
        .expect(201);
      const token = await emailedLinkToken(t, created.body.id as string);
      const accepted = await t
        .http()
        .post('/api/v1/auth/invitations/accept')
        .send({ token, password })
        .expect(400);
      expectProblem(accepted.body, 400, 'validation-failed');
      expect(accepted.body.errors).toEqual([
        { field: 'password', message: expect.stringMatching(/^password (must|is)/) },
      ]);
      const user = await signedInUser();
      const changed = await t
        .http()
        .post('/api/v1/me/password')
        .set('authorization', `Bearer ${user.token}`)
        .send({ currentPassword: user.password, newPassword: password })
        .expect(400);
      expect(changed.body.errors.map((e: { field: string }) => e.field)).toEqual(['newPassword']);
      // Nothing changed: the refused invitation still works, the old password still signs in.
      await login(t, user.email, user.password);
      const later = `Accepted-Password-${uniqueSuffix()}`;
      await t
        .http()
        .post('/api/v1/auth/invitations/accept')
        .send({ token, password: later })
        .expect(200);
    },
  );
});

describe('an app started without JWT_SECRET', () => {
  let t: TestApp;
  beforeAll(async () => {
    const { jwtSecret } = loadConfig({ ...process.env, JWT_SECRET: undefined });
    t = await startApp({ jwtSecret });
  });
  afterAll(() => t.close());

  it('refuses a token signed with the secret that used to be in the source', async () => {
    const admin = await login(t, 'admin@demo.test');
    const me = await t.http().get('/api/v1/me').set('authorization', `Bearer ${admin}`).expect(200);
    const claims = JSON.parse(Buffer.from(admin.split('.')[1], 'base64url').toString()) as object;
    const minted = signJwt(
      { ...claims, sub: me.body.id },
      'dev-only-jwt-secret-change-me-0123456789',
    );
    const response = await t
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${minted}`)
      .expect(401);
    expectProblem(response.body, 401, 'token-invalid');
  });
});
