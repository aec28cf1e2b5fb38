import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { CostKind } from '../bids/bid-lines.entity';
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

// The latest submission of each of an award's returns, with its spend lines.
const LATEST_LINES = `
  FROM return_spend_lines l
  JOIN return_submissions s ON s.id = l.submission_id
  JOIN delivery_returns d ON d.id = s.return_id AND s.number = d.submissions
  LEFT JOIN return_payments p ON p.return_id = d.id
  WHERE d.award_id = $1`;

// An award's money as its returns have moved it: claimed, approved, paid, released; summed per
// financial year and kind in SQL from the returns' latest submissions.
@Injectable()
export class ReturnLedger {
  // What counts against each year's award, except `exceptReturnId`'s own claim: approved spend
  // of approved returns and the claims of returns awaiting review.
  async committed(
    manager: EntityManager,
    awardId: string,
    exceptReturnId: string | null,
  ): Promise<YearKindAmount[]> {
    const rows = await manager.query<LedgerRow[]>(
      `SELECT l.financial_year, l.kind,
              sum(CASE WHEN d.status = 'approved' THEN l.approved_pence ELSE l.claimed_pence END) AS amount
       ${LATEST_LINES}
         AND d.status IN ('submitted', 'approved')
         AND d.id IS DISTINCT FROM $2::uuid
       GROUP BY l.financial_year, l.kind`,
      [awardId, exceptReturnId],
    );
    return toAmounts(rows);
  }

  // Outputs reported per intervention in the award's sent returns, except `exceptReturnId`'s.
  async outputs(
    manager: EntityManager,
    awardId: string,
    exceptReturnId: string,
  ): Promise<Map<string, number>> {
    const rows = await manager.query<{ intervention_id: string; achieved: string }[]>(
      `SELECT o->>'interventionId' AS intervention_id, sum((o->>'achieved')::bigint) AS achieved
       FROM return_submissions s
       JOIN delivery_returns d ON d.id = s.return_id AND s.number = d.submissions
       CROSS JOIN jsonb_array_elements(s.content->'outputs') AS o
       WHERE d.award_id = $1 AND d.status IN ('submitted', 'approved') AND d.id <> $2::uuid
       GROUP BY 1`,
      [awardId, exceptReturnId],
    );
    return new Map(rows.map((row) => [row.intervention_id, Number(row.achieved)]));
  }

  async position(
    manager: EntityManager,
    awardId: string,
  ): Promise<{
    claimed: YearKindAmount[];
    approved: YearKindAmount[];
    paid: YearKindAmount[];
    released: YearKindAmount[];
    toPayPence: number;
  }> {
    const sum = (condition: string, column: string) =>
      manager
        .query<LedgerRow[]>(
          `SELECT l.financial_year, l.kind, sum(${column}) AS amount ${LATEST_LINES} AND ${condition}
           GROUP BY l.financial_year, l.kind`,
          [awardId],
        )
        .then(toAmounts);
    // One after another: these run on the caller's transaction, one connection.
    const claimed = await sum(`d.status IN ('submitted', 'approved')`, 'l.claimed_pence');
    const approved = await sum(`d.status = 'approved'`, 'l.approved_pence');
    const paid = await sum(`d.status = 'approved' AND p.status = 'made'`, 'l.approved_pence');
    const released = toAmounts(
      await manager.query<LedgerRow[]>(
        `SELECT financial_year, kind, amount_pence AS amount FROM year_end_releases
         WHERE award_id = $1`,
        [awardId],
      ),
    );
    const toPay = await manager.query<{ amount: string | null }[]>(
      `SELECT sum(amount_pence) AS amount FROM return_payments
       WHERE award_id = $1 AND status = 'to_make'`,
      [awardId],
    );
    return { claimed, approved, paid, released, toPayPence: Number(toPay[0]?.amount ?? 0) };
  }
}
