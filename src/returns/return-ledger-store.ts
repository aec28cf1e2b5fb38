import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { CostKind } from '../bids/bid-lines.entity';
import {
  PAYMENT_MADE_SQL,
  PAYMENT_UNMADE_SQL,
  RETURN_APPROVED_SQL,
  RETURN_SENT_SQL,
} from './return-lifecycle';
import type { YearKindAmount } from './return.rules';

interface LedgerRow {
  financial_year: string;
  kind: CostKind;
  amount: string;
}

const toAmounts = (rows: LedgerRow[]): YearKindAmount[] =>
  rows.map((row) => ({
    financialYear: row.financial_year,
    kind: row.kind,
    amountPence: Number(row.amount),
  }));

// The latest submission of each of the award `awardId`'s returns (an SQL uuid expression), with
// its spend lines.
const latestLinesSql = (awardId: string) => `
  FROM return_spend_lines l
  JOIN return_submissions s ON s.id = l.submission_id
  JOIN delivery_returns d ON d.id = s.return_id AND s.number = d.submissions
  LEFT JOIN return_payments p ON p.return_id = d.id
  WHERE d.award_id = ${awardId}`;

// What counts against each year's award of `awardId`, except the return `exceptReturnId`'s own
// claim (SQL expressions; a NULL return excepts none): approved spend of approved returns and the
// claims of returns awaiting review, per financial year and kind.
function committedSql(awardId: string, exceptReturnId: string): string {
  return `SELECT l.financial_year, l.kind,
            sum(CASE WHEN ${RETURN_APPROVED_SQL} THEN l.approved_pence ELSE l.claimed_pence END) AS amount
          ${latestLinesSql(awardId)}
            AND ${RETURN_SENT_SQL}
            AND d.id IS DISTINCT FROM ${exceptReturnId}
          GROUP BY l.financial_year, l.kind`;
}

// Outputs reported per intervention in the award's sent returns, except `exceptReturnId`'s.
function outputsSql(awardId: string, exceptReturnId: string): string {
  return `SELECT o->>'interventionId' AS intervention_id, sum((o->>'achieved')::bigint) AS achieved
          FROM return_submissions s
          JOIN delivery_returns d ON d.id = s.return_id AND s.number = d.submissions
          CROSS JOIN jsonb_array_elements(s.content->'outputs') AS o
          WHERE d.award_id = ${awardId} AND ${RETURN_SENT_SQL}
            AND d.id <> ${exceptReturnId}
          GROUP BY 1`;
}

// Amounts per financial year and kind, as the query `sql` sums them (financial_year, kind,
// amount), as a JSON array of { financialYear, kind, amountPence }.
function amountsJson(sql: string): string {
  return `(SELECT coalesce(json_agg(json_build_object(
      'financialYear', c.financial_year, 'kind', c.kind, 'amountPence', c.amount)
      ORDER BY c.financial_year, c.kind), '[]')
    FROM (${sql}) c)`;
}

// The same two sums as JSON, for a read that brings them in its own statement: the committed
// amounts as an array of { financialYear, kind, amountPence }, the outputs as an object from
// intervention id to the number achieved.
export function committedJson(awardId: string, exceptReturnId: string): string {
  return amountsJson(committedSql(awardId, exceptReturnId));
}
export function outputsJson(awardId: string, exceptReturnId: string): string {
  return `(SELECT coalesce(json_object_agg(r.intervention_id, r.achieved), '{}')
    FROM (${outputsSql(awardId, exceptReturnId)}) r)`;
}

// Where the award's money stands, as its returns have moved it.
export interface LedgerPosition {
  claimed: YearKindAmount[];
  approved: YearKindAmount[];
  paid: YearKindAmount[];
  released: YearKindAmount[];
  toPayPence: number;
}

// The award `awardId`'s LedgerPosition as one JSON object: claimed, approved and paid summed
// from the returns' latest submissions, released from the year-end releases, and what is
// still to pay.
export function positionJson(awardId: string): string {
  const sum = (condition: string, column: string) =>
    amountsJson(`SELECT l.financial_year, l.kind, sum(${column}) AS amount
      ${latestLinesSql(awardId)} AND ${condition}
      GROUP BY l.financial_year, l.kind`);
  return `json_build_object(
    'claimed', ${sum(RETURN_SENT_SQL, 'l.claimed_pence')},
    'approved', ${sum(RETURN_APPROVED_SQL, 'l.approved_pence')},
    'paid', ${sum(`${RETURN_APPROVED_SQL} AND ${PAYMENT_MADE_SQL}`, 'l.approved_pence')},
    'released', ${amountsJson(`SELECT financial_year, kind, amount_pence AS amount
      FROM year_end_releases WHERE award_id = ${awardId}`)},
    'toPayPence', (SELECT coalesce(sum(p.amount_pence), 0) FROM return_payments p
      WHERE p.award_id = ${awardId} AND ${PAYMENT_UNMADE_SQL}))`;
}

// The ledger's store: what an award's returns already commit and report, summed in SQL from
// their latest submissions, in the caller's transaction, for commands that check a claim
// against them (a review, a variation). The same sums as JSON (committedJson, outputsJson,
// positionJson above) go into ReturnStore's one-statement reads.
@Injectable()
export class ReturnLedgerStore {
  // What counts against each year's award, except `exceptReturnId`'s own claim: approved spend
  // of approved returns and the claims of returns awaiting review.
  async committed(
    manager: EntityManager,
    awardId: string,
    exceptReturnId: string | null,
  ): Promise<YearKindAmount[]> {
    const rows = await manager.query<LedgerRow[]>(committedSql('$1', '$2::uuid'), [
      awardId,
      exceptReturnId,
    ]);
    return toAmounts(rows);
  }
}
