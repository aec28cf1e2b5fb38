import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config';
import { signInDemoUsers } from './demo-tokens';
import { migrateAndSeed, onServer, TEST_DATABASE_SERVER, testDatabaseName } from './test-database';
import { workerDatabaseName } from './worker-database';

// Once per run: a fresh database migrated by the real migrations, with the demo data (so each
// role has a user), and a Redis key prefix of its own. Test workers inherit the environment.
// With several workers, each gets a copy of that database made from it as a template (and its
// own Redis prefix and folders: see env.ts), so suites running side by side never share a queue,
// an outbox or a mail folder.
export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  const runId = `${Date.now()}_${process.pid}`;
  const database = testDatabaseName(runId);
  await onServer(
    `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`,
    `CREATE DATABASE "${database}"`,
  );
  process.env.NODE_ENV = 'test';
  process.env.DATABASE_URL = `${TEST_DATABASE_SERVER}/${database}`;
  process.env.REDIS_PREFIX = `ssg-test-${runId}`;
  process.env.TEST_DATABASE_CREATED = database;
  // Names the run's compiled app for the processes suites spawn (test-build.ts).
  process.env.TEST_RUN_ID = runId;
  // Without SMTP the worker writes .eml files: into a folder of the run's own, not the project's.
  process.env.MAIL_DIR = mkdtempSync(join(tmpdir(), `ssg-test-mail-${runId}-`));
  // Documents and exports likewise go to the run's own file store.
  process.env.FILES_DIR = mkdtempSync(join(tmpdir(), `ssg-test-files-${runId}-`));
  process.env.OUTBOX_RELAY_INTERVAL_MS = '100';
  // Passwords hashed at OWASP's minimum argon2id cost (19 MiB, 2 passes, 1 lane), the lowest the
  // config allows: the run hashes and verifies hundreds of them, each about 6 times dearer at the
  // production default. One suite checks the default's cost on its own.
  process.env.PASSWORD_HASH_MEMORY_KIB ||= '19456';
  process.env.PASSWORD_HASH_PASSES ||= '2';
  process.env.PASSWORD_HASH_LANES ||= '1';
  // One secret for the run's test workers and the processes they start.
  process.env.JWT_SECRET ||= randomBytes(32).toString('base64url');

  await migrateAndSeed(loadConfig());
  process.env.TEST_DEMO_TOKENS = JSON.stringify(await signInDemoUsers(loadConfig()));
  const workers = Math.max(1, globalConfig.maxWorkers);
  for (let worker = 1; worker <= workers && workers > 1; worker++) {
    const copy = workerDatabaseName(database, String(worker));
    await onServer(
      `DROP DATABASE IF EXISTS "${copy}" WITH (FORCE)`,
      `CREATE DATABASE "${copy}" TEMPLATE "${database}"`,
    );
  }
  process.env.TEST_WORKER_COPIES = String(workers > 1 ? workers : 0);
}
