import type { INestApplicationContext } from '@nestjs/common';
import { generate } from 'otplib';
import type { Role } from '../src/common/access';
import {
  expectProblem,
  startApp,
  startWorker,
  supertestPost,
  testConfig,
  TestApp,
  tokensByRole,
} from './support/app';
import { createAccount } from './support/accounts';
import { validStaffUser } from './support/factories';
import { enrolSecondFactor, rememberSecondFactor, unusedCode } from './support/second-factor';
import { eventually, TestSmtpServer } from './support/smtp';

interface NewUser {
  id: string;
  email: string;
  password: string;
}

describe('two-factor sign-in (TOTP)', () => {
  let t: TestApp;
  let tokens: Record<Role, string>;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    // The API alone: the reset's email is sent by the worker the reset tests start.
    t = await startApp({ processRole: 'api' });
    tokens = await tokensByRole(t);
  });
  afterAll(() => t.close());

  // Invited by the admin, with the invitation accepted: a user with a password, no factor yet.
  const newUser = (overrides: Record<string, unknown> = {}): Promise<NewUser> =>
    createAccount(t, bearer(tokens.admin), validStaffUser(overrides));

  const passwordStep = (user: NewUser) =>
    t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });

  async function challengeFor(user: NewUser): Promise<string> {
    const answer = await passwordStep(user).expect(202);
    expect(answer.body).toEqual({
      challenge: expect.any(String),
      expiresIn: 300,
      methods: ['totp', 'recovery-code'],
    });
    return answer.body.challenge as string;
  }

  const complete = (body: object) => t.http().post('/api/v1/auth/login/second-factor').send(body);

  // A staff user made by the admin and enrolled; the password alone now answers a challenge.
  async function enrolledStaff(overrides: Record<string, unknown> = {}) {
    const user = await newUser(overrides);
    const first = await passwordStep(user).expect(200);
    const enrolled = await enrolSecondFactor(supertestPost(t), first.body.accessToken, user.email);
    return { ...user, ...enrolled };
  }

  const codeAtStep = (secret: string, offset: number) =>
    generate({ secret, epoch: Math.floor(Date.now() / 30_000 + offset) * 30 });

  it('keeps a staff user without a factor to enrolment, then signs them in with a code', async () => {
    const user = await newUser({ role: 'moderator' });
    const first = await passwordStep(user).expect(200);
    expect(first.body.user.secondFactorEnrolledAt).toBeNull();
    const token = first.body.accessToken as string;
    await t.http().get('/api/v1/me').set(bearer(token)).expect(200);
    const refused = await t.http().get('/api/v1/rounds').set(bearer(token)).expect(403);
    expectProblem(refused.body, 403, 'second-factor-enrolment-required');
    expect(refused.body.detail).toMatch(/POST \/api\/v1\/me\/second-factor/);

    // Restarting before confirming replaces the secret; the first one no longer confirms.
    const abandoned = await t
      .http()
      .post('/api/v1/me/second-factor')
      .set(bearer(token))
      .expect(201);
    const started = await t.http().post('/api/v1/me/second-factor').set(bearer(token)).expect(201);
    expect(started.body.secret).not.toBe(abandoned.body.secret);
    const uri = new URL(started.body.otpauthUri);
    expect(decodeURIComponent(uri.pathname)).toBe(`/Safer Streets grants:${user.email}`);
    expect(uri.searchParams.get('secret')).toBe(started.body.secret);
    expect(started.body.recoveryCodes).toHaveLength(10);
    expect(new Set(started.body.recoveryCodes).size).toBe(10);
    rememberSecondFactor(user.email, started.body.secret);
    const stale = await t
      .http()
      .post('/api/v1/me/second-factor/confirm')
      .set(bearer(token))
      .send({ code: await codeAtStep(abandoned.body.secret, 0) })
      .expect(400);
    expectProblem(stale.body, 400, 'enrolment-code-wrong');

    const confirmed = await t
      .http()
      .post('/api/v1/me/second-factor/confirm')
      .set(bearer(token))
      .send({ code: await unusedCode(user.email) })
      .expect(200);
    expect(confirmed.body.user.secondFactorEnrolledAt).toEqual(expect.any(String));
    await t.http().get('/api/v1/rounds').set(bearer(confirmed.body.accessToken)).expect(200);
    // The token from before the factor is not proven by it.
    const unproven = await t.http().get('/api/v1/rounds').set(bearer(token)).expect(401);
    expectProblem(unproven.body, 401, 'second-factor-required');
    const again = await t
      .http()
      .post('/api/v1/me/second-factor')
      .set(bearer(confirmed.body.accessToken))
      .expect(409);
    expectProblem(again.body, 409, 'second-factor-already-enrolled');

    const challenge = await challengeFor(user);
    const signedIn = await complete({ challenge, code: await unusedCode(user.email) }).expect(200);
    expect(signedIn.body).toMatchObject({ tokenType: 'Bearer', user: { email: user.email } });
    await t.http().get('/api/v1/rounds').set(bearer(signedIn.body.accessToken)).expect(200);
  });

  it('refuses a code used already, and a challenge used already', async () => {
    const user = await enrolledStaff();
    const challenge = await challengeFor(user);
    const code = await unusedCode(user.email);
    await complete({ challenge, code }).expect(200);
    // Refused before any code is looked at.
    const spent = await complete({ challenge, code }).expect(401);
    expectProblem(spent.body, 401, 'second-factor-challenge-spent');
    const replayed = await complete({ challenge: await challengeFor(user), code }).expect(401);
    expectProblem(replayed.body, 401, 'second-factor-code-wrong');
  });

  it('lets exactly one of two sign-ins with the same code through', async () => {
    const user = await enrolledStaff();
    const [a, b] = [await challengeFor(user), await challengeFor(user)];
    const code = await unusedCode(user.email);
    const answers = await Promise.all([
      complete({ challenge: a, code }),
      complete({ challenge: b, code }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
  });

  it('takes each recovery code once, and audits its use and wrong codes without the codes', async () => {
    const user = await enrolledStaff();
    const [recoveryCode] = user.recoveryCodes;
    const used = await complete({
      challenge: await challengeFor(user),
      recoveryCode: recoveryCode.toLowerCase(),
    }).expect(200);
    await t.http().get('/api/v1/rounds').set(bearer(used.body.accessToken)).expect(200);
    const again = await complete({ challenge: await challengeFor(user), recoveryCode }).expect(401);
    expectProblem(again.body, 401, 'second-factor-code-wrong');

    const events = await t
      .http()
      .get(`/api/v1/audit-events?objectType=user&objectId=${user.id}&limit=100`)
      .set(bearer(tokens.admin))
      .expect(200);
    const byCommand = (command: string) =>
      events.body.items.filter((event: { command: string }) => event.command === command);
    expect(byCommand('second-factor.enrolment-start')).toHaveLength(1);
    expect(byCommand('second-factor.enrolment-confirm')).toHaveLength(1);
    expect(byCommand('second-factor.recovery-code-use')[0].changes).toEqual({
      recoveryCodesLeft: { before: 10, after: 9 },
    });
    expect(byCommand('second-factor.code-refuse')[0].changes).toEqual({
      failuresInARow: { before: 0, after: 1 },
    });
    const written = JSON.stringify(events.body.items);
    for (const secretThing of [user.secret, ...user.recoveryCodes]) {
      expect(written).not.toContain(secretThing);
    }
  });

  it('spends a challenge after five wrong codes; even the right code then needs the password again', async () => {
    const user = await enrolledStaff();
    const challenge = await challengeFor(user);
    const right = await unusedCode(user.email);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) {
      const refused = await complete({ challenge, code: wrong }).expect(401);
      expectProblem(refused.body, 401, 'second-factor-code-wrong');
    }
    const spent = await complete({ challenge, code: right }).expect(401);
    expectProblem(spent.body, 401, 'second-factor-challenge-spent');
    // Nothing was used up: the same code still works with a new challenge.
    await complete({ challenge: await challengeFor(user), code: right }).expect(200);
  });

  it('makes a user wait after too many wrong codes, across challenges', async () => {
    const limits = {
      perEmailLimit: 3,
      perAddressLimit: 1000,
      windowSeconds: 60,
      maxWaitSeconds: 900,
    };
    const strict = await startApp({
      login: limits,
      redisPrefix: `${testConfig().redisPrefix}:second-factor-${Date.now()}`,
    });
    try {
      const user = await enrolledStaff();
      const attempt = async (code: string) => {
        const challenge = await strict
          .http()
          .post('/api/v1/auth/login')
          .send({ email: user.email, password: user.password })
          .expect(202);
        return strict
          .http()
          .post('/api/v1/auth/login/second-factor')
          .send({ challenge: challenge.body.challenge, code });
      };
      for (let i = 0; i < limits.perEmailLimit; i++) {
        expect((await attempt('000000')).status).toBe(401);
      }
      const waiting = await attempt(await unusedCode(user.email));
      expectProblem(waiting.body, 429, 'too-many-requests');
      // The first wait (60 s), less the time the password step took.
      expect(Number(waiting.headers['retry-after'])).toBeGreaterThan(50);
      expect(Number(waiting.headers['retry-after'])).toBeLessThanOrEqual(60);
    } finally {
      await strict.close();
    }
  });

  it('answers the wrong code that reaches the limit as wrong; only the next attempt waits', async () => {
    // The limits a start has unless set otherwise: 5 wrong codes per user, 5 per challenge.
    const limits = {
      perEmailLimit: 5,
      perAddressLimit: 20,
      windowSeconds: 60,
      maxWaitSeconds: 900,
    };
    const strict = await startApp({
      login: limits,
      redisPrefix: `${testConfig().redisPrefix}:second-factor-limit-${Date.now()}`,
    });
    try {
      const user = await enrolledStaff();
      const challengeFrom = async () =>
        (
          await strict
            .http()
            .post('/api/v1/auth/login')
            .send({ email: user.email, password: user.password })
            .expect(202)
        ).body.challenge as string;
      const challenge = await challengeFrom();
      for (let i = 0; i < limits.perEmailLimit; i++) {
        const refused = await strict
          .http()
          .post('/api/v1/auth/login/second-factor')
          .send({ challenge, code: '000000' });
        expectProblem(refused.body, 401, 'second-factor-code-wrong');
      }
      // The next attempt, on this challenge or a new one, is told to wait and for how long, with
      // the right code (the same both times: were it read and taken, the second would be 401).
      for (const next of [challenge, await challengeFrom()]) {
        const waiting = await strict
          .http()
          .post('/api/v1/auth/login/second-factor')
          .send({ challenge: next, code: await codeAtStep(user.secret, 0) });
        expectProblem(waiting.body, 429, 'too-many-requests');
        expect(Number(waiting.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(waiting.headers['retry-after'])).toBeLessThanOrEqual(60);
      }
    } finally {
      await strict.close();
    }
  });

  it('refuses forged and mistaken challenges, and both kinds of code at once', async () => {
    const user = await enrolledStaff();
    const accessTokenAsChallenge = await complete({
      challenge: user.accessToken,
      code: '123456',
    }).expect(401);
    expectProblem(accessTokenAsChallenge.body, 401, 'second-factor-challenge-invalid');
    const challenge = await challengeFor(user);
    const challengeAsToken = await t.http().get('/api/v1/me').set(bearer(challenge)).expect(401);
    expectProblem(challengeAsToken.body, 401, 'token-invalid');
    const both = await complete({ challenge, code: '123456', recoveryCode: 'ABCDE-FGHJK' }).expect(
      400,
    );
    expect(both.body.errors).toEqual([
      { field: 'recoveryCode', message: 'send either code or recoveryCode, not both' },
    ]);
    const neither = await complete({ challenge }).expect(400);
    expect(new Set(neither.body.errors.map((e: { field: string }) => e.field))).toEqual(
      new Set(['code']),
    );
  });

  it('lets applicants go without a factor, or enrol one and then sign in with it', async () => {
    const token = tokens.applicant;
    await t.http().get('/api/v1/rounds').set(bearer(token)).expect(200);
    const organisationId = (await t.http().get('/api/v1/me').set(bearer(token))).body
      .organisationId;
    const applicant = await newUser({ role: 'applicant', organisationId });
    const first = await passwordStep(applicant).expect(200);
    await t.http().get('/api/v1/rounds').set(bearer(first.body.accessToken)).expect(200);
    await enrolSecondFactor(supertestPost(t), first.body.accessToken, applicant.email);
    const challenge = await challengeFor(applicant);
    await complete({ challenge, code: await unusedCode(applicant.email) }).expect(200);
  });

  describe('an admin reset', () => {
    let smtp: TestSmtpServer;
    let worker: INestApplicationContext;
    beforeAll(async () => {
      smtp = await TestSmtpServer.start();
      worker = await startWorker({ mail: { ...testConfig().mail, smtpUrl: smtp.url } });
    });
    afterAll(async () => {
      await worker.close();
      await smtp.close();
    });

    it('ends the sessions, emails the user, and has them enrol again', async () => {
      const user = await enrolledStaff({ role: 'finance' });
      const reset = await t
        .http()
        .post(`/api/v1/users/${user.id}/second-factor/reset`)
        .set(bearer(tokens.admin))
        .expect(200);
      expect(reset.body).toMatchObject({ id: user.id, secondFactorEnrolledAt: null });
      const ended = await t.http().get('/api/v1/me').set(bearer(user.accessToken)).expect(401);
      expectProblem(ended.body, 401, 'token-revoked');
      const mail = await eventually(() => {
        const delivered = smtp.to(user.email).find((sent) => /second factor/.test(sent.subject));
        expect(delivered).toBeDefined();
        return delivered as NonNullable<typeof delivered>;
      });
      expect(mail.subject).toMatch(/second factor .* was reset/);
      expect(mail.text).toContain('signed out everywhere');

      const first = await passwordStep(user).expect(200);
      const limited = await t.http().get('/api/v1/rounds').set(bearer(first.body.accessToken));
      expectProblem(limited.body, 403, 'second-factor-enrolment-required');

      const again = await t
        .http()
        .post(`/api/v1/users/${user.id}/second-factor/reset`)
        .set(bearer(tokens.admin))
        .expect(409);
      expectProblem(again.body, 409, 'second-factor-not-enrolled');
      const events = await t
        .http()
        .get(`/api/v1/audit-events?objectType=user&objectId=${user.id}&limit=100`)
        .set(bearer(tokens.admin))
        .expect(200);
      const audited = events.body.items.find(
        (event: { command: string }) => event.command === 'second-factor.reset',
      );
      expect(audited.changes.recoveryCodesLeft).toEqual({ before: 10, after: 0 });
    });

    it('is not for your own factor', async () => {
      const me = (await t.http().get('/api/v1/me').set(bearer(tokens.admin))).body.id as string;
      const refused = await t
        .http()
        .post(`/api/v1/users/${me}/second-factor/reset`)
        .set(bearer(tokens.admin))
        .expect(409);
      expectProblem(refused.body, 409, 'cannot-reset-own-second-factor');
    });
  });
});
