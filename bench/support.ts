import { once } from 'node:events';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { generate } from 'otplib';
import { DataSource } from 'typeorm';
import { migrate, seedDemo } from '../src/cli';
import type { AppConfig } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { DEMO_SECOND_FACTOR_SECRET } from '../src/demo/demo-second-factor';

// What the api, email and reminder-scan benchmarks share: a database and a Redis key prefix of
// their own (DATABASE_URL's name and REDIS_PREFIX with "_bench_<name>" / "-bench-<name>"), made
// fresh at the start and removed at the end unless BENCH_KEEP_DATABASE=1.

export function benchConfig(name: string, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const base = loadConfig(env);
  const url = new URL(base.databaseUrl);
  url.pathname = `${url.pathname}_bench_${name}`;
  return { ...base, databaseUrl: url.toString(), redisPrefix: `${base.redisPrefix}-bench-${name}` };
}

// The environment a child process needs to load the same configuration as `config`.
export function benchEnv(config: AppConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: config.databaseUrl,
    REDIS_PREFIX: config.redisPrefix,
    // One secret for every process a benchmark starts (unset, each would make its own).
    JWT_SECRET: config.jwtSecret,
    ...extra,
  };
}

function serverUrl(databaseUrl: string): { server: string; name: string } {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  return { server: url.toString(), name };
}

async function onServer(databaseUrl: string, sql: string): Promise<void> {
  const { server } = serverUrl(databaseUrl);
  const admin = await new DataSource({ type: 'postgres', url: server }).initialize();
  try {
    await admin.query(sql);
  } finally {
    await admin.destroy();
  }
}

export async function dropDatabase(config: AppConfig): Promise<void> {
  const { name } = serverUrl(config.databaseUrl);
  await onServer(config.databaseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

// Removes every Redis key under the bench's prefix (queues, throttler counters).
export async function clearRedis(config: AppConfig): Promise<void> {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${config.redisPrefix}:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

// A fresh, migrated database (and empty Redis prefix), with the demo data when asked.
export async function freshDatabase(config: AppConfig, demo: boolean): Promise<void> {
  await dropDatabase(config);
  await clearRedis(config);
  await migrate(config);
  if (demo) {
    await seedDemo(config);
  }
}

export async function cleanUp(config: AppConfig): Promise<void> {
  await clearRedis(config);
  if (process.env.BENCH_KEEP_DATABASE === '1') {
    process.stderr.write(`Kept the database ${serverUrl(config.databaseUrl).name}\n`);
    return;
  }
  await dropDatabase(config);
}

export function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new Error(`${name} must be a positive number (got "${value}")`);
  }
  return parsed;
}

// A TCP port nobody is listening on now.
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

// A bearer token for a demo user, through the second factor where the account has one: the code
// computed from the demo's published secret (the next step's if this one's was just used).
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const post = async (path: string, body: object) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const login = await post('/api/v1/auth/login', { email, password });
  if (login.status === 200) {
    return login.body.accessToken as string;
  }
  if (login.status !== 202) {
    throw new Error(
      `Logging in as ${email} answered ${login.status}: ${JSON.stringify(login.body)}`,
    );
  }
  const step = Math.floor(Date.now() / 30_000);
  for (const offset of [0, 1]) {
    const code = await generate({ secret: DEMO_SECOND_FACTOR_SECRET, epoch: (step + offset) * 30 });
    const done = await post('/api/v1/auth/login/second-factor', {
      challenge: login.body.challenge,
      code,
    });
    if (done.status === 200) {
      return done.body.accessToken as string;
    }
  }
  throw new Error(`The second factor of ${email} was refused: the demo secret does not match`);
}
