import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { workerDatabaseName } from './worker-database';

// Every e2e worker: UTC clock (deadlines depend on it) and test mode.
process.env.TZ = 'UTC';
process.env.NODE_ENV = 'test';

// With several workers, this worker's own copy of the run's database, Redis prefix, mail folder
// and file store (the global setup made the copies). Each test file gets a fresh copy of the
// worker's environment, so this runs once per file from the run's values; the mark makes it
// harmless should a file ever see it already applied.
const worker = process.env.JEST_WORKER_ID;
if (
  Number(process.env.TEST_WORKER_COPIES ?? 0) > 1 &&
  worker &&
  process.env.TEST_WORKER !== worker
) {
  const url = new URL(process.env.DATABASE_URL as string);
  url.pathname = `/${workerDatabaseName(decodeURIComponent(url.pathname.slice(1)), worker)}`;
  process.env.DATABASE_URL = url.toString();
  process.env.REDIS_PREFIX = `${process.env.REDIS_PREFIX}-w${worker}`;
  for (const name of ['MAIL_DIR', 'FILES_DIR'] as const) {
    const dir = join(process.env[name] as string, `w${worker}`);
    mkdirSync(dir, { recursive: true });
    process.env[name] = dir;
  }
  process.env.TEST_WORKER = worker;
}
