import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { PageQuery } from '../common/pagination';
import type { JobOrigin } from '../queues/queues';
import type { EmailOutboxQuery } from './email-outbox.dto';
import { EmailData, EmailOutbox, MAX_RECIPIENTS } from './email-outbox.entity';

// An outbox row to write, checked and with its recipients as they are stored.
export interface NewEmailRow {
  dedupeKey: string;
  template: string;
  recipients: string[];
  data: EmailData;
  about?: { type: string; id: string };
  // The request (and trace) that caused the email, for the relay to hand on to its job.
  origin?: JobOrigin;
}

// Due reminders of one kind: `select` answers (dedupe_key, recipients, data, object_type,
// object_id) rows, its values `params` numbered from $1.
export interface DueReminders {
  select: string;
  params: unknown[];
  template: string;
}

// The INSERT that queues `row` (nothing when its key was queued before), for a caller that makes
// it part of one of its own statements (a WITH). Its values are numbered from $`first`.
export function outboxInsert(row: NewEmailRow, first: number): { sql: string; values: unknown[] } {
  const values = [
    row.dedupeKey,
    row.template,
    row.recipients,
    JSON.stringify(row.data),
    row.about?.type ?? null,
    row.about?.id ?? null,
    row.origin?.requestId ?? null,
    row.origin?.traceparent ?? null,
  ];
  return {
    sql: `INSERT INTO email_outbox
            (dedupe_key, template, recipients, data, object_type, object_id, request_id, traceparent)
          VALUES (${values.map((_, n) => `$${first + n}`).join(', ')})
          ON CONFLICT (dedupe_key) DO NOTHING`,
    values,
  };
}

// Named reads and writes of the email outbox as the rest of the system sees it, in the caller's
// transaction: emails queued (one by one or a reminder kind's at once), the admins' list and
// retry, and the emails sent to one address. How rows go out is EmailDeliveryStore's.
@Injectable()
export class OutboxStore {
  // `row` queued; answers its id, and whether it is new (false: its key was queued before).
  async queue(manager: EntityManager, row: NewEmailRow): Promise<{ id: string; queued: boolean }> {
    const insert = outboxInsert(row, 1);
    const inserted = await manager.query<{ id: string }[]>(
      `${insert.sql} RETURNING id`,
      insert.values,
    );
    if (inserted.length > 0) {
      return { id: inserted[0].id, queued: true };
    }
    const existing = await manager.query<{ id: string }[]>(
      `SELECT id FROM email_outbox WHERE dedupe_key = $1`,
      [row.dedupeKey],
    );
    return { id: existing[0].id, queued: false };
  }

  // Every due reminder of one kind queued in one statement, those whose key was queued before
  // skipped; answers how many were queued. More recipients than one email may carry go as
  // several emails (`<key>:part-2`, ...); a reminder with nobody to send to is not queued.
  async queueDue(manager: EntityManager, due: DueReminders): Promise<number> {
    const template = due.params.length + 1;
    const rows = await manager.query<unknown[]>(
      `INSERT INTO email_outbox (dedupe_key, template, recipients, data, object_type, object_id)
       SELECT CASE WHEN part.n = 1 THEN due.dedupe_key ELSE due.dedupe_key || ':part-' || part.n END,
              $${template}, part.recipients, due.data, due.object_type, due.object_id
       FROM (${due.select}) AS due
       CROSS JOIN LATERAL (
         SELECT (u.ord - 1) / ${MAX_RECIPIENTS} + 1 AS n, array_agg(u.email ORDER BY u.ord) AS recipients
         FROM unnest(due.recipients) WITH ORDINALITY AS u(email, ord)
         GROUP BY (u.ord - 1) / ${MAX_RECIPIENTS}
       ) part
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
      [...due.params, due.template],
    );
    return rows.length;
  }

  // The admins' page of emails `query` asks for, newest first, with the total of the list.
  page(manager: EntityManager, query: EmailOutboxQuery): Promise<[EmailOutbox[], number]> {
    const select = manager.createQueryBuilder(EmailOutbox, 'email');
    if (query.status) {
      select.andWhere('email.status = :status', { status: query.status });
    }
    if (query.template) {
      select.andWhere('email.template = :template', { template: query.template });
    }
    if (query.recipient) {
      select.andWhere('email.recipients @> ARRAY[:recipient]::text[]', {
        recipient: query.recipient.toLowerCase(),
      });
    }
    if (query.objectType) {
      select.andWhere('email.objectType = :objectType', { objectType: query.objectType });
    }
    if (query.objectId) {
      select.andWhere('email.objectId = :objectId', { objectId: query.objectId });
    }
    return select
      .orderBy('email.createdAt', 'DESC')
      .addOrderBy('email.id', 'ASC')
      .take(query.limit)
      .skip(query.offset)
      .getManyAndCount();
  }

  // A page of the emails sent to `address` (stored lower case), newest first, with their total.
  pageForRecipient(
    manager: EntityManager,
    address: string,
    page: PageQuery,
  ): Promise<[EmailOutbox[], number]> {
    return manager
      .createQueryBuilder(EmailOutbox, 'email')
      .where('email.recipients @> ARRAY[:address]::text[]', { address })
      .orderBy('email.createdAt', 'DESC')
      .addOrderBy('email.id', 'ASC')
      .take(page.limit)
      .skip(page.offset)
      .getManyAndCount();
  }

  find(manager: EntityManager, id: string): Promise<EmailOutbox | null> {
    return manager.findOneBy(EmailOutbox, { id });
  }

  // The row locked for a command; null when there is none.
  lock(manager: EntityManager, id: string): Promise<EmailOutbox | null> {
    return manager.findOne(EmailOutbox, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  // The row back to pending, as if never relayed nor failed, for the relay to take up again;
  // answers it as stored.
  reopen(manager: EntityManager, row: EmailOutbox): Promise<EmailOutbox> {
    Object.assign(row, { status: 'pending', relayedAt: null, failedAt: null });
    return manager.save(row);
  }
}
