import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { Role } from '../src/common/access';
import { OutboxRelayService } from '../src/notifications/outbox-relay.service';
import { ReminderRegistry } from '../src/notifications/reminder-registry';
import { QUEUES } from '../src/queues/queues';
import { startApp, startWorker, TestApp, testConfig, tokensByRole } from './support/app';
import { queueBatch } from './support/outbox';
import { eventually, TestSmtpServer } from './support/smtp';

// An admin's commands for after an outage: run the reminder scan now, and put every unsent email
// back on the queue now (rather than waiting for the daily time or the sweep's age). Both are
// audited and refused to everyone else.
describe('running the reminder scan and the outbox relay now', () => {
  let t: TestApp;
  let db: DataSource;
  let smtp: TestSmtpServer;
  let worker: INestApplicationContext | undefined;
  let tokens: Record<Role, string>;
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await startApp({ processRole: 'api' });
    db = t.app.get(DataSource);
    tokens = await tokensByRole(t);
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
    await smtp.close();
  });

  const auditOf = (command: string, since: Date) =>
    db.query<{ actor_id: string; changes: Record<string, { after: unknown }> }[]>(
      `SELECT actor_id, changes FROM audit_events WHERE command = $1 AND occurred_at >= $2 ORDER BY occurred_at`,
      [command, since],
    );
  const now = async () =>
    (await db.query<{ now: Date }[]>('SELECT clock_timestamp() AS now'))[0].now;

  it('refuses both commands to every role but admin, changing nothing', async () => {
    const since = await now();
    for (const role of ['applicant', 'assessor', 'moderator', 'approver', 'finance'] as Role[]) {
      await t.http().post('/api/v1/reminders/scan').set(as(role)).expect(403);
      await t.http().post('/api/v1/emails/relay').set(as(role)).expect(403);
    }
    await t.http().post('/api/v1/reminders/scan').expect(401);
    expect(await auditOf('reminders.scan-now', since)).toEqual([]);
    expect(await auditOf('email.relay-now', since)).toEqual([]);
  });

  it('runs the reminder scan now: what it queued is in the outbox, once, and audited', async () => {
    const since = await now();
    const first = await t.http().post('/api/v1/reminders/scan').set(as('admin')).expect(200);
    const kinds = t.app
      .get(ReminderRegistry)
      .kinds()
      .map((kind) => kind.name);
    expect(Object.keys(first.body.queued).sort()).toEqual([...kinds].sort());
    const sum = Object.values(first.body.queued as Record<string, number>).reduce((a, b) => a + b);
    expect(first.body.total).toBe(sum);
    const [{ count }] = await db.query<{ count: string }[]>(
      `SELECT count(*) FROM email_outbox WHERE created_at >= $1`,
      [since],
    );
    expect(Number(count)).toBe(sum);
    // Run again: every due reminder has gone already, so nothing more.
    const second = await t.http().post('/api/v1/reminders/scan').set(as('admin')).expect(200);
    expect(second.body.total).toBe(0);
    const audit = await auditOf('reminders.scan-now', since);
    expect(audit).toHaveLength(2);
    const me = await t.http().get('/api/v1/me').set(as('admin')).expect(200);
    expect(audit.map((event) => event.actor_id)).toEqual([me.body.id, me.body.id]);
    expect(audit.map((event) => event.changes.queued.after)).toEqual(
      expect.arrayContaining([first.body.queued, second.body.queued]),
    );
  });

  it("puts back an email relayed before now by the database's clock, whatever this process's clock says", async () => {
    const [id] = await queueBatch(t.app, 1);
    await db.query(
      `UPDATE email_outbox SET relayed_at = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    const relayedAt = async () =>
      (
        await db.query<{ relayed_at: Date }[]>(
          'SELECT relayed_at FROM email_outbox WHERE id = $1',
          [id],
        )
      )[0].relayed_at.getTime();
    const before = await relayedAt();
    // This process's clock an hour behind the database's: only Date is faked.
    jest.useFakeTimers({
      now: Date.now() - 3_600_000,
      doNotFake: [
        ...(['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate'] as const),
        ...([
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ] as const),
      ],
    });
    try {
      await t.app.get(OutboxRelayService).sweepAll();
    } finally {
      jest.useRealTimers();
    }
    expect(await relayedAt()).toBeGreaterThan(before);
  });

  it('relays now an email whose job Redis lost, long before the sweep would, and it is delivered once', async () => {
    const since = await now();
    const [id] = await queueBatch(t.app, 1);
    // Relayed a minute ago, and its job gone (as after a Redis restart): the sweep would wait
    // OUTBOX_SWEEP_AFTER_SECONDS (an hour here) before trying it again.
    await db.query(
      `UPDATE email_outbox SET relayed_at = now() - interval '1 minute' WHERE id = $1`,
      [id],
    );
    const emailQueue = t.app.get<Queue>(getQueueToken(QUEUES.email));
    expect(await emailQueue.getJob(id)).toBeUndefined();

    const answer = await t.http().post('/api/v1/emails/relay').set(as('admin')).expect(200);
    expect(answer.body.relayed).toBeGreaterThanOrEqual(1);
    expect((await emailQueue.getJob(id))?.data).toMatchObject({ outboxId: id });
    const audit = await auditOf('email.relay-now', since);
    expect(audit.map((event) => event.changes.relayed.after)).toEqual([answer.body.relayed]);

    const base = testConfig();
    worker = await startWorker({
      mail: { ...base.mail, smtpUrl: smtp.url, sweepAfterSeconds: 3600 },
    });
    await eventually(async () => {
      const [row] = await db.query<{ status: string }[]>(
        'SELECT status FROM email_outbox WHERE id = $1',
        [id],
      );
      expect(row.status).toBe('sent');
    }, 30_000);
  });
});
