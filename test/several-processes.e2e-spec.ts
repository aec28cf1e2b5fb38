import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DataSource, type QueryRunner } from 'typeorm';
import type { S3Config } from '../src/files/files-config';
import { S3FileStore } from '../src/files/s3-file-store';
import { DAILY_SCAN_SCHEDULER } from '../src/notifications/reminder.scheduler';
import { QUEUES } from '../src/queues/queues';
import { startApp, type TestApp, tokensByRole } from './support/app';
import { completedJob } from './support/jobs';
import { messageIdOf, queueBatch, statuses } from './support/outbox';
import {
  type ApiProcess,
  kill,
  type PrivateRedis,
  spawnApi,
  spawnWorker,
  startPrivateRedis,
} from './support/processes';
import { TestS3Server } from './support/s3';
import { eventually, TestSmtpServer } from './support/smtp';
import { createAccount } from './support/accounts';
import { validStaffUser } from './support/factories';
import { demoRoundForOwnFinance } from './support/reports';

// How long a worker's hold on an export lasts unrenewed (EXPORT_LOCK_MS): a killed worker's
// export is taken up by the other within about twice this.
const EXPORT_LOCK_MS = 4000;
const PER_EMAIL_LOGIN_LIMIT = 3;

// Each process names its PostgreSQL connections (PGAPPNAME), so the test can see which process
// a waiting query belongs to.
const appName = (role: string, n: number) => `ssg-several-${role}-${n}`;

// Two API processes and two worker processes (the compiled src/main.ts, as production runs it)
// on the run's PostgreSQL database, one private Redis and one S3 bucket (s3rver), as on several
// machines: each has a FILES_DIR of its own, which stays empty. The test process starts an api
// role of its own only to make users and read the database.
describe('several API and worker processes on one PostgreSQL, one Redis and one S3 store', () => {
  let redis: PrivateRedis;
  let smtp: TestSmtpServer;
  let s3: TestS3Server;
  let bucket: S3Config;
  let t: TestApp;
  let dataSource: DataSource;
  let prefix: string;
  let finance: { authorization: string };
  let roundId: string;
  const apis: ApiProcess[] = [];
  const workers: ChildProcess[] = [];
  const dirs: string[] = [];

  const processEnv = (role: string, n: number): Record<string, string> => {
    const dir = mkdtempSync(join(tmpdir(), `ssg-test-several-${role}-${n}-`));
    dirs.push(dir);
    return {
      REDIS_URL: redis.url,
      SMTP_URL: smtp.url,
      FILES_DIR: dir,
      S3_BUCKET: bucket.bucket,
      S3_ENDPOINT: bucket.endpoint ?? '',
      S3_REGION: bucket.region,
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: bucket.prefix,
      S3_ACCESS_KEY_ID: bucket.credentials?.accessKeyId ?? '',
      S3_SECRET_ACCESS_KEY: bucket.credentials?.secretAccessKey ?? '',
      EXPORT_LOCK_MS: String(EXPORT_LOCK_MS),
      LOGIN_LIMIT_PER_EMAIL: String(PER_EMAIL_LOGIN_LIMIT),
      PGAPPNAME: appName(role, n),
    };
  };
  const queue = (name: string) =>
    new Queue(name, { connection: { url: redis.url }, prefix: `${prefix}:bull` });
  const requestExport = async (api: ApiProcess): Promise<string> => {
    const response = await fetch(`${api.url}/api/v1/rounds/${roundId}/exports`, {
      method: 'POST',
      headers: { ...finance, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'csv' }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };
  const exportRow = async (api: ApiProcess, id: string) => {
    const response = await fetch(`${api.url}/api/v1/exports/${id}`, { headers: finance });
    expect(response.status).toBe(200);
    return (await response.json()) as { status: string; sizeBytes: number };
  };
  const download = async (api: ApiProcess, id: string): Promise<Buffer> => {
    const response = await fetch(`${api.url}/api/v1/exports/${id}/download`, { headers: finance });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };
  // The processes whose queries wait for a lock, by name.
  // Each once: a worker building an export waits on two connections (its COPY and the
  // count of its lines for the progress), and one worker is one name.
  const waitingOnLocks = async (): Promise<string[]> =>
    (
      await dataSource.query<{ name: string }[]>(
        `SELECT DISTINCT application_name AS name FROM pg_stat_activity
         WHERE wait_event_type = 'Lock' AND application_name LIKE 'ssg-several-%'`,
      )
    ).map((row) => row.name);

  // Long: the first suite of a run that starts app processes compiles the app (test-build.ts).
  beforeAll(async () => {
    [redis, smtp, s3] = await Promise.all([
      startPrivateRedis(),
      TestSmtpServer.start(),
      TestS3Server.start(),
    ]);
    bucket = await s3.bucket('ssg/');
    t = await startApp({ processRole: 'api', redisUrl: redis.url });
    dataSource = t.app.get(DataSource);
    prefix = t.config.redisPrefix;
    // All four waited for, so that afterAll stops every one that started should another fail.
    const starts = await Promise.allSettled([
      spawnApi(processEnv('api', 1)).then((api) => (apis[0] = api)),
      spawnApi(processEnv('api', 2)).then((api) => (apis[1] = api)),
      spawnWorker(processEnv('worker', 1)).then((worker) => (workers[0] = worker)),
      spawnWorker(processEnv('worker', 2)).then((worker) => (workers[1] = worker)),
    ]);
    for (const start of starts) {
      if (start.status === 'rejected') {
        throw start.reason;
      }
    }

    ({ roundId, finance } = await demoRoundForOwnFinance(t));
  }, 360_000);

  afterAll(async () => {
    await Promise.all([
      ...apis.map((api) => api && kill(api.child)),
      ...workers.map((w) => w && kill(w)),
    ]);
    await t?.close();
    await Promise.all([redis?.stop(), smtp?.close(), s3?.stop()]);
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('delivers 2,000 queued mails through two relaying workers, each mail once', async () => {
    const ids = await queueBatch(t.app, 2000);
    await eventually(
      async () => expect(await statuses(dataSource, ids)).toEqual({ sent: 2000 }),
      150_000,
    );
    const { missing, duplicated } = smtp.copiesOf(ids.map(messageIdOf));
    expect(missing).toEqual([]);
    expect(duplicated).toBe(0);
  }, 180_000);

  it('runs the daily reminder scan once with both workers up, and a scan queued twice at once sends each reminder once', async () => {
    const reminders = queue(QUEUES.reminders);
    const before = new Date(
      (await dataSource.query<{ now: Date }[]>('SELECT clock_timestamp() AS now'))[0].now,
    );
    const newRows = () =>
      dataSource.query<{ id: string; dedupe_key: string }[]>(
        'SELECT id, dedupe_key FROM email_outbox WHERE created_at >= $1',
        [before],
      );
    try {
      // Both workers made sure of the scheduler at start: one scheduler, one job waiting for
      // tomorrow's time. Brought forward, it runs once, on one worker.
      const schedulers = await reminders.getJobSchedulers();
      expect(schedulers.filter((s) => s.key === DAILY_SCAN_SCHEDULER)).toHaveLength(1);
      const pending = (await reminders.getDelayed()).filter((job) => job.name === 'scan');
      expect(pending).toHaveLength(1);
      await pending[0].promote();
      const daily = await completedJob(reminders, pending[0].id as string);
      // The only scan that ran, taken up once: never failed, never handed to a second worker.
      const scans = (await reminders.getCompleted()).filter((job) => job.name === 'scan');
      expect(scans.map((job) => job.id)).toEqual([daily.id]);
      expect(await reminders.getFailedCount()).toBe(0);
      expect(daily.stalledCounter).toBe(0);
      // What it says it queued is what reached the outbox.
      const dailyCounts = daily.returnvalue as Record<string, number>;
      const queuedByDaily = Object.values(dailyCounts).reduce((sum, n) => sum + n, 0);
      expect(queuedByDaily).toBeGreaterThan(0);
      expect((await newRows()).length).toBe(queuedByDaily);

      // The scan queued from two API processes' sides at the same moment, as at the same time:
      // both run (one on each worker, or one after the other) and add no reminder again.
      const asOf = new Date().toISOString();
      const sides = [queue(QUEUES.reminders), queue(QUEUES.reminders)];
      try {
        const twice = await Promise.all(sides.map((side) => side.add('scan', { asOf })));
        const results = await Promise.all(
          twice.map(
            async (job) =>
              (await completedJob(reminders, job.id as string)).returnvalue as Record<
                string,
                number
              >,
          ),
        );
        // Each scanned every kind the daily scan did and queued nothing again.
        for (const counts of results) {
          expect(Object.keys(counts).sort()).toEqual(Object.keys(dailyCounts).sort());
          expect(Object.values(counts).every((n) => n === 0)).toBe(true);
        }
      } finally {
        await Promise.all(sides.map((side) => side.close()));
      }

      // Every reminder the scans queued is one outbox row (one per kind and subject: its
      // dedupe key), delivered once.
      const rows = await newRows();
      expect(rows).toHaveLength(queuedByDaily);
      expect(new Set(rows.map((row) => row.dedupe_key)).size).toBe(rows.length);
      const ids = rows.map((row) => row.id);
      await eventually(
        async () => expect(await statuses(dataSource, ids)).toEqual({ sent: ids.length }),
        60_000,
      );
      const { missing, duplicated } = smtp.copiesOf(ids.map(messageIdOf));
      expect(missing).toEqual([]);
      expect(duplicated).toBe(0);
    } finally {
      await reminders.close();
    }
  }, 150_000);

  it('builds an export asked for through API 1 once, on one worker, and serves the same bytes through API 2', async () => {
    const id = await requestExport(apis[0]);
    const done = await eventually(async () => {
      const row = await exportRow(apis[1], id);
      expect(row.status).toBe('done');
      return row;
    }, 60_000);
    const [first, second] = await Promise.all([download(apis[0], id), download(apis[1], id)]);
    expect(first.length).toBe(done.sizeBytes);
    expect(first.length).toBeGreaterThan(0);
    expect(second.equals(first)).toBe(true);

    // One build: the job (its id is the export's) ran once, never taken up again.
    const exports = queue(QUEUES.exports);
    try {
      const job = await completedJob(exports, id);
      expect(job.returnvalue).toBe('done');
      expect(job.attemptsMade).toBe(1);
      expect(job.stalledCounter).toBe(0);
    } finally {
      await exports.close();
    }
    // The file is in the shared bucket, once.
    const keys: string[] = [];
    const store = new S3FileStore(bucket);
    try {
      for await (const file of store.list('exports/')) {
        keys.push(file.key);
      }
    } finally {
      store.onModuleDestroy();
    }
    expect(keys.filter((key) => key.includes(id))).toHaveLength(1);
  }, 90_000);

  it('counts failed logins across both API processes: failures at either add up to a 429 at both', async () => {
    const admin = { authorization: `Bearer ${(await tokensByRole(t)).admin}` };
    const user = await createAccount(t, admin, validStaffUser());
    const attempt = (api: ApiProcess, password: string) =>
      fetch(`${api.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password }),
      });
    // Failures at API 1, API 2, API 1, ...: neither process alone saw the limit's worth.
    for (let n = 0; n < PER_EMAIL_LOGIN_LIMIT; n++) {
      const api = apis[n % 2];
      expect((await attempt(api, 'Not-The-Password-1')).status).toBe(401);
    }
    for (const api of apis) {
      const refused = await attempt(api, user.password);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  // Last: it leaves one worker. The export is held mid-build deterministically: the test locks a
  // table the export reads (and the request does not), so the worker that took it waits in
  // PostgreSQL with its export `running`; that worker is SIGKILLed. Its job's lock then lapses
  // (EXPORT_LOCK_MS, renewed every half of it) and the other worker's stalled-job check (every
  // EXPORT_LOCK_MS) puts it back, so the other takes it up within about 2 × EXPORT_LOCK_MS (8 s
  // here; with the default 30 s, up to a minute).
  it('has an export whose worker was killed (SIGKILL) mid-build taken up and finished by the other worker', async () => {
    let hold: QueryRunner | undefined = dataSource.createQueryRunner();
    const release = async () => {
      if (hold?.isTransactionActive) {
        await hold.commitTransaction();
      }
      await hold?.release();
      hold = undefined;
    };
    try {
      await hold.connect();
      await hold.startTransaction();
      await hold.query('LOCK TABLE award_lines IN ACCESS EXCLUSIVE MODE');
      const id = await requestExport(apis[0]);
      const [holder] = await eventually(async () => {
        const waiting = await waitingOnLocks();
        expect(waiting).toHaveLength(1);
        return waiting;
      }, 30_000);
      expect((await exportRow(apis[1], id)).status).toBe('running');
      const index = [appName('worker', 1), appName('worker', 2)].indexOf(holder);
      expect(index).toBeGreaterThanOrEqual(0);
      await kill(workers[index]);
      const other = appName('worker', 2 - index);

      // The other worker has taken the export up: its query waits on the same lock.
      await eventually(
        async () => expect(await waitingOnLocks()).toContain(other),
        6 * EXPORT_LOCK_MS,
      );
      expect((await exportRow(apis[1], id)).status).toBe('running');
      await release();

      const done = await eventually(async () => {
        const row = await exportRow(apis[1], id);
        expect(row.status).toBe('done');
        return row;
      }, 60_000);
      expect((await download(apis[1], id)).length).toBe(done.sizeBytes);
      const exports = queue(QUEUES.exports);
      try {
        const job = await completedJob(exports, id);
        expect(job.returnvalue).toBe('done');
        // Taken up again after its worker died, not failed and retried.
        expect(job.stalledCounter).toBe(1);
        expect(job.attemptsMade).toBe(1);
      } finally {
        await exports.close();
      }
    } finally {
      await release();
    }
  }, 120_000);
});
