import { JwtService } from '@nestjs/jwt';
import {
  DEMO_PASSWORD,
  expectProblem,
  login,
  startApp,
  supertestPost,
  TestApp,
  tokensByRole,
} from './support/app';
import { Account, createAccount } from './support/accounts';
import { uniqueSuffix } from './support/factories';
import { completeChallenge } from './support/second-factor';

describe('auth', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startApp();
    admin = (await tokensByRole(t)).admin;
  });
  afterAll(() => t.close());

  function newUser(role = 'assessor'): Promise<Account> {
    const email = `user-${uniqueSuffix().toLowerCase()}@homeoffice.example`;
    return createAccount(
      t,
      { authorization: `Bearer ${admin}` },
      { email, name: 'Test User', role },
    );
  }

  it('logs in whatever the case of the email and returns the user at /me', async () => {
    // The demo assessor has a second factor: the password answers a challenge, a code completes it.
    const challenged = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'ASSESSOR@Demo.Test', password: DEMO_PASSWORD })
      .expect(202);
    const response = {
      body: await completeChallenge(
        supertestPost(t),
        'assessor@demo.test',
        challenged.body.challenge as string,
      ),
    };
    expect(response.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: t.config.jwtTtlSeconds,
      user: { email: 'assessor@demo.test', role: 'assessor' },
    });
    const me = await t
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${response.body.accessToken}`)
      .expect(200);
    expect(me.body).toMatchObject({
      email: 'assessor@demo.test',
      role: 'assessor',
      organisationId: null,
      active: true,
    });
    expect(me.body).not.toHaveProperty('passwordHash');
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'assessor@demo.test', password: 'not-the-password' })
      .expect(401);
    const unknown = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@demo.test', password: 'not-the-password' })
      .expect(401);
    expectProblem(wrong.body, 401, 'invalid-credentials');
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('refuses a route without a token, with a malformed header, a forged token or an expired one', async () => {
    const none = await t.http().get('/api/v1/me').expect(401);
    expectProblem(none.body, 401, 'unauthenticated');
    await t.http().get('/api/v1/me').set('authorization', 'Basic abc').expect(401);

    const forged = await new JwtService({
      secret: 'some-other-secret-that-is-long-enough',
    }).signAsync({
      sub: (await t.http().get('/api/v1/me').set('authorization', `Bearer ${admin}`)).body.id,
    });
    const forgedResponse = await t
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${forged}`)
      .expect(401);
    expectProblem(forgedResponse.body, 401, 'token-invalid');

    const expired = await new JwtService({ secret: t.config.jwtSecret }).signAsync({
      sub: 'x',
      exp: Math.floor(Date.now() / 1000) - 60,
    });
    const expiredResponse = await t
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${expired}`)
      .expect(401);
    expectProblem(expiredResponse.body, 401, 'token-expired');
  });

  it("stops a deactivated user's token at once, and lets them log in again after reactivation", async () => {
    const user = await newUser();
    const token = await login(t, user.email, user.password);
    await t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`).expect(200);

    await t
      .http()
      .post(`/api/v1/users/${user.id}/deactivate`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    const refused = await t
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${token}`)
      .expect(401);
    expectProblem(refused.body, 401, 'account-inactive');
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(401);

    await t
      .http()
      .post(`/api/v1/users/${user.id}/reactivate`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    // Tokens from before the deactivation stay dead; a new login works.
    const stale = await t
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${token}`)
      .expect(401);
    expectProblem(stale.body, 401, 'token-revoked');
    const fresh = await login(t, user.email, user.password);
    await t.http().get('/api/v1/me').set('authorization', `Bearer ${fresh}`).expect(200);
  });

  it('answers malformed JSON, unknown fields, wrong types and over-long strings with 400 and the fields to fix', async () => {
    const malformed = await t
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send('{"email": "a@b.c",')
      .expect(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expectProblem(malformed.body, 400, 'malformed-json');

    const unknown = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'a@b.example', password: 'x', remember: true })
      .expect(400);
    expect(unknown.body.errors).toEqual([
      { field: 'remember', message: 'remember is not a field this request accepts; remove it' },
    ]);

    const wrongType = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 42, password: ['x'] })
      .expect(400);
    expect(new Set(wrongType.body.errors.map((e: { field: string }) => e.field))).toEqual(
      new Set(['email', 'password']),
    );

    const tooLong = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: `${'a'.repeat(250)}@b.example`, password: 'x'.repeat(201) })
      .expect(400);
    expect(tooLong.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['email', 'password']),
    );
  });

  it('answers a non-JSON body with 415', async () => {
    const response = await t
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'text/csv')
      .send('email,password')
      .expect(415);
    expectProblem(response.body, 415);
  });
});
