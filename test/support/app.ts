import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import supertest from 'supertest';
import { AppModule } from '../../src/app.module';
import type { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { createHttpApp } from '../../src/http-app';
import type { Role } from '../../src/common/access';

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

export async function login(t: TestApp, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await t.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
  return (response.body as { accessToken: string }).accessToken;
}

// Demo users exist for each role (the global setup loads the demo data).
export async function tokensByRole(t: TestApp): Promise<Record<Role, string>> {
  const roles: Role[] = ['applicant', 'assessor', 'moderator', 'approver', 'finance', 'admin'];
  const tokens = await Promise.all(roles.map((role) => login(t, `${role}@demo.test`)));
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
