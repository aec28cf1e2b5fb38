import type { ChildProcess } from 'node:child_process';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxService } from '../src/notifications/outbox.service';
import { ReminderScheduler } from '../src/notifications/reminders.processor';
import { startApp, startWorker, TestApp, testConfig } from './support/app';
import { uniqueSuffix } from './support/factories';
import { kill, spawnWorker, startPrivateRedis } from './support/processes';
import { eventually, TestSmtpServer } from './support/smtp';

const CONCURRENCY = 4;

// Queues `count` emails in one transaction, as a module would; answers their row ids.
async function queueBatch(context: INestApplicationContext, count: number): Promise<string[]> {
  const batch = uniqueSuffix();
  return context.get(DataSource).transaction(async (manager) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const to = `bulk-${batch.toLowerCase()}-${i}@example.org`;
      const { id } = await context.get(OutboxService).queue(manager, {
        template: 'account-created',
        to,
        dedupeKey: `test:${batch}:${i}`,
        data: {
          name: `Recipient ${i}`,
          email: to,
          roleDescription: 'an applicant',
          organisationName: 'Test PCC',
          signInUrl: 'https://grants.example.org',
        },
      });
      ids.push(id);
    }
    return ids;
  });
}

async function statuses(dataSource: DataSource, ids: string[]): Promise<Record<string, number>> {
  const rows = await dataSource.query<{ status: string; count: number }[]>(
    `SELECT status, count(*)::int AS count FROM email_outbox WHERE id = ANY($1) GROUP BY status`,
    [ids],
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

// Every row sent and delivered at least once; extra copies only for mails in flight at a fault.
function expectEachDeliveredOnce(smtp: TestSmtpServer, messageIds: string[], faults: number): void {
  const counts = new Map<string, number>();
  for (const mail of smtp.delivered) {
    counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1);
  }
  const missing = messageIds.filter((id) => !counts.has(id));
  expect(missing).toEqual([]);
  const extra = messageIds.reduce((sum, id) => sum + (counts.get(id) ?? 0) - 1, 0);
  expect(extra).toBeLessThanOrEqual(faults * CONCURRENCY);
}

describe('email delivery under faults', () => {
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

  it('loses nothing when the worker process is killed (SIGKILL) mid-batch, twice, and restarted', async () => {
    const ids = await queueBatch(t.app, 400);
    const messageIds = ids.map((id) => `<${id}@safer-streets.localhost>`);
    const wanted = new Set(messageIds);
    const delivered = () => smtp.delivered.filter((mail) => wanted.has(mail.messageId)).length;
    smtp.delayMs = 15;
    const env = {
      SMTP_URL: smtp.url,
      EMAIL_CONCURRENCY: String(CONCURRENCY),
      EMAIL_LOCK_MS: '1500',
      OUTBOX_SWEEP_AFTER_SECONDS: '3',
    };
    let worker: ChildProcess | undefined;
    try {
      for (const killAfter of [60, 180]) {
        worker = await spawnWorker(env);
        await eventually(() => expect(delivered()).toBeGreaterThanOrEqual(killAfter), 60_000);
        await kill(worker);
        // Killed mid-batch: work was left unfinished.
        const left = await statuses(t.app.get(DataSource), ids);
        expect((left.pending ?? 0) + (left.sending ?? 0)).toBeGreaterThan(0);
      }
      worker = await spawnWorker(env);
      await eventually(
        async () => expect(await statuses(t.app.get(DataSource), ids)).toEqual({ sent: 400 }),
        90_000,
      );
    } finally {
      if (worker) {
        await kill(worker);
      }
      smtp.delayMs = 0;
    }
    expectEachDeliveredOnce(smtp, messageIds, 2);
  }, 240_000);

  it('loses nothing when Redis is flushed mid-batch: the sweep puts every unfinished row back', async () => {
    const redis = await startPrivateRedis();
    const base = testConfig();
    let worker: INestApplicationContext | undefined;
    try {
      worker = await startWorker({
        redisUrl: redis.url,
        mail: {
          ...base.mail,
          smtpUrl: smtp.url,
          concurrency: CONCURRENCY,
          sweepAfterSeconds: 1,
        },
      });
      smtp.delayMs = 20;
      const ids = await queueBatch(worker, 200);
      const messageIds = ids.map((id) => `<${id}@safer-streets.localhost>`);
      const wanted = new Set(messageIds);
      const delivered = () => smtp.delivered.filter((mail) => wanted.has(mail.messageId)).length;
      await eventually(() => expect(delivered()).toBeGreaterThanOrEqual(30));
      await redis.client.flushall();
      expect(await redis.client.dbsize()).toBe(0);
      // Flushed mid-batch: jobs for unsent rows were lost with it.
      expect(delivered()).toBeLessThan(200);

      await eventually(
        async () => expect(await statuses(worker!.get(DataSource), ids)).toEqual({ sent: 200 }),
        60_000,
      );
      expectEachDeliveredOnce(smtp, messageIds, 1);
      // The daily scan's scheduler went with the flush; the workers' check puts it back.
      const scheduler = worker.get(ReminderScheduler);
      expect(await scheduler.ensureScheduled()).toBe(true);
      expect(await scheduler.ensureScheduled()).toBe(false);
    } finally {
      smtp.delayMs = 0;
      await worker?.close();
      await redis.stop();
    }
  }, 120_000);
});
