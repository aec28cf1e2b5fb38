import { textListSql } from '../database/sql-text';
import type { EmailStatus } from './email-outbox.entity';

// Where an email in the outbox stands, declared once for the relay, the send and the outbox's
// index of rows still to go out.

// Still to go out: waiting, or being sent (a send that died mid-way is picked up again).
export const UNFINISHED_EMAIL_STATUSES: readonly EmailStatus[] = ['pending', 'sending'];

// The same, as SQL over email_outbox's status (`column`: how the query names it).
export function emailUnfinishedSql(column = 'status'): string {
  return `${column} IN (${textListSql(UNFINISHED_EMAIL_STATUSES)})`;
}

// Done with: sent, or given up on (the entity's index of unfinished rows imports this file, so
// the set is written out, not derived from EMAIL_STATUSES).
export const FINISHED_EMAIL_STATUSES: readonly EmailStatus[] = ['sent', 'failed'];

// The same, as SQL over email_outbox's status (`column`: how the query names it).
export function emailFinishedSql(column = 'status'): string {
  return `${column} IN (${textListSql(FINISHED_EMAIL_STATUSES)})`;
}
