import type { ReturnStatus } from './delivery-return.entity';
import type { ReturnFilter } from './return.dto';

// Returns the bidder may still write: not yet sent, or sent back for changes.
export const WITH_BIDDER: ReturnStatus[] = ['upcoming', 'due', 'changes_requested'];

// What each list filter means in SQL over a return `d`, given today's UK date as :today; the
// same reading as readStatus (return-schedule.rules.ts).
export const RETURN_FILTER_SQL: Record<ReturnFilter, string> = {
  upcoming: `d.status = 'upcoming' AND d.period_ends_on >= :today`,
  due: `(d.status = 'due' OR (d.status = 'upcoming' AND d.period_ends_on < :today)) AND d.due_on >= :today`,
  overdue: `d.status IN ('upcoming', 'due', 'changes_requested') AND d.period_ends_on < :today AND d.due_on < :today`,
  submitted: `d.status = 'submitted'`,
  approved: `d.status = 'approved'`,
  changes_requested: `d.status = 'changes_requested'`,
  cancelled: `d.status = 'cancelled'`,
};

// A return's quarter as people name it: `Q2 2026/27`.
export function quarterLabel(row: { quarter: number; financialYear: string }): string {
  return `Q${row.quarter} ${row.financialYear}`;
}
