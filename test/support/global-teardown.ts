import { rmSync } from 'node:fs';
import Redis from 'ioredis';
import { removeTestBuild } from './test-build';
import { onServer } from './test-database';
import { workerDatabaseName } from './worker-database';

// Leaves nothing behind: the run's database, its compiled app and every Redis key under the
// run's prefix.
export default async function globalTeardown(): Promise<void> {
  const database = process.env.TEST_DATABASE_CREATED;
  if (database && process.env.KEEP_TEST_DATABASE !== 'true') {
    const copies = Number(process.env.TEST_WORKER_COPIES ?? 0);
    for (let worker = 1; worker <= copies; worker++) {
      await onServer(
        `DROP DATABASE IF EXISTS "${workerDatabaseName(database, String(worker))}" WITH (FORCE)`,
      );
    }
    await onServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
  removeTestBuild();
  for (const [dir, marker] of [
    [process.env.MAIL_DIR, 'ssg-test-mail-'],
    [process.env.FILES_DIR, 'ssg-test-files-'],
  ] as const) {
    if (dir?.includes(marker)) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const prefix = process.env.REDIS_PREFIX;
  if (prefix?.startsWith('ssg-test-')) {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      // `${prefix}*`: the workers' own prefixes (`${prefix}-w1`) too.
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) {
        await redis.del(...keys);
      }
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
}
