import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { Role } from '../src/common/access';
import { DomainError } from '../src/common/domain-error';
import type { EmailOutboxDto } from '../src/notifications/email-outbox.dto';
import { OutboxService } from '../src/notifications/outbox.service';
import { DAILY_SCAN_SCHEDULER } from '../src/notifications/reminder.scheduler';
import { QUEUES } from '../src/queues/queues';
import {
  expectProblem,
  startApp,
  startWorker,
  TestApp,
  testConfig,
  tokensByRole,
} from './support/app';
import { emailedLinkToken } from './support/accounts';
import { uniqueSuffix, validStaffUser } from './support/factories';
import { eventually, TestSmtpServer } from './support/smtp';

describe('email notifications', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let worker: INestApplicationContext;
  let tokens: Record<Role, string>;
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  const base = testConfig();
  const mail = () => ({ ...base.mail, maxAttempts: 3, backoffMs: 50, smtpUrl: smtp.url });

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await startApp({ processRole: 'api' });
    tokens = await tokensByRole(t);
    worker = await startWorker({ mail: mail() });
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
    await smtp.close();
  });

  const createUser = async (overrides: Record<string, unknown> = {}) => {
    const user = validStaffUser(overrides);
    const response = await t.http().post('/api/v1/users').set(as('admin')).send(user).expect(201);
    return { ...user, id: (response.body as { id: string }).id } as { id: string; email: string };
  };
  const emailsAbout = async (query: string): Promise<EmailOutboxDto[]> => {
    const response = await t.http().get(`/api/v1/emails?${query}`).set(as('admin')).expect(200);
    return (response.body as { items: EmailOutboxDto[] }).items;
  };
  const queueIn = (message: Parameters<OutboxService['queue']>[1]) =>
    t.app
      .get(DataSource)
      .transaction((manager) => t.app.get(OutboxService).queue(manager, message));

  it('sends a queued email once, with its HTML and plain-text parts rendered, and records it as sent', async () => {
    const user = await createUser();
    const mails = await eventually(() => {
      const received = smtp.to(user.email);
      expect(received).toHaveLength(1);
      return received;
    });
    const [row] = await eventually(async () => {
      const rows = await emailsAbout(`recipient=${encodeURIComponent(user.email)}`);
      expect(rows[0]?.status).toBe('sent');
      return rows;
    });
    expect(row).toMatchObject({
      template: 'account-invitation',
      dedupeKey: `account-link:${row.data.linkId as string}`,
      objectType: 'user',
      objectId: user.id,
      attempts: 1,
      subject: 'You are invited to the Safer Streets grants service',
      lastError: null,
    });
    expect(row.messageId).toBe(`<${row.id}@safer-streets.localhost>`);
    expect(mails[0]).toMatchObject({
      messageId: row.messageId,
      subject: row.subject,
      from: expect.stringContaining('no-reply@safer-streets.localhost'),
    });
    expect(mails[0].html).toContain('<html lang="en">');
    expect(mails[0].html).toContain('You can use it as an assessor: you can score the bids');
    expect(mails[0].text).toContain(`Then sign in with this email address, ${user.email}.`);
    expect(mails[0].text).toContain('we never send passwords by email');
    // The link the worker rendered carries the token; the row it rendered from does not.
    const token = await emailedLinkToken(t, user.id);
    expect(mails[0].text).toContain(`/account/set-password?token=${token}`);
    expect(JSON.stringify(row.data)).not.toContain(token.split('.')[1]);
    // Only admins read the outbox.
    await t.http().get('/api/v1/emails').set(as('finance')).expect(403);
    await t.http().get(`/api/v1/emails/${row.id}`).set(as('admin')).expect(200);
  });

  it('queues a dedupe key once: the second call is a no-op and one email arrives', async () => {
    const dedupeKey = `test:${uniqueSuffix()}:welcome`;
    const to = `dedupe-${uniqueSuffix().toLowerCase()}@example.org`;
    const message = {
      template: 'password-changed',
      to,
      dedupeKey,
      data: {
        name: 'Dee Dupe',
        email: to,
        reset: false,
        changedAt: '2026-12-01T12:00:00Z',
        signInUrl: 'https://grants.example.org',
      },
    };
    const first = await queueIn(message);
    const second = await queueIn(message);
    expect(first.queued).toBe(true);
    expect(second).toEqual({ id: first.id, queued: false });
    await eventually(() => expect(smtp.to(to)).toHaveLength(1));
    // Give a duplicate every chance to arrive before counting again.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(smtp.to(to)).toHaveLength(1);
  });

  it('refuses an unknown template or a bad address when queued, and the caller’s transaction rolls back', async () => {
    const dedupeKey = `test:${uniqueSuffix()}:refused`;
    const attempt = t.app.get(DataSource).transaction(async (manager) => {
      await manager.query(`UPDATE users SET name = 'changed' WHERE email = 'finance@demo.test'`);
      await t.app.get(OutboxService).queue(manager, {
        template: 'no-such-template',
        to: ['ok@example.org', 'not an address'],
        dedupeKey,
        data: {},
      });
    });
    const error = (await attempt.catch((caught: unknown) => caught)) as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('email-refused');
    expect(error.errors).toEqual([
      {
        field: 'template',
        message: expect.stringContaining('there is no email template "no-such-template"'),
      },
      { field: 'to[1]', message: '"not an address" is not an email address' },
    ]);
    const dataSource = t.app.get(DataSource);
    expect(
      await dataSource.query(`SELECT 1 FROM email_outbox WHERE dedupe_key = $1`, [dedupeKey]),
    ).toEqual([]);
    expect(
      await dataSource.query(`SELECT name FROM users WHERE email = 'finance@demo.test'`),
    ).toEqual([{ name: 'Demo finance' }]);
  });

  it('creates the daily scan scheduler once per deployment, at the configured UK time', async () => {
    const second = await startWorker({ mail: mail() });
    await second.close();
    const queue = worker.get<Queue>(getQueueToken(QUEUES.reminders));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({
      key: DAILY_SCAN_SCHEDULER,
      pattern: '0 7 * * *',
      tz: 'Europe/London',
    });
  });

  it('retries while the SMTP server refuses, ends failed with the reason, and sends on an admin retry', async () => {
    const email = `refused-${uniqueSuffix().toLowerCase()}@homeoffice.example`;
    smtp.refused.add(email);
    const user = await createUser({ email });
    const failed = await eventually(async () => {
      const [row] = await emailsAbout(`recipient=${encodeURIComponent(email)}`);
      expect(row?.status).toBe('failed');
      return row;
    });
    expect(failed.attempts).toBe(3);
    expect(failed.lastError).toContain('Mailbox temporarily unavailable');
    expect(failed.failedAt).not.toBeNull();
    expect(smtp.to(email)).toHaveLength(0);
    // The API went on working meanwhile: the user exists and can be read.
    await t.http().get(`/api/v1/users/${user.id}`).set(as('admin')).expect(200);

    smtp.refused.delete(email);
    const retried = await t
      .http()
      .post(`/api/v1/emails/${failed.id}/retry`)
      .set(as('admin'))
      .expect(200);
    expect(retried.body).toMatchObject({ status: 'pending', failedAt: null });
    await eventually(() => expect(smtp.to(email)).toHaveLength(1));
    const sent = await eventually(async () => {
      const response = await t.http().get(`/api/v1/emails/${failed.id}`).set(as('admin'));
      expect(response.body).toMatchObject({ status: 'sent', attempts: 4 });
      return response.body as EmailOutboxDto;
    });
    expect(smtp.to(email)[0].messageId).toBe(sent.messageId);

    const again = await t
      .http()
      .post(`/api/v1/emails/${failed.id}/retry`)
      .set(as('admin'))
      .expect(409);
    expectProblem(again.body, 409, 'email-not-failed');
    const audit = await t
      .http()
      .get(`/api/v1/audit-events?objectType=email&objectId=${failed.id}`)
      .set(as('admin'))
      .expect(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        command: 'email.retry',
        actorLabel: 'admin@demo.test (admin)',
        changes: expect.objectContaining({ status: { before: 'failed', after: 'pending' } }),
      }),
    ]);
  });

  it('answers bad outbox queries and ids with problem+json', async () => {
    const badStatus = await t.http().get('/api/v1/emails?status=lost').set(as('admin')).expect(400);
    expectProblem(badStatus.body, 400);
    expect(badStatus.body.errors).toEqual([
      { field: 'status', message: 'status must be one of pending, sending, sent, failed' },
    ]);
    await t.http().get('/api/v1/emails/not-a-uuid').set(as('admin')).expect(400);
    const missing = await t
      .http()
      .post('/api/v1/emails/7d1f6a52-6a57-4b8e-9d5e-2b0a4c1e9f00/retry')
      .set(as('admin'))
      .expect(404);
    expectProblem(missing.body, 404, 'not-found');
  });
});
