import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEMO_PASSWORD, startApp, startWorker, type TestApp } from '../support/app';
import { emailedLinkToken } from '../support/accounts';
import { uniqueSuffix, validRound } from '../support/factories';
import { type Api, apiClient, ok, type Schemas, signIn } from './api-client';

export const PCC = 'Police and Crime Commissioner for Northumbria';
export const COUNCIL = 'Newcastle upon Tyne City Council';

// Everyone the typed-client round needs, each with a client signed in: the demo's staff, a
// second approver, a second finance officer, two assessors, and applicants of the Northumbria PCC and a council in its
// area; the app listens on a port and a worker runs beside it (it builds exports and writes the
// round's emails to MAIL_DIR).
export interface ClientCast {
  baseUrl: string;
  as: Record<
    'admin' | 'moderator' | 'approver' | 'finance' | 'payer' | 'secondApprover' | 'pcc' | 'council',
    Api
  >;
  assessors: { id: string; api: Api }[];
  // Organisation ids by name.
  orgs: Record<string, string>;
  // The run's database, for arranging what time would otherwise have to do.
  db: DataSource;
  close: () => Promise<void>;
}

export async function startClientCast(): Promise<ClientCast> {
  const t: TestApp = await startApp({ processRole: 'api' });
  await t.app.listen(0, '127.0.0.1');
  const baseUrl = await t.app.getUrl();
  const worker: INestApplicationContext = await startWorker();
  const close = async () => {
    await worker.close();
    await t.close();
  };
  try {
    return await castOn(t, baseUrl, close);
  } catch (error) {
    // A cast that failed to assemble must not leave its worker running: it would go on sending
    // the run's queued emails, and later suites would wait for mail that went elsewhere.
    await close();
    throw error;
  }
}

async function castOn(
  t: TestApp,
  baseUrl: string,
  close: () => Promise<void>,
): Promise<ClientCast> {
  const as = {} as ClientCast['as'];
  for (const role of ['admin', 'moderator', 'approver', 'finance'] as const) {
    as[role] = await signIn(baseUrl, `${role}@demo.test`, DEMO_PASSWORD);
  }
  // A user the admin invites, who accepts the emailed invitation and signs in: all through the
  // typed client (the token is made from the queued email, as the worker makes it).
  const newUser = async (role: Schemas['CreateUserDto']['role'], organisationId?: string) => {
    const suffix = uniqueSuffix().toLowerCase();
    const body: Schemas['CreateUserDto'] = {
      email: `client-${role}-${suffix}@round.example`,
      name: `Client ${role} ${suffix}`,
      role,
      ...(organisationId ? { organisationId } : {}),
    };
    const user = await ok(as.admin.POST('/api/v1/users', { body }));
    const password = `Client-Password-${suffix}`;
    const token = await emailedLinkToken(t, user.id);
    const accepted = await ok(
      apiClient(baseUrl).POST('/api/v1/auth/invitations/accept', { body: { token, password } }),
    );
    if (accepted.status !== 'active') {
      throw new Error(`${body.email} is ${accepted.status} after accepting the invitation`);
    }
    return { id: user.id, api: await signIn(baseUrl, body.email, password) };
  };
  const listed = await ok(
    as.admin.GET('/api/v1/organisations', { params: { query: { limit: 100 } } }),
  );
  const orgs = Object.fromEntries(listed.items.map((o) => [o.name, o.id]));
  as.pcc = (await newUser('applicant', orgs[PCC])).api;
  as.council = (await newUser('applicant', orgs[COUNCIL])).api;
  as.secondApprover = (await newUser('approver')).api;
  // Whoever approves a return may not record its payment: a second finance officer does.
  as.payer = (await newUser('finance')).api;
  const assessors = [await newUser('assessor'), await newUser('assessor')];
  return {
    baseUrl,
    as,
    assessors,
    orgs,
    db: t.app.get(DataSource),
    close,
  };
}

// How the committed types differ from what openapi-typescript makes of the running app's
// document now: exit code 0 and no output when they are the same.
export function generatedTypesDrift(
  baseUrl: string,
): Promise<{ code: number | string; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['scripts/generate-client.sh', '--check', '--from', baseUrl],
      { cwd: join(__dirname, '..', '..') },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : (error.code ?? 1), output: stdout + stderr }),
    );
  });
}

// A draft round whose bidding window closes at `closesAt` but which opened in March 2025 and
// delivers through 2025/26, which is over, so every quarter's return can be sent now. The API
// rightly refuses to create such a round (its window opened long ago, its delivery starts before
// bids close): it is created for now and 2027/28, then moved back in the database.
export async function createDeliveredRound(
  cast: ClientCast,
  settings: Partial<Schemas['CreateRoundDto']> & { closesAt: string },
): Promise<Schemas['RoundDto']> {
  const created = await ok(
    cast.as.admin.POST('/api/v1/rounds', {
      body: validRound({
        ...settings,
        opensAt: new Date(Date.now() - 60_000).toISOString(),
        deliveryStartsOn: '2027-04-01',
        deliveryEndsOn: '2028-03-31',
      }),
    }),
  );
  await cast.db.query(
    `UPDATE funding_rounds SET opens_at = '2025-03-03T09:00:00Z', delivery_starts_on = '2025-04-01',
       delivery_ends_on = '2026-03-31' WHERE id = $1`,
    [created.id],
  );
  return created;
}
