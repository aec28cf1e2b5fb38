import supertest from 'supertest';
import { ROLES } from '../../src/common/access';
import type { AppConfig } from '../../src/config/app-config';
import { DEMO_EXTRA_APPLICANTS, DEMO_EXTRA_STAFF } from '../../src/demo/demo-organisations';
import { createHttpApp } from '../../src/http-app';
import { signInThroughSecondFactor } from './second-factor';

// Long enough for the whole run: the global setup signs each demo user in once.
export const DEMO_SESSION_SECONDS = 12 * 3600;

// Every demo user signed in through the real flow (a code for the staff), by email.
export async function signInDemoUsers(config: AppConfig): Promise<Record<string, string>> {
  const app = await createHttpApp(
    {
      ...config,
      processRole: 'api',
      jwtTtlSeconds: DEMO_SESSION_SECONDS,
      sessions: { idleSeconds: DEMO_SESSION_SECONDS, absoluteSeconds: 2 * DEMO_SESSION_SECONDS },
    },
    false,
  );
  try {
    const post = async (path: string, body: object) => {
      const response = await supertest(app.getHttpServer()).post(path).send(body);
      return { status: response.status, body: response.body as Record<string, unknown> };
    };
    const emails = [
      ...ROLES.map((role) => `${role}@demo.test`),
      ...DEMO_EXTRA_APPLICANTS.map((account) => account.email),
      ...DEMO_EXTRA_STAFF.map((account) => account.email),
    ];
    const tokens: Record<string, string> = {};
    for (const email of emails) {
      tokens[email] = (
        await signInThroughSecondFactor(post, email, config.demoPassword)
      ).accessToken;
    }
    return tokens;
  } finally {
    await app.close();
  }
}
