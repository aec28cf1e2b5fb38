import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { AuditActor, AuditEntry } from '../audit/audit.service';
import { auditInsert } from '../audit/audit-store';
import { awardForDeliveryJson, type AwardForDeliveryRaw } from '../awards/award-for-delivery';
import { applySearch, applySort } from '../common/list-query';
import { DeliveryReturn } from './delivery-return.entity';
import type { ReturnContent } from './return-content.rules';
import {
  committedJson,
  type LedgerPosition,
  outputsJson,
  positionJson,
} from './return-ledger-store';
import { RETURN_FILTER_SQL } from './return-lifecycle';
import type { SubmissionDto } from './return-response.dto';
import type { ScheduledFields } from './return-schedule-store';
import { ReturnPayment } from './return-payment.entity';
import { ReturnSpendLine, ReturnSubmission } from './return-submission.entity';
import type { YearKindAmount } from './return.rules';
import { RETURN_SORT_COLUMNS, type ReturnQuery } from './return.dto';

// The returns of the award `awardId` (an SQL uuid expression) as a JSON array of ScheduledFields
// in quarter order; only those (`x`) meeting `condition`.
function scheduleJson(awardId: string, condition = 'true'): string {
  return `(SELECT coalesce(json_agg(json_build_object(
      'id', x.id, 'financialYear', x.financial_year, 'quarter', x.quarter,
      'periodStartsOn', x.period_starts_on::text, 'periodEndsOn', x.period_ends_on::text,
      'dueOn', x.due_on::text, 'status', x.status) ORDER BY x.period_starts_on), '[]')
    FROM delivery_returns x WHERE x.award_id = ${awardId} AND ${condition})`;
}

// What a return's answer and its rules need beside the return `ret` of the surrounding query,
// each gathered into JSON by its own subquery so the whole return comes back as one row.
const RETURN_PARTS_JSON = {
  // The award's returns in quarter order, cancelled ones left out.
  schedule: scheduleJson('ret.award_id', `x.status <> 'cancelled'`),
  // Every submission in order, with its spend lines and the names of who sent and reviewed it
  // (the id when the person is gone).
  submissions: `(SELECT coalesce(json_agg(json_build_object(
      'number', s.number, 'content', s.content,
      'spend', (SELECT coalesce(json_agg(json_build_object(
          'financialYear', l.financial_year, 'kind', l.kind,
          'claimedPence', l.claimed_pence, 'approvedPence', l.approved_pence)), '[]')
        FROM return_spend_lines l WHERE l.submission_id = s.id),
      'submittedAt', s.submitted_at,
      'submittedBy', coalesce((SELECT u.name FROM users u WHERE u.id = s.submitted_by),
        s.submitted_by::text),
      'outcome', s.outcome, 'reviewComment', s.review_comment, 'reviewedAt', s.reviewed_at,
      'reviewedBy', CASE WHEN s.reviewed_by IS NOT NULL THEN coalesce(
        (SELECT u.name FROM users u WHERE u.id = s.reviewed_by), s.reviewed_by::text) END,
      'payablePence', s.payable_pence) ORDER BY s.number), '[]')
    FROM return_submissions s WHERE s.return_id = ret.id)`,
  payment: `(SELECT json_build_object(
      'id', p.id, 'returnId', p.return_id, 'awardId', p.award_id, 'amountPence', p.amount_pence,
      'dueOn', p.due_on::text, 'status', p.status, 'paidOn', p.paid_on::text,
      'reference', p.reference)
    FROM return_payments p WHERE p.return_id = ret.id)`,
};

type SubmissionRaw = Omit<SubmissionDto, 'submittedAt' | 'reviewedAt'> & {
  submittedAt: string;
  reviewedAt: string | null;
};

interface ReturnRaw {
  award: AwardForDeliveryRaw | null;
  schedule: ScheduledFields[];
  claimed_before: YearKindAmount[];
  reported: Record<string, number>;
  submissions: SubmissionRaw[];
  payment: PaymentRow | null;
}

export type PaymentRow = Pick<
  ReturnPayment,
  'id' | 'returnId' | 'awardId' | 'amountPence' | 'dueOn' | 'status' | 'paidOn' | 'reference'
>;

// A return read whole: the row, its award as awardForDeliveryJson reads it (null when it is not
// a published award), the award's schedule, what the award's other returns commit and report,
// and the return's submissions and payment.
export interface LoadedReturn {
  row: DeliveryReturn;
  award: AwardForDeliveryRaw | null;
  schedule: ScheduledFields[];
  claimedBefore: YearKindAmount[];
  reported: Map<string, number>;
  submissions: SubmissionDto[];
  payment: PaymentRow | null;
}

// An award's position read whole: the award as awardForDeliveryJson reads it (null when it is
// not a published award), its money as its returns have moved it, and all its returns.
export interface AwardPositionRead {
  award: AwardForDeliveryRaw | null;
  ledger: LedgerPosition;
  returns: ScheduledFields[];
}

// What a page of the returns list reads beside each return.
export interface ReturnSummaryRow {
  award_reference: string;
  bid_title: string;
  organisation_name: string;
  round_id: string;
  round_code: string;
  submitted_at: Date | null;
  claimed_pence: string | null;
  approved_pence: string | null;
}

// Named reads and writes of quarterly returns, always inside the caller's transaction (or, for a
// read, on its own as one statement, which is one snapshot).
@Injectable()
export class ReturnStore {
  // The return row alone, or null when it is not found (or not `ownedBy`'s, when given).
  async find(
    manager: EntityManager,
    id: string,
    ownedBy?: string | null,
  ): Promise<DeliveryReturn | null> {
    return this.query(manager, id, ownedBy).getOne();
  }

  // Locks the return's award, then the return (every command on an award's returns takes them
  // in this order, so commands on one award's returns happen one at a time), in one statement.
  // `ownedBy`: only a return of that organisation (an applicant's), when given. False when no
  // such return is found.
  async lock(manager: EntityManager, id: string, ownedBy?: string | null): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM award_decisions a JOIN delivery_returns d ON d.award_id = a.id
        WHERE d.id = $1 AND ($2 OR d.organisation_id = $3)
        FOR UPDATE OF a, d`,
      [id, ownedBy === undefined, ownedBy ?? null],
    );
    return rows.length > 0;
  }

  // The return whole (LoadedReturn) in one query, or null when it is not found (or not
  // `ownedBy`'s, when given).
  async read(
    manager: EntityManager,
    id: string,
    ownedBy?: string | null,
  ): Promise<LoadedReturn | null> {
    const { entities, raw } = await this.query(manager, id, ownedBy)
      .addSelect(awardForDeliveryJson('ret.award_id'), 'award')
      .addSelect(RETURN_PARTS_JSON.schedule, 'schedule')
      .addSelect(committedJson('ret.award_id', 'ret.id'), 'claimed_before')
      .addSelect(outputsJson('ret.award_id', 'ret.id'), 'reported')
      .addSelect(RETURN_PARTS_JSON.submissions, 'submissions')
      .addSelect(RETURN_PARTS_JSON.payment, 'payment')
      .getRawAndEntities<ReturnRaw>();
    const [row] = entities;
    if (!row) {
      return null;
    }
    const [parts] = raw;
    return {
      row,
      award: parts.award,
      schedule: parts.schedule,
      claimedBefore: parts.claimed_before,
      reported: new Map(Object.entries(parts.reported)),
      submissions: parts.submissions.map((s) => ({
        ...s,
        spend: [...s.spend].sort((a, b) =>
          `${a.financialYear}${a.kind}`.localeCompare(`${b.financialYear}${b.kind}`),
        ),
        submittedAt: new Date(s.submittedAt),
        reviewedAt: s.reviewedAt === null ? null : new Date(s.reviewedAt),
      })),
      payment: parts.payment,
    };
  }

  // The award `awardId`'s position (AwardPositionRead) in one query.
  async position(manager: EntityManager, awardId: string): Promise<AwardPositionRead> {
    const [read] = await manager.query<AwardPositionRead[]>(
      `SELECT ${awardForDeliveryJson('$1::uuid')} AS award, ${positionJson('$1::uuid')} AS ledger,
              ${scheduleJson('$1::uuid')} AS returns`,
      [awardId],
    );
    return read;
  }

  // A page of the returns `query` asks for, each with its award's reference, bid and
  // organisation, its round and its latest submission's claim; only `ownedBy`'s (an
  // applicant's organisation), when given. `today`: the UK date the filters mean. Two queries
  // side by side, the page and the count.
  async page(
    manager: EntityManager,
    query: ReturnQuery,
    ownedBy: string | null | undefined,
    today: string,
  ): Promise<{ rows: { row: DeliveryReturn; summary: ReturnSummaryRow }[]; total: number }> {
    const builder = manager
      .createQueryBuilder(DeliveryReturn, 'd')
      .innerJoin('award_decisions', 'a', 'a.id = d.award_id')
      .innerJoin('bids', 'b', 'b.id = a.bid_id')
      .innerJoin('organisations', 'o', 'o.id = d.organisation_id')
      .innerJoin('funding_rounds', 'r', 'r.id = a.round_id')
      // The latest submission, if any: at most one row (uq_return_submissions_number).
      .leftJoin('return_submissions', 's', 's.return_id = d.id AND s.number = d.submissions')
      .select('d')
      .addSelect([
        'b.reference AS award_reference',
        'b.title AS bid_title',
        'o.name AS organisation_name',
        'a.round_id AS round_id',
        'r.code AS round_code',
        's.submitted_at AS submitted_at',
        's.payable_pence AS approved_pence',
        `(SELECT sum(l.claimed_pence) FROM return_spend_lines l WHERE l.submission_id = s.id) AS claimed_pence`,
      ])
      .setParameters({ today })
      .offset(query.offset)
      .limit(query.limit);
    applySort(builder, RETURN_SORT_COLUMNS, query.sort, [
      'b.reference',
      'd.period_starts_on',
      'd.id',
    ]);
    applySearch(builder, query.q, ['b.reference', 'b.title', 'o.name']);
    if (ownedBy !== undefined) {
      builder.andWhere('d.organisation_id = :ownedBy', { ownedBy });
    }
    if (query.roundId) {
      builder.andWhere('a.round_id = :roundId', { roundId: query.roundId });
    }
    if (query.awardId) {
      builder.andWhere('d.award_id = :awardId', { awardId: query.awardId });
    }
    if (query.status) {
      builder.andWhere(RETURN_FILTER_SQL[query.status]);
    }
    const [{ entities, raw }, total] = await Promise.all([
      builder.getRawAndEntities<ReturnSummaryRow>(),
      builder.getCount(),
    ]);
    return { rows: entities.map((row, index) => ({ row, summary: raw[index] })), total };
  }

  // Replaces the draft, moving the version and update time, and writes `audit`'s event, in one
  // statement. Answers the row as saved.
  async saveDraft(
    manager: EntityManager,
    row: DeliveryReturn,
    draft: Partial<ReturnContent>,
    actor: AuditActor,
    audit: AuditEntry,
  ): Promise<DeliveryReturn> {
    const event = auditInsert(actor, audit, 3);
    const [saved] = await manager.query<
      { draft: Partial<ReturnContent>; version: number; updated_at: Date }[]
    >(
      `WITH saved AS (
         UPDATE delivery_returns SET draft = $2::jsonb, version = version + 1,
                updated_at = CURRENT_TIMESTAMP
          WHERE id = $1
          RETURNING draft, version, updated_at),
       event AS (${event.sql})
       SELECT draft, version, updated_at FROM saved`,
      [row.id, JSON.stringify(draft), ...event.values],
    );
    return Object.assign(new DeliveryReturn(), row, {
      draft: saved.draft,
      version: saved.version,
      updatedAt: saved.updated_at,
    });
  }

  // The return sent: its next submission with the content and claimed lines, the return
  // submitted. Answers the submission.
  async writeSubmission(
    manager: EntityManager,
    row: DeliveryReturn,
    content: ReturnContent,
    submittedBy: string,
    submittedAt: Date,
  ): Promise<ReturnSubmission> {
    const submission = await manager.save(
      manager.create(ReturnSubmission, {
        returnId: row.id,
        number: row.submissions + 1,
        content,
        submittedAt,
        submittedBy,
      }),
    );
    if (content.spend.length > 0) {
      await manager.insert(
        ReturnSpendLine,
        content.spend.map(({ financialYear, kind, amountPence }) => ({
          submissionId: submission.id,
          financialYear,
          kind,
          claimedPence: amountPence,
        })),
      );
    }
    await manager.update(
      DeliveryReturn,
      { id: row.id },
      { status: 'submitted', submissions: submission.number },
    );
    return submission;
  }

  // The return `id` as `ret`; only `ownedBy`'s (an applicant's organisation), when given.
  private query(
    manager: EntityManager,
    id: string,
    ownedBy: string | null | undefined,
  ): SelectQueryBuilder<DeliveryReturn> {
    const query = manager.createQueryBuilder(DeliveryReturn, 'ret').where('ret.id = :id', { id });
    return ownedBy === undefined
      ? query
      : query.andWhere('ret.organisation_id = :ownedBy', { ownedBy });
  }
}
