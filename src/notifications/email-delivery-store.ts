import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { emailUnfinishedSql } from './email-lifecycle';
import type { EmailData } from './email-outbox.entity';

// An outbox row as the relay hands it to the email queue.
export interface RelayedRow {
  id: string;
  request_id: string | null;
  traceparent: string | null;
}

// An outbox row as a send reads it.
export interface ClaimedRow {
  id: string;
  template: string;
  recipients: string[];
  data: EmailData;
}

// How long a send waits for the row while another job for it is mid-send.
const LOCK_WAIT = '10s';

// The longest error text kept on a row.
const ERROR_LIMIT = 2000;

// Named reads and writes of the way an outbox row goes out, in the caller's transaction: taken by
// the relay (SKIP LOCKED, so several processes share the work) and marked relayed, then claimed
// by a send and marked sent, retrying or failed.
@Injectable()
export class EmailDeliveryStore {
  // The database's clock, the one relayed_at is written by.
  async now(manager: EntityManager): Promise<string> {
    const [{ now }] = await manager.query<{ now: string }[]>('SELECT now()::text AS now');
    return now;
  }

  // Up to `limit` rows never relayed (or put back by an admin retry), oldest first, locked.
  takeNew(manager: EntityManager, limit: number): Promise<RelayedRow[]> {
    return manager.query<RelayedRow[]>(
      `SELECT id, request_id, traceparent FROM email_outbox
       WHERE status = 'pending' AND relayed_at IS NULL
       ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    );
  }

  // Up to `limit` unfinished rows relayed more than `seconds` ago, longest ago first, locked.
  takeStale(manager: EntityManager, seconds: number, limit: number): Promise<RelayedRow[]> {
    return manager.query<RelayedRow[]>(
      `SELECT id, request_id, traceparent FROM email_outbox
       WHERE ${emailUnfinishedSql()} AND relayed_at < now() - make_interval(secs => $1)
       ORDER BY relayed_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
      [seconds],
    );
  }

  // Up to `limit` unfinished rows relayed before `before` (a now() of the database), longest
  // ago first, locked.
  takeRelayedBefore(manager: EntityManager, before: string, limit: number): Promise<RelayedRow[]> {
    return manager.query<RelayedRow[]>(
      `SELECT id, request_id, traceparent FROM email_outbox
       WHERE ${emailUnfinishedSql()} AND relayed_at < $1::timestamptz
       ORDER BY relayed_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
      [before],
    );
  }

  async markRelayed(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`UPDATE email_outbox SET relayed_at = now() WHERE id = ANY($1)`, [ids]);
  }

  // The row locked for a send, waiting at most LOCK_WAIT for a send of it in progress; null
  // when it is gone or no longer to send. Only inside a transaction (the wait is set for it).
  async claim(manager: EntityManager, id: string): Promise<ClaimedRow | null> {
    await manager.query(`SET LOCAL lock_timeout = '${LOCK_WAIT}'`);
    const [row] = await manager.query<ClaimedRow[]>(
      `SELECT id, template, recipients, data FROM email_outbox
       WHERE id = $1 AND ${emailUnfinishedSql()} FOR UPDATE`,
      [id],
    );
    return row ?? null;
  }

  async markSent(
    manager: EntityManager,
    id: string,
    sent: { subject: string; messageId: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE email_outbox
       SET status = 'sent', attempts = attempts + 1, sent_at = now(), subject = $2,
           message_id = $3, updated_at = now()
       WHERE id = $1`,
      [id, sent.subject, sent.messageId],
    );
  }

  // An attempt failed, with why: `retrying`, the row goes back to pending for the next attempt;
  // `failed`, it was the last, and the row is failed for an admin to see and retry.
  async markUnsent(
    manager: EntityManager,
    id: string,
    attempt: { outcome: 'retrying' | 'failed'; error: string; subject: string | null },
  ): Promise<void> {
    const failed = attempt.outcome === 'failed';
    await manager.query(
      `UPDATE email_outbox
       SET status = $4, attempts = attempts + 1, last_error = $2,
           subject = coalesce($3, subject), updated_at = now()${failed ? ', failed_at = now()' : ''}
       WHERE id = $1 AND ${emailUnfinishedSql()}`,
      [id, attempt.error.slice(0, ERROR_LIMIT), attempt.subject, failed ? 'failed' : 'pending'],
    );
  }
}
