import supertest from 'supertest';
import { ConfigError, loadConfig } from '../src/config/load-config';
import { DEMO_PASSWORD, supertestPost } from './support/app';
import { AppProcess, spawnApp } from './support/app-process';
import { signInThroughSecondFactor } from './support/second-factor';

// Secrets stay secret: production refuses the development defaults, passwords never reach the
// log, and a token is taken only from the Authorization header, never from a URL.
describe('secrets', () => {
  // The real service in a process of its own, logging as it runs (JSON lines at info), every
  // line it writes kept: pino writes to the file descriptor, not through process.stdout.
  let service: AppProcess;
  const http = () => supertest(service.url);
  // Its log so far, once it holds the line for the last request made (lines are written as
  // answers go, so the last one may lag the answer by a moment).
  const logAfter = async (requests: number) => {
    await service.waitForLine(
      () => service.lines().filter((line) => line.msg === 'request completed').length >= requests,
    );
    return service.output();
  };

  beforeAll(async () => {
    service = await spawnApp({});
  }, 240_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('refuses to run in production on the development secrets', () => {
    const production: Record<string, string | undefined> = {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: undefined,
      DEMO_PASSWORD: undefined,
    };
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/JWT_SECRET must be set in production/);
    expect(() =>
      loadConfig({ ...production, JWT_SECRET: 'dev-only-jwt-secret-change-me-0123456789' }),
    ).toThrow(/JWT_SECRET is a value published in this project's source/);
  });

  it('never writes a password to the log, whatever the answer', async () => {
    const wrong = 'Wrong-Password-Never-Logged-7731';
    await http()
      .post('/api/v1/auth/login')
      .send({ email: 'admin@demo.test', password: wrong })
      .expect(401);
    // The demo admin has a second factor: the right password answers a challenge.
    await http()
      .post('/api/v1/auth/login')
      .send({ email: 'admin@demo.test', password: DEMO_PASSWORD })
      .expect(202);
    await http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send(`{"password": "${wrong}"`)
      .expect(400);
    const log = await logAfter(3);
    expect(log).toContain('/api/v1/auth/login');
    expect(log).not.toContain(wrong);
    expect(log).not.toContain(DEMO_PASSWORD);
  });

  it('never writes a refresh token to the log, used, reused or in a body it cannot read', async () => {
    const login = await http()
      .post('/api/v1/auth/login')
      .send({ email: 'applicant@demo.test', password: DEMO_PASSWORD })
      .expect(200);
    const first = login.body.refreshToken as string;
    const next = await http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first })
      .expect(200);
    await http().post('/api/v1/auth/refresh').send({ refreshToken: first }).expect(401);
    await http()
      .post('/api/v1/auth/refresh')
      .set('content-type', 'application/json')
      .send(`{"refreshToken": "${next.body.refreshToken as string}"`)
      .expect(400);
    const log = await logAfter(7);
    expect(log).toContain('/api/v1/auth/refresh');
    expect(log).not.toContain(first);
    expect(log).not.toContain(next.body.refreshToken as string);
  });

  it('takes a token only from the Authorization header', async () => {
    const { accessToken: token } = await signInThroughSecondFactor(
      supertestPost({ http }),
      'admin@demo.test',
      DEMO_PASSWORD,
    );
    await http().get('/api/v1/me').set('authorization', `Bearer ${token}`).expect(200);
    for (const name of ['access_token', 'token', 'jwt']) {
      await http().get(`/api/v1/me?${name}=${token}`).expect(401);
    }
    // No operation of the API takes a token in its query or path.
    const docs = await http().get('/api/docs-json').expect(200);
    const parameters = Object.values(
      docs.body.paths as Record<string, Record<string, { parameters?: { name: string }[] }>>,
    )
      .flatMap((path) => Object.values(path))
      .flatMap((operation) => operation.parameters ?? [])
      .map((parameter) => parameter.name.toLowerCase());
    expect(parameters.filter((name) => /token|jwt|password|secret/.test(name))).toEqual([]);
  });
});
