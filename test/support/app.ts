import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import supertest from 'supertest';
import { AppModule } from '../../src/app.module';
import type { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { createHttpApp } from '../../src/http-app';
import type { Role } from '../../src/common/access';
import { type Post, signInThroughSecondFactor } from './second-factor';
import { DEMO_SESSION_SECONDS } from './demo-tokens';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: () => ReturnType<typeof supertest>;
  close: () => Promise<void>;
}

// Generous login limits unless a suite is about them: every suite logs in from 127.0.0.1.
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  const base = loadConfig();
  return {
    ...base,
    login: { ...base.login, perAddressLimit: 10_000, perEmailLimit: 1_000 },
    // The demo users' sessions, begun once in the global setup, last the whole run.
    sessions: { idleSeconds: DEMO_SESSION_SECONDS, absoluteSeconds: 2 * DEMO_SESSION_SECONDS },
    // Quiet test output: no log lines from apps and workers inside the test process.
    observability: {
      ...base.observability,
      logLevel: process.env.DEBUG_APP_LOG ? base.observability.logLevel : 'silent',
    },
    ...overrides,
  };
}

export async function startApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  const app = await createHttpApp(config, process.env.DEBUG_APP_LOG ? undefined : false);
  return { app, config, http: () => supertest(app.getHttpServer()), close: () => app.close() };
}

// A worker-role process in this test process (no HTTP server): relay, email sender, schedulers.
export async function startWorker(
  overrides: Partial<AppConfig> = {},
): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(
    AppModule.forRole(testConfig({ ...overrides, processRole: 'worker' })),
    { logger: ['error'] },
  );
  return context;
}

export const DEMO_PASSWORD = loadConfig().demoPassword;

// Tokens of every demo user, signed in once by the global setup through the real second
// factor: a code can't be used twice, so dozens of suites could not each sign in the demo
// staff within one 30-second step.
const DEMO_TOKENS: Record<string, string> = JSON.parse(
  process.env.TEST_DEMO_TOKENS ?? '{}',
) as Record<string, string>;

// A token for the user. A demo user with the demo password gets the run's shared token, anyone
// else the token this file got them before, unless `fresh` is asked for (a suite about signing
// in, or one that ends a session); otherwise a real sign-in through the second factor (staff a
// test made are enrolled on their first sign-in).
export async function login(
  t: TestApp,
  email: string,
  password = DEMO_PASSWORD,
  { fresh = false } = {},
): Promise<string> {
  // Only an app on the run's database and secret knows those tokens (the fuzz run has its own).
  const runApp =
    t.config.databaseUrl === process.env.DATABASE_URL &&
    t.config.jwtSecret === process.env.JWT_SECRET;
  const shared =
    runApp && password === DEMO_PASSWORD && !fresh ? DEMO_TOKENS[email.toLowerCase()] : null;
  if (shared) {
    return shared;
  }
  // A user this file signed in before keeps their token while it still works: signing in again
  // within 30 seconds would wait for the next code.
  const key = `${email.toLowerCase()}\n${password}`;
  const earlier = fresh ? undefined : signedInHere.get(key);
  if (earlier && (await t.http().get('/api/v1/me').set('authorization', `Bearer ${earlier}`)).ok) {
    return earlier;
  }
  const { accessToken } = await signInThroughSecondFactor(supertestPost(t), email, password);
  signedInHere.set(key, accessToken);
  return accessToken;
}

const signedInHere = new Map<string, string>();

export function supertestPost(t: Pick<TestApp, 'http'>): Post {
  return async (path, body, token) => {
    const request = t.http().post(path);
    const response = await (token ? request.set('authorization', `Bearer ${token}`) : request).send(
      body,
    );
    return { status: response.status, body: response.body as Record<string, unknown> };
  };
}

// Demo users exist for each role (the global setup loads the demo data).
// `fresh`: sessions of their own, for a caller that ends them (logout) without ending the run's.
export async function tokensByRole(
  t: TestApp,
  { fresh = false } = {},
): Promise<Record<Role, string>> {
  const roles: Role[] = ['applicant', 'assessor', 'moderator', 'approver', 'finance', 'admin'];
  const tokens = await Promise.all(
    roles.map((role) => login(t, `${role}@demo.test`, DEMO_PASSWORD, { fresh })),
  );
  return Object.fromEntries(roles.map((role, i) => [role, tokens[i]])) as Record<Role, string>;
}

// The demo's second finance officer: whoever approved a return may not record its payment.
export async function payerHeaders(t: TestApp): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await login(t, 'payments@demo.test')}` };
}

export function expectProblem(body: unknown, status: number, code?: string): void {
  expect(body).toEqual(
    expect.objectContaining({
      status,
      type: expect.stringContaining('urn:safer-streets:problem:'),
      title: expect.any(String),
      detail: expect.any(String),
    }),
  );
  if (code) {
    expect((body as { code: string }).code).toBe(code);
  }
}
