import type { EntityManager } from 'typeorm';
import type { OutstandingItem } from '../rounds/rounds.rules';
import {
  londonTodaySql,
  PAYMENT_UNMADE_SQL,
  quarterLabel,
  RETURN_UNSETTLED_SQL,
  returnOverdueSql,
} from './return-lifecycle';

// What a round's returns and payments still owe, for close-out: returns neither approved nor
// cancelled, payments not made. Named queries taking the caller's transaction.

export async function unsettledReturns(
  manager: EntityManager,
  roundId: string,
  now: Date,
): Promise<OutstandingItem[]> {
  const today = londonTodaySql('$2::timestamptz');
  const rows: {
    id: string;
    reference: string;
    quarter: number;
    financial_year: string;
    status: string;
    due_on: string;
    overdue: boolean;
    claimed_pence: string | null;
  }[] = await manager.query(
    `SELECT d.id, b.reference, d.quarter, d.financial_year, d.status, d.due_on::text AS due_on,
            (${returnOverdueSql(today)}) AS overdue,
            (SELECT sum(l.claimed_pence) FROM return_submissions s
               JOIN return_spend_lines l ON l.submission_id = s.id
              WHERE s.return_id = d.id AND s.number = d.submissions) AS claimed_pence
       FROM delivery_returns d
       JOIN award_decisions a ON a.id = d.award_id
       JOIN bids b ON b.id = a.bid_id
      WHERE a.round_id = $1 AND ${RETURN_UNSETTLED_SQL}
      ORDER BY b.reference, d.period_starts_on`,
    [roundId, now],
  );
  return rows.map((row) => {
    const sent = row.status === 'submitted';
    const outstanding = sent
      ? 'submitted, waiting for finance to review it'
      : row.status === 'changes_requested'
        ? `sent back for changes, not resubmitted (due on ${row.due_on})`
        : row.overdue
          ? `not sent, overdue (due on ${row.due_on})`
          : `not sent yet (due on ${row.due_on})`;
    return {
      kind: 'return' as const,
      id: row.id,
      reference: `${row.reference} ${quarterLabel({ quarter: row.quarter, financialYear: row.financial_year })}`,
      outstanding,
      amountPence: Number(row.claimed_pence ?? 0),
    };
  });
}

export async function unmadePayments(
  manager: EntityManager,
  roundId: string,
): Promise<OutstandingItem[]> {
  const rows: {
    id: string;
    reference: string;
    quarter: number;
    financial_year: string;
    amount_pence: string;
    due_on: string;
  }[] = await manager.query(
    `SELECT p.id, b.reference, d.quarter, d.financial_year, p.amount_pence, p.due_on::text AS due_on
       FROM return_payments p
       JOIN delivery_returns d ON d.id = p.return_id
       JOIN award_decisions a ON a.id = p.award_id
       JOIN bids b ON b.id = a.bid_id
      WHERE a.round_id = $1 AND ${PAYMENT_UNMADE_SQL}
      ORDER BY b.reference, d.period_starts_on`,
    [roundId],
  );
  return rows.map((row) => ({
    kind: 'payment' as const,
    id: row.id,
    reference: `${row.reference} ${quarterLabel({ quarter: row.quarter, financialYear: row.financial_year })}`,
    outstanding: `approved, not paid (due on ${row.due_on})`,
    amountPence: Number(row.amount_pence),
  }));
}
