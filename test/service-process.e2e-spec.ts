import supertest from 'supertest';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { DAILY_SCAN_SCHEDULER } from '../src/notifications/reminder.scheduler';
import { QUEUES } from '../src/queues/queues';
import { startApp, TestApp, tokensByRole } from './support/app';
import { messageIdOf, queueBatch, statuses } from './support/outbox';
import {
  freePort,
  kill,
  PrivateRedis,
  ServiceProcess,
  spawnService,
  startPrivateRedis,
} from './support/processes';
import { eventually, TestSmtpServer } from './support/smtp';

const PASSWORD = 's3cret-Pa55';

// SIGTERM, then how long the process took to exit and with what.
async function terminate(service: ServiceProcess): Promise<{ code: number | null; ms: number }> {
  const sent = Date.now();
  service.child.kill('SIGTERM');
  const { code } = await service.exited;
  return { code, ms: Date.now() - sent };
}

// Unfinished outbox rows a worker holds locked: mails mid-send (the row stays pending until
// the send commits).
async function rowsMidSend(dataSource: DataSource): Promise<string[]> {
  return dataSource.transaction(async (manager) => {
    const unfinished = await manager.query<{ id: string }[]>(
      `SELECT id FROM email_outbox WHERE status IN ('pending', 'sending')`,
    );
    const free = await manager.query<{ id: string }[]>(
      `SELECT id FROM email_outbox WHERE status IN ('pending', 'sending') FOR UPDATE SKIP LOCKED`,
    );
    const freeIds = new Set(free.map(({ id }) => id));
    return unfinished.map(({ id }) => id).filter((id) => !freeIds.has(id));
  });
}

function expectQuiet(output: string): void {
  expect(output).not.toContain(PASSWORD);
  expect(output).not.toContain('Unhandled error event');
  // No stack traces.
  expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

describe('service process: start-up, shutdown and Redis outages', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await startApp({ processRole: 'api' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('gives up with one line naming DATABASE_URL and its host when PostgreSQL cannot be reached', async () => {
    const port = await freePort();
    const service = await spawnService(
      'api',
      {
        DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/nowhere`,
        STARTUP_TIMEOUT_SECONDS: '2',
      },
      { waitFor: false },
    );
    const { code } = await service.exited;
    expect(code).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(DATABASE_URL\\): .*ECONNREFUSED`,
        ),
      ),
    ]);
    expectQuiet(service.output());
  }, 120_000);

  it('gives up with one line naming REDIS_URL when Redis never answers, without error events', async () => {
    const port = await freePort();
    const service = await spawnService(
      'worker',
      { REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}`, STARTUP_TIMEOUT_SECONDS: '5' },
      { waitFor: false },
    );
    const { code } = await service.exited;
    expect(code).toBe(1);
    const line = `Cannot reach Redis at 127.0.0.1:${port} (REDIS_URL): connect ECONNREFUSED`;
    expect(service.output().split(line)).toHaveLength(2);
    expectQuiet(service.output());
  }, 120_000);

  describe('with a private Redis', () => {
    let redis: PrivateRedis;
    beforeEach(async () => {
      redis = await startPrivateRedis();
    });
    afterEach(async () => {
      await redis.stop();
    });

    it('listens while Redis is away, says so when ready is asked, refuses sign-in and exports at once, and recovers by itself', async () => {
      await redis.stop();
      const port = await freePort();
      const service = await spawnService('all', {
        REDIS_URL: redis.url,
        PORT: String(port),
        STARTUP_TIMEOUT_SECONDS: '300',
      });
      try {
        const http = supertest(`http://127.0.0.1:${port}`);
        await http.get('/health').expect(200);
        const ready = await http.get('/health/ready').expect(503);
        expect(ready.body).toMatchObject({ code: 'not-ready', errors: [{ field: 'redis' }] });

        const login = await http
          .post('/api/v1/auth/login')
          .send({ email: 'applicant@demo.test', password: 'whatever-it-is' })
          .expect(503);
        expect(login.headers['content-type']).toContain('application/problem+json');
        expect(login.headers['retry-after']).toBeDefined();
        expect(login.body.code).toBe('redis-unavailable');

        const { finance } = await tokensByRole(t);
        const dataSource = t.app.get(DataSource);
        const countExports = async () =>
          Number((await dataSource.query('SELECT count(*) AS n FROM report_exports'))[0].n);
        const before = await countExports();
        const exportAsked = await http
          .post('/api/v1/rounds/00000000-0000-4000-8000-000000000000/exports')
          .set('authorization', `Bearer ${finance}`)
          .send({ format: 'csv' })
          .expect(503);
        expect(exportAsked.body.code).toBe('redis-unavailable');
        expect(await countExports()).toBe(before);

        await redis.restart();
        await eventually(() => http.get('/health/ready').expect(200), 30_000);
        // Sign-in is counted again: a wrong password is refused as such.
        await eventually(
          () =>
            http
              .post('/api/v1/auth/login')
              .send({ email: 'applicant@demo.test', password: 'not-the-password-1' })
              .expect(401),
          30_000,
        );

        await redis.stop();
        await eventually(() => http.get('/health/ready').expect(503), 30_000);
        const stopped = await terminate(service);
        expect(stopped.code).toBe(0);
        expect(stopped.ms).toBeLessThan(10_000);
        expectQuiet(service.output());
      } finally {
        await kill(service.child);
      }
    }, 240_000);

    it('a worker answers its probes and, stopped mid-job, hands the job back; another worker finishes it', async () => {
      await queueBatch(t.app, 1);
      smtp.delayMs = 30_000;
      const healthPort = await freePort();
      const env = { REDIS_URL: redis.url, SMTP_URL: smtp.url };
      const first = await spawnService('worker', { ...env, HEALTH_PORT: String(healthPort) });
      let second: ServiceProcess | undefined;
      try {
        const probes = supertest(`http://127.0.0.1:${healthPort}`);
        await eventually(() => probes.get('/health/ready').expect(200), 30_000);
        const dataSource = t.app.get(DataSource);
        // Mid-send: the worker holds the row's lock while the mail server makes it wait.
        const midSend = await eventually(async () => {
          const ids = await rowsMidSend(dataSource);
          expect(ids.length).toBeGreaterThan(0);
          return ids;
        }, 60_000);
        const stopped = await terminate(first);
        expect(stopped.code).toBe(0);
        expect(stopped.ms).toBeLessThan(10_000);
        expect(first.output()).toContain('handed back to the queue');
        expectQuiet(first.output());
        // Handed back means waiting for the next worker, not left active until its lock lapses
        // and the stalled-job check (twice the lock's 30 s) gives it out again.
        const queue = new Queue(QUEUES.email, {
          connection: { url: redis.url },
          prefix: `${t.config.redisPrefix}:bull`,
        });
        queue.on('error', () => undefined);
        try {
          const states = await Promise.all(midSend.map((id) => queue.getJobState(id)));
          expect(states).toEqual(midSend.map(() => 'waiting'));
        } finally {
          await queue.close();
        }

        smtp.delayMs = 0;
        second = await spawnService('worker', env);
        await eventually(
          async () => expect(await statuses(dataSource, midSend)).toEqual({ sent: midSend.length }),
          120_000,
        );
        for (const id of midSend) {
          expect(smtp.delivered.some((mail) => mail.messageId === messageIdOf(id))).toBe(true);
        }
      } finally {
        smtp.delayMs = 0;
        await kill(first.child);
        if (second) {
          await kill(second.child);
        }
      }
    }, 240_000);

    it('when Redis comes back empty, puts lost mail and the schedulers back at once, not after the sweep age', async () => {
      const worker = await spawnService('worker', {
        REDIS_URL: redis.url,
        SMTP_URL: smtp.url,
        OUTBOX_SWEEP_AFTER_SECONDS: '3600',
      });
      const queue = new Queue(QUEUES.reminders, {
        connection: { url: redis.url },
        prefix: `${t.config.redisPrefix}:bull`,
      });
      queue.on('error', () => undefined);
      try {
        const dataSource = t.app.get(DataSource);
        // A mail relayed before Redis went away (its job is lost with it) and one queued while
        // it was away.
        const [lost] = await queueBatch(t.app, 1);
        await dataSource.query(`UPDATE email_outbox SET relayed_at = now() WHERE id = $1`, [lost]);
        await redis.stop();
        const [during] = await queueBatch(t.app, 1);
        const backAt = new Date();
        await redis.restart();
        await eventually(
          async () => expect(await statuses(dataSource, [lost, during])).toEqual({ sent: 2 }),
          120_000,
        );
        const [row] = await dataSource.query<{ relayed_at: Date }[]>(
          'SELECT relayed_at FROM email_outbox WHERE id = $1',
          [lost],
        );
        expect(row.relayed_at.getTime()).toBeGreaterThanOrEqual(backAt.getTime() - 1_000);
        expect(worker.output()).toContain('Redis is back');
        await eventually(
          async () => expect(await queue.getJobScheduler(DAILY_SCAN_SCHEDULER)).toBeTruthy(),
          30_000,
        );
        expectQuiet(worker.output());
      } finally {
        await queue.close();
        await kill(worker.child);
      }
    }, 240_000);
  });
});
