import { Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService, changedFields } from '../audit/audit.service';
import type { Page } from '../common/pagination';
import type { FieldError } from '../common/problem';
import type { EmailData, EmailOutbox } from './email-outbox.entity';
import { type NewEmailRow, outboxInsert, OutboxStore } from './outbox-store';
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
    private readonly store: OutboxStore,
    private readonly templates: EmailTemplates,
    private readonly audit: AuditService,
  ) {}

  // Call inside the transaction of the change the email is about: both commit or neither does.
  // A refusal is thrown before anything is written; the caller's transaction decides what follows.
  queue(manager: EntityManager, message: EmailMessage): Promise<QueuedEmail> {
    return this.store.queue(manager, this.rowOf(message));
  }

  // The INSERT that queues `message` (nothing when its key was queued before), for a caller that
  // makes it part of one of its own statements (a WITH) so a change and its email reach the
  // database together. Its values are numbered from $`first`. Checked as queue() checks: a
  // refusal is thrown here, before anything is written.
  insertOf(message: EmailMessage, first: number): { sql: string; values: unknown[] } {
    return outboxInsert(this.rowOf(message), first);
  }

  // The row `message` makes, once checked: its recipients as stored, and the request (and trace)
  // that caused it.
  private rowOf(message: EmailMessage): NewEmailRow {
    const recipients = (Array.isArray(message.to) ? message.to : [message.to]).map((address) =>
      address.trim().toLowerCase(),
    );
    this.check(message, recipients);
    const { dedupeKey, template, data, about } = message;
    return { dedupeKey, template, recipients, data, about, origin: currentJobOrigin() };
  }

  async list(query: EmailOutboxQuery): Promise<Page<EmailOutboxDto>> {
    const [rows, total] = await this.store.page(this.dataSource.manager, query);
    return { items: rows.map(toEmailOutboxDto), total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<EmailOutboxDto> {
    const row = await this.store.find(this.dataSource.manager, id);
    if (!row) {
      throw notFound('Email');
    }
    return toEmailOutboxDto(row);
  }

  // A failed email goes back to pending with a fresh set of attempts; the relay picks it up.
  retry(actor: AuditActor, id: string): Promise<EmailOutboxDto> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.store.lock(manager, id);
      if (!row) {
        throw notFound('Email');
      }
      if (row.status !== 'failed') {
        throw notificationError('email-not-failed', {
          message: `Only a failed email can be retried; this one is ${row.status}.`,
        });
      }
      const before = { ...row };
      const saved = await this.store.reopen(manager, row);
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
