import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SIGN_IN_COMMANDS } from '../auth/sign-in-audit';
import { londonDateOfSql } from '../common/london-time';
import { FUNDED_BID_SQL, UNFUNDED_BID_SQL } from '../bids/bid-lifecycle';
import { textListSql } from '../database/sql-text';
import { emailFinishedSql } from '../notifications/email-lifecycle';
import { RetentionRun } from './retention-run.entity';
import {
  ERASED_ACTOR,
  erasedEmail,
  REMOVED,
  REMOVED_RECIPIENT,
  RetentionKind,
} from './retention.rules';

const NOT_ERASED = (type: string, id: string) =>
  `NOT EXISTS (SELECT 1 FROM personal_data_erasures x WHERE x.object_type = '${type}' AND x.object_id = ${id})`;
const SIGN_INS = `(${textListSql(SIGN_IN_COMMANDS)})`;

// Each kind's records past their period, as `SELECT id`: $1 is the kind's cutoff.
const DUE: Record<RetentionKind, string> = {
  'unfunded-bids': `
    SELECT b.id::text AS id FROM bids b JOIN funding_rounds r ON r.id = b.round_id
    WHERE ${UNFUNDED_BID_SQL} AND r.closes_at < $1 AND ${NOT_ERASED('bid', 'b.id')}`,
  'unfunded-bid-documents': `
    SELECT d.id::text AS id FROM supporting_documents d
    JOIN bids b ON d.owner_type = 'bid' AND b.id = d.owner_id
    JOIN funding_rounds r ON r.id = b.round_id
    WHERE ${UNFUNDED_BID_SQL} AND r.closes_at < $1
      AND ${NOT_ERASED('supporting_document', 'd.id')}`,
  'funded-bids': `
    SELECT b.id::text AS id FROM bids b JOIN funding_rounds r ON r.id = b.round_id
    WHERE ${FUNDED_BID_SQL} AND r.delivery_ends_on < ${londonDateOfSql('$1::timestamptz')}
      AND ${NOT_ERASED('bid', 'b.id')}`,
  'inactive-users': `
    SELECT u.id::text AS id FROM users u
    WHERE coalesce(u.last_login_at, u.created_at) < $1 AND ${NOT_ERASED('user', 'u.id')}`,
  sessions: `
    SELECT s.id::text AS id FROM user_sessions s
    WHERE greatest(s.last_used_at, s.ended_at) < $1`,
  'account-links': `
    SELECT l.id::text AS id FROM account_links l
    WHERE greatest(l.expires_at, l.used_at, l.voided_at) < $1`,
  'sign-in-records': `
    SELECT e.id::text AS id FROM audit_events e
    WHERE e.command IN ${SIGN_INS} AND e.occurred_at < $1 AND e.changes ? 'address'
      AND e.changes->'address'->>'after' IS DISTINCT FROM '${REMOVED}'`,
  emails: `
    SELECT o.id::text AS id FROM email_outbox o
    WHERE ${emailFinishedSql('o.status')} AND o.created_at < $1
      AND o.recipients <> ARRAY['${REMOVED_RECIPIENT}']::text[]`,
};

// Bid columns that may hold people's names and contact details (the frozen-bid trigger lets the
// retention service, and it alone, replace these), and their names in the audit trail.
const BID_TEXT_COLUMNS = [
  'summary',
  'problem_profile',
  'theory_of_change',
  'consultation',
  'evaluation_approach',
];
const BID_AUDIT_KEYS = [
  'summary',
  'problemProfile',
  'theoryOfChange',
  'partners',
  'consultation',
  'evaluationApproach',
  'withdrawalReason',
  'endorsementReason',
  'reason',
];
const USER_AUDIT_KEYS = ['email', 'name', 'address'];

// Named reads and writes of the retention job and of an admin's erasure, in the caller's
// transaction. Writes that touch frozen bids or the audit trail need `allowRetentionWrites`.
@Injectable()
export class RetentionStore {
  // A run's id, taken before its batches so each erasure can name the run that made it.
  async newRunId(manager: EntityManager): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(`SELECT gen_random_uuid()::text AS id`);
    return row.id;
  }

  // The finished run, as stored.
  saveRun(manager: EntityManager, run: RetentionRun): Promise<RetentionRun> {
    return manager.save(manager.create(RetentionRun, run));
  }

  // When the user's personal data was removed (they must have been erased).
  async erasedAt(manager: EntityManager, userId: string): Promise<Date> {
    const rows: { erasedAt: Date }[] = await manager.query(
      `SELECT erased_at AS "erasedAt" FROM personal_data_erasures
       WHERE object_type = 'user' AND object_id = $1`,
      [userId],
    );
    return rows[0].erasedAt;
  }

  async allowRetentionWrites(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT set_config('ssg.retention', 'on', true)`);
  }

  async countDue(manager: EntityManager, kind: RetentionKind, cutoff: Date): Promise<number> {
    const rows: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM (${DUE[kind]}) due`,
      [cutoff],
    );
    return Number(rows[0].count);
  }

  async dueIds(
    manager: EntityManager,
    kind: RetentionKind,
    cutoff: Date,
    limit: number,
  ): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM (${DUE[kind]}) due ORDER BY id LIMIT $2`,
      [cutoff, limit],
    );
    return rows.map((row) => row.id);
  }

  // Names, roles, contact details and free text of bids replaced; money, lines, references,
  // statuses and dates untouched. `funded`: the award's signatory too.
  async anonymiseBids(
    manager: EntityManager,
    ids: string[],
    text: string,
    funded: boolean,
  ): Promise<void> {
    await manager.query(
      `UPDATE bids SET ${BID_TEXT_COLUMNS.map((c) => `${c} = $2`).join(', ')},
         partners = (SELECT coalesce(jsonb_agg(jsonb_build_object('name', $2::text, 'role', $2::text)), '[]'::jsonb)
                     FROM jsonb_array_elements(partners)),
         withdrawal_reason = CASE WHEN withdrawal_reason IS NULL THEN NULL ELSE $2 END,
         endorsement_reason = CASE WHEN endorsement_reason IS NULL THEN NULL ELSE $2 END,
         updated_at = now(), version = version + 1
       WHERE id = ANY($1::uuid[])`,
      [ids, text],
    );
    await this.redactAuditKeys(manager, 'bid', ids, BID_AUDIT_KEYS, text);
    if (funded) {
      const [awards] = await manager.query<[{ id: string }[], number]>(
        `UPDATE award_decisions SET signatory_name = $2,
           signatory_position = CASE WHEN signatory_position IS NULL THEN NULL ELSE $2 END
         WHERE bid_id = ANY($1::uuid[]) AND signatory_name IS NOT NULL RETURNING id::text AS id`,
        [ids, text],
      );
      await this.redactAuditKeys(
        manager,
        'award_decision',
        awards.map((award) => award.id),
        ['signatory'],
        text,
      );
    }
  }

  async documentKeys(
    manager: EntityManager,
    ids: string[],
  ): Promise<{ id: string; storageKey: string }[]> {
    return manager.query(
      `SELECT id::text AS id, storage_key AS "storageKey" FROM supporting_documents
       WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  async anonymiseDocuments(manager: EntityManager, ids: string[], text: string): Promise<void> {
    await manager.query(
      `UPDATE supporting_documents SET file_name = $2 WHERE id = ANY($1::uuid[])`,
      [ids, text],
    );
    await this.redactAuditKeys(manager, 'supporting_document', ids, ['fileName'], text);
  }

  async deleteSessions(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`DELETE FROM user_sessions WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async deleteAccountLinks(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`DELETE FROM account_links WHERE id = ANY($1::uuid[])`, [ids]);
  }

  // The address a sign-in came from; the event, its time and its counts stay.
  async redactSignInAddresses(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(
      `UPDATE audit_events SET changes = jsonb_set(changes, '{address}',
         jsonb_build_object('before', NULL::text, 'after', $2::text))
       WHERE id = ANY($1::uuid[]) AND changes ? 'address'`,
      [ids, REMOVED],
    );
  }

  // Who an email went to and what filled its template; its template, subject, status and
  // dedupe key stay (so nothing is sent twice).
  async anonymiseEmails(manager: EntityManager, ids: string[], text: string): Promise<void> {
    await manager.query(
      `UPDATE email_outbox SET recipients = ARRAY[$2::text], data = '{}'::jsonb,
         last_error = CASE WHEN last_error IS NULL THEN NULL ELSE $3 END
       WHERE id = ANY($1::uuid[])`,
      [ids, REMOVED_RECIPIENT, text],
    );
  }

  async findUserForErasure(
    manager: EntityManager,
    id: string,
  ): Promise<{ id: string; email: string; active: boolean; erased: boolean } | null> {
    const rows: { id: string; email: string; active: boolean; erased: boolean }[] =
      await manager.query(
        `SELECT u.id::text AS id, u.email, u.active,
                EXISTS (SELECT 1 FROM personal_data_erasures x
                        WHERE x.object_type = 'user' AND x.object_id = u.id) AS erased
         FROM users u WHERE u.id = $1 FOR UPDATE`,
        [id],
      );
    return rows[0] ?? null;
  }

  // The user row stays (every foreign key to it holds), deactivated, with a made-up unique
  // email and no name or password; their sessions, links and second factor go; the audit trail
  // keeps its events with the email, name and addresses replaced.
  async eraseUser(
    manager: EntityManager,
    user: { id: string; email: string },
    text: string,
  ): Promise<{ sessions: number; links: number }> {
    const placeholder = erasedEmail(user.id);
    await manager.query(
      `UPDATE users SET name = $2, email = $3, password_hash = NULL, password_set_at = NULL,
         active = false, token_version = token_version + 1, second_factor_enrolled_at = NULL,
         updated_at = now(), version = version + 1
       WHERE id = $1`,
      [user.id, text, placeholder],
    );
    const [, sessions] = await manager.query<[unknown, number]>(
      `DELETE FROM user_sessions WHERE user_id = $1`,
      [user.id],
    );
    const [, links] = await manager.query<[unknown, number]>(
      `DELETE FROM account_links WHERE user_id = $1`,
      [user.id],
    );
    await manager.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [user.id]);
    await manager.query(`DELETE FROM second_factors WHERE user_id = $1`, [user.id]);
    await manager.query(
      `UPDATE audit_events
       SET actor_label = $2 || coalesce(' ' || substring(actor_label from '\\([a-z]+\\)$'), '')
       WHERE actor_id = $1 AND actor_label NOT LIKE $2 || '%'`,
      [user.id, ERASED_ACTOR],
    );
    await this.redactAuditKeys(manager, 'user', [user.id], USER_AUDIT_KEYS, text);
    if (user.email !== placeholder) {
      await manager.query(
        `UPDATE audit_events SET changes = replace(changes::text, $1, $2)::jsonb
         WHERE strpos(changes::text, $1) > 0`,
        [user.email, placeholder],
      );
      await manager.query(
        `UPDATE email_outbox SET recipients = array_replace(recipients, $1, $2), data = '{}'::jsonb
         WHERE $1 = ANY(recipients) AND ${emailFinishedSql()}`,
        [user.email, REMOVED_RECIPIENT],
      );
    }
    return { sessions, links };
  }

  async markErased(
    manager: EntityManager,
    objectType: string,
    ids: string[],
    kind: string,
    runId: string | null,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO personal_data_erasures (object_type, object_id, kind, run_id)
       SELECT $1, id, $3, $4 FROM unnest($2::uuid[]) AS id
       ON CONFLICT DO NOTHING`,
      [objectType, ids, kind, runId],
    );
  }

  // Each named key of the objects' audit events reads `text` (or stays null where it was null).
  private async redactAuditKeys(
    manager: EntityManager,
    objectType: string,
    ids: string[],
    keys: string[],
    text: string,
  ): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    const side = (name: string) =>
      `CASE WHEN coalesce(v->'${name}', 'null'::jsonb) = 'null'::jsonb THEN 'null'::jsonb ELSE to_jsonb($4::text) END`;
    await manager.query(
      `UPDATE audit_events SET changes = (
         SELECT jsonb_object_agg(k, CASE WHEN k = ANY($3::text[])
           THEN jsonb_build_object('before', ${side('before')}, 'after', ${side('after')})
           ELSE v END)
         FROM jsonb_each(changes) AS c(k, v))
       WHERE object_type = $1 AND object_id = ANY($2::text[]) AND changes ?| $3::text[]`,
      [objectType, ids, keys, text],
    );
  }
}
