import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../../src/config/app-config';
import { ENDS_CALLERS_SESSION } from './access-matrix';
import { startApp, testConfig, TestApp } from './app';
import type { Principal } from './fuzz-openapi';
import type { FuzzCase, RealIds } from './fuzz-requests';
import { migrateAndSeed, onServer } from './test-database';

// The fuzz suite's own copy of the demo data: a database beside the run's, migrated and seeded
// the same way, its own Redis key prefix and mail folder, and no workers. Thousands of bad
// requests (and the odd good one among them) then cannot disturb what other suites read.
export interface FuzzApp extends TestApp {
  // Errors the app logged (the stack behind a 500), newest last.
  logged: string[];
  dispose: () => Promise<void>;
}

export async function startFuzzApp(): Promise<FuzzApp> {
  const base = testConfig();
  const url = new URL(base.databaseUrl);
  const runDatabase = decodeURIComponent(url.pathname.slice(1));
  const database = `${runDatabase}_fuzz`.slice(0, 63);
  if (!/test/i.test(database)) {
    throw new Error(`Refusing to fuzz in "${database}": its name must contain "test"`);
  }
  url.pathname = `/${database}`;
  const folder = mkdtempSync(join(tmpdir(), 'ssg-test-fuzz-'));
  const config: Partial<AppConfig> = {
    databaseUrl: url.toString(),
    redisPrefix: `${base.redisPrefix}:fuzz`,
    processRole: 'api',
    files: { dir: join(folder, 'files') },
    mail: { ...base.mail, dir: join(folder, 'mail') },
  };
  await onServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await migrateAndSeed(testConfig(config));

  const t = await startApp(config);
  const logged: string[] = [];
  const capture: LoggerService = {
    log: () => undefined,
    warn: () => undefined,
    error: (message: unknown, ...rest: unknown[]) => {
      logged.push([message, ...rest].map(String).join(' '));
    },
  };
  t.app.useLogger(capture);
  return {
    ...t,
    logged,
    dispose: async () => {
      await t.close();
      if (process.env.KEEP_TEST_DATABASE !== 'true') {
        await onServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

export async function send(
  app: NestFastifyApplication,
  c: Pick<FuzzCase, 'method' | 'url' | 'headers' | 'payload' | 'principal'>,
  tokens: Record<string, string>,
): Promise<Answer> {
  const headers = { ...c.headers };
  if (c.principal !== 'none' && headers.authorization === undefined) {
    headers.authorization = `Bearer ${tokens[c.principal]}`;
  }
  const response = await app
    .getHttpAdapter()
    .getInstance()
    .inject({
      method: c.method as 'GET',
      url: c.url,
      headers,
      ...(c.payload !== undefined ? { payload: c.payload } : {}),
    });
  return {
    status: response.statusCode,
    contentType: String(response.headers['content-type'] ?? ''),
    body: response.body,
  };
}

// What is wrong with an answer to a bad request, if anything: a 5xx, or an error that is not
// problem+json with the problem shape (type, title, status, detail, code).
export function defectOf(answer: Answer): string | undefined {
  if (answer.status >= 500) {
    return `server error ${answer.status}`;
  }
  if (answer.status < 400) {
    return undefined;
  }
  if (!/^application\/problem\+json(;|$)/.test(answer.contentType)) {
    return `error ${answer.status} as "${answer.contentType}", not application/problem+json`;
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return `error ${answer.status} whose body is not JSON`;
  }
  const shaped =
    body !== null &&
    body.status === answer.status &&
    typeof body.type === 'string' &&
    body.type.startsWith('urn:safer-streets:problem:') &&
    typeof body.title === 'string' &&
    typeof body.detail === 'string' &&
    typeof body.code === 'string';
  return shaped ? undefined : `error ${answer.status} without the problem shape`;
}

export interface Offence {
  c: FuzzCase;
  answer: Answer;
  defect: string;
}

export interface FuzzRun {
  sent: number;
  byStatus: Record<number, number>;
  offences: Offence[];
  // `GET /api/v1/rounds as admin`: each operation and principal sent at least one request.
  pairs: Set<string>;
  milliseconds: number;
}

// Sends every case, a few at a time, and keeps only what is needed to judge and report. Cases on
// a route that ends the caller's session (logout) carry `spareTokens`, so the first of them to
// succeed does not sign the rest of the run out.
export async function runCases(
  app: NestFastifyApplication,
  cases: FuzzCase[],
  tokens: Record<string, string>,
  concurrency: number,
  spareTokens: Record<string, string>,
): Promise<FuzzRun> {
  const started = Date.now();
  const run: FuzzRun = {
    sent: 0,
    byStatus: {},
    offences: [],
    pairs: new Set(),
    milliseconds: 0,
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const c = cases[next++];
      let answer: Answer;
      try {
        answer = await send(app, c, ENDS_CALLERS_SESSION.has(c.label) ? spareTokens : tokens);
      } catch (error) {
        answer = { status: 0, contentType: '', body: `inject threw: ${String(error)}` };
      }
      run.sent++;
      run.byStatus[answer.status] = (run.byStatus[answer.status] ?? 0) + 1;
      run.pairs.add(`${c.label} as ${c.principal}`);
      const defect = answer.status === 0 ? 'no answer' : defectOf(answer);
      if (defect) {
        run.offences.push({ c, answer, defect });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  run.milliseconds = Date.now() - started;
  return run;
}

function excerpt(value: string | Buffer | undefined, length = 240): string {
  if (value === undefined) {
    return '(none)';
  }
  const text = Buffer.isBuffer(value)
    ? `<${value.length} bytes: ${value.toString('hex').slice(0, 60)}>`
    : value;
  const shown = JSON.stringify(text.slice(0, length));
  return text.length > length ? `${shown}… (${text.length} chars)` : shown;
}

// The report printed when the run finds anything: how many, grouped by route and kind, then the
// first few requests in full (enough to send again by hand) with what came back.
export function describeOffences(run: FuzzRun, seed: number, logged: string[], first = 8): string {
  const groups = new Map<string, number>();
  for (const o of run.offences) {
    const key = `${o.c.label} [${o.c.kind.split(' ').slice(0, 2).join(' ')}] → ${o.defect}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const lines = [
    `${run.offences.length} of ${run.sent} bad requests were answered wrongly (seed ${seed}; FUZZ_SEED=${seed} repeats the run).`,
    '',
    'By route, kind and defect:',
    ...[...groups.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40)
      .map(([key, n]) => `  ${n} × ${key}`),
    '',
    `The first ${Math.min(first, run.offences.length)}:`,
  ];
  for (const o of run.offences.slice(0, first)) {
    lines.push(
      `- ${o.defect}`,
      `  request: ${o.c.method} ${excerpt(o.c.url, 200)} as ${o.c.principal} (${o.c.kind})`,
      `  headers: ${excerpt(JSON.stringify(o.c.headers), 200)}`,
      `  body:    ${excerpt(o.c.payload)}`,
      `  answer:  ${o.answer.status} ${o.answer.contentType} ${excerpt(o.answer.body, 300)}`,
    );
  }
  if (logged.length > 0) {
    lines.push(
      '',
      'Errors the app logged (first 3):',
      ...logged.slice(0, 3).map((l) => `  ${l.slice(0, 800)}`),
    );
  }
  return lines.join('\n');
}

// Ids of records that exist, by the path segment that names them, read through the API.
export async function collectRealIds(
  app: NestFastifyApplication,
  tokens: Record<string, string>,
): Promise<RealIds> {
  const pools: Record<string, Set<string>> = {};
  const add = (resource: string, id: unknown): void => {
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) {
      (pools[resource] ??= new Set()).add(id);
    }
  };
  const harvest = (resource: string, value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((v) => harvest(resource, v));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'id') {
          add(resource, v);
        } else if (key.endsWith('Id') && typeof v === 'string') {
          add(`${key.slice(0, -2)}s`, v);
        } else if (typeof v === 'object') {
          harvest(key === 'items' ? resource : key, v);
        }
      }
    }
  };
  const read = async (role: string, url: string, resource: string): Promise<unknown> => {
    const answer = await send(
      app,
      { method: 'GET', url, headers: {}, principal: role as Principal },
      tokens,
    );
    if (answer.status !== 200) {
      return undefined;
    }
    const body = JSON.parse(answer.body) as unknown;
    harvest(resource, body);
    return body;
  };
  for (const resource of [
    'rounds',
    'bids',
    'organisations',
    'users',
    'returns',
    'payments',
    'emails',
  ]) {
    await read('admin', `/api/v1/${resource}?limit=100`, resource);
  }
  await read('moderator', '/api/v1/assignments?limit=100', 'assignments');
  for (const round of [...(pools.rounds ?? [])]) {
    await read('admin', `/api/v1/rounds/${round}/decisions`, 'decisions');
  }
  return Object.fromEntries(Object.entries(pools).map(([k, v]) => [k, [...v].sort()]));
}
