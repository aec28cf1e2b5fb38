import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isEmail } from 'class-validator';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditActor, AuditService, changedFields } from '../audit/audit.service';
import type { Page } from '../common/pagination';
import type { FieldError } from '../common/problem';
import { EmailData, EmailOutbox } from './email-outbox.entity';
import type { EmailOutboxDto, EmailOutboxQuery } from './email-outbox.dto';
import { EmailTemplates } from './email-templates';
import { currentJobOrigin } from '../observability/job-origin';
import { notificationError } from './notifications.errors';
import { notFound } from '../common/common.errors';

export interface EmailMessage {
  template: string;
  to: string | string[];
  data: EmailData;
  // One email per key, however often it is queued: `return:{id}:due-7d`.
  dedupeKey: string;
  about?: { type: string; id: string };
}

export interface QueuedEmail {
  id: string;
  // False when the key was queued before: nothing new was written.
  queued: boolean;
}

const MAX_DATA_BYTES = 64 * 1024;

export function toEmailOutboxDto(row: EmailOutbox): EmailOutboxDto {
  const { id, dedupeKey, template, recipients, data, objectType, objectId, status } = row;
  const { attempts, lastError, subject, messageId, createdAt, relayedAt, sentAt, failedAt } = row;
  return {
    ...{ id, dedupeKey, template, recipients, data, objectType, objectId, status, attempts },
    ...{ lastError, subject, messageId, createdAt, relayedAt, sentAt, failedAt },
  };
}

@Injectable()
export class OutboxService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(EmailOutbox) private readonly rows: Repository<EmailOutbox>,
    private readonly templates: EmailTemplates,
    private readonly audit: AuditService,
  ) {}

  // Call inside the transaction of the change the email is about: both commit or neither does.
  // A refusal is thrown before anything is written; the caller's transaction decides what follows.
  async queue(manager: EntityManager, message: EmailMessage): Promise<QueuedEmail> {
    const insert = this.insertOf(message, 1);
    const inserted = await manager.query<{ id: string }[]>(
      `${insert.sql} RETURNING id`,
      insert.values,
    );
    if (inserted.length > 0) {
      return { id: inserted[0].id, queued: true };
    }
    const existing = await manager.query<{ id: string }[]>(
      `SELECT id FROM email_outbox WHERE dedupe_key = $1`,
      [message.dedupeKey],
    );
    return { id: existing[0].id, queued: false };
  }

  // The INSERT that queues `message` (nothing when its key was queued before), for a caller that
  // makes it part of one of its own statements (a WITH) so a change and its email reach the
  // database together. Its values are numbered from $`first`. Checked as queue() checks: a
  // refusal is thrown here, before anything is written.
  insertOf(message: EmailMessage, first: number): { sql: string; values: unknown[] } {
    const recipients = (Array.isArray(message.to) ? message.to : [message.to]).map((address) =>
      address.trim().toLowerCase(),
    );
    this.check(message, recipients);
    // The request (and trace) that caused the email, for the relay to hand on to its job.
    const origin = currentJobOrigin();
    const values = [
      message.dedupeKey,
      message.template,
      recipients,
      JSON.stringify(message.data),
      message.about?.type ?? null,
      message.about?.id ?? null,
      origin?.requestId ?? null,
      origin?.traceparent ?? null,
    ];
    return {
      sql: `INSERT INTO email_outbox
              (dedupe_key, template, recipients, data, object_type, object_id, request_id, traceparent)
            VALUES (${values.map((_, n) => `$${first + n}`).join(', ')})
            ON CONFLICT (dedupe_key) DO NOTHING`,
      values,
    };
  }

  async list(query: EmailOutboxQuery): Promise<Page<EmailOutboxDto>> {
    const select = this.rows.createQueryBuilder('email');
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
    const [rows, total] = await select
      .orderBy('email.createdAt', 'DESC')
      .addOrderBy('email.id', 'ASC')
      .take(query.limit)
      .skip(query.offset)
      .getManyAndCount();
    return { items: rows.map(toEmailOutboxDto), total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<EmailOutboxDto> {
    const row = await this.rows.findOneBy({ id });
    if (!row) {
      throw notFound('Email');
    }
    return toEmailOutboxDto(row);
  }

  // A failed email goes back to pending with a fresh set of attempts; the relay picks it up.
  retry(actor: AuditActor, id: string): Promise<EmailOutboxDto> {
    return this.dataSource.transaction(async (manager) => {
      const row = await manager.findOne(EmailOutbox, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) {
        throw notFound('Email');
      }
      if (row.status !== 'failed') {
        throw notificationError('email-not-failed', {
          message: `Only a failed email can be retried; this one is ${row.status}.`,
        });
      }
      const before = { ...row };
      Object.assign(row, { status: 'pending', relayedAt: null, failedAt: null });
      const saved = await manager.save(row);
      await this.audit.record(manager, actor, {
        command: 'email.retry',
        objectType: 'email',
        objectId: id,
        changes: changedFields(before, { ...saved }, ['status', 'failedAt']),
      });
      return toEmailOutboxDto(saved);
    });
  }

  private check(message: EmailMessage, recipients: string[]): void {
    const errors: FieldError[] = [];
    if (!this.templates.has(message.template)) {
      errors.push({
        field: 'template',
        message: `there is no email template "${message.template}"; known: ${this.templates.names().join(', ')}`,
      });
    }
    if (recipients.length === 0 || recipients.length > 50) {
      errors.push({ field: 'to', message: 'an email needs 1 to 50 recipients' });
    }
    recipients.forEach((address, i) => {
      if (!isEmail(address) || address.length > 254) {
        errors.push({ field: `to[${i}]`, message: `"${address}" is not an email address` });
      }
    });
    if (!/^\S{1,200}$/.test(message.dedupeKey)) {
      errors.push({
        field: 'dedupeKey',
        message: 'a dedupe key is 1 to 200 characters, no spaces',
      });
    }
    const json = JSON.stringify(message.data);
    if (json === undefined || !json.startsWith('{')) {
      errors.push({ field: 'data', message: 'email data must be a JSON object' });
    } else if (Buffer.byteLength(json) > MAX_DATA_BYTES) {
      errors.push({ field: 'data', message: `email data must be under ${MAX_DATA_BYTES} bytes` });
    }
    if (errors.length > 0) {
      throw notificationError('email-refused', { errors });
    }
  }
}
