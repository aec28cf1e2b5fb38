import type { ReturnStatus } from './delivery-return.entity';
import type { ReturnFilter } from './return.dto';
import { endOfLondonDaySql } from '../common/london-time';
import { textListSql } from '../database/sql-text';

// Where a quarterly return stands, as SQL over `delivery_returns d`, declared once for the list
// filters, the reminder scan and the task list. `today` is an SQL expression for the UK calendar
// date (see londonDateOfSql); `return-schedule.rules.ts#readStatus` is the same rule in code.

// Only returns of an active award are owed (a withdrawn award's returns are cancelled).
export const RETURN_OF_ACTIVE_AWARD_JOIN = `JOIN award_decisions a ON a.id = d.award_id AND a.status = 'active'`;

// Not yet sent, its quarter over: the bidder should be writing it.
export function returnUnsentSql(today: string): string {
  return `d.status IN ('upcoming', 'due') AND d.period_ends_on < ${today}`;
}

// Returns the bidder may still write: not yet sent, or sent back for changes.
export const WITH_BIDDER: readonly ReturnStatus[] = ['upcoming', 'due', 'changes_requested'];
export function isWithBidder(status: string): boolean {
  return (WITH_BIDDER as readonly string[]).includes(status);
}

// With the bidder (unsent, or sent back for changes), its quarter over.
export function returnWithBidderSql(today: string): string {
  return `d.status IN (${textListSql(WITH_BIDDER)}) AND d.period_ends_on < ${today}`;
}

// With the bidder past its due date.
export function returnOverdueSql(today: string): string {
  return `${returnWithBidderSql(today)} AND d.due_on < ${today}`;
}

// Whole days past the due date (positive once overdue).
export function returnDaysOverdueSql(today: string): string {
  return `(${today} - d.due_on)`;
}

// The last moment of the due date in London, as an instant: the deadline a person reads.
export const RETURN_DEADLINE_SQL = endOfLondonDaySql('d.due_on');

// Sent and waiting for finance to review.
export const RETURN_AWAITING_REVIEW_SQL = `d.status = 'submitted'`;

// Sent (awaiting review or approved): its figures are fixed, and its claim counts against the
// award (the approved amounts once approved, the claimed ones until then).
export const SENT_RETURN_STATUSES: readonly ReturnStatus[] = ['submitted', 'approved'];
export const RETURN_SENT_SQL = `d.status IN (${textListSql(SENT_RETURN_STATUSES)})`;
export function isSentReturn(status: string): boolean {
  return (SENT_RETURN_STATUSES as readonly string[]).includes(status);
}
export const RETURN_APPROVED_SQL = `d.status = 'approved'`;

// What each list filter means in SQL over a return `d`, given today's UK date as :today; the
// same reading as readStatus (return-schedule.rules.ts).
export const RETURN_FILTER_SQL: Record<ReturnFilter, string> = {
  upcoming: `d.status = 'upcoming' AND d.period_ends_on >= :today`,
  due: `(d.status = 'due' OR (d.status = 'upcoming' AND d.period_ends_on < :today)) AND d.due_on >= :today`,
  overdue: returnOverdueSql(':today'),
  submitted: RETURN_AWAITING_REVIEW_SQL,
  approved: RETURN_APPROVED_SQL,
  changes_requested: `d.status = 'changes_requested'`,
  cancelled: `d.status = 'cancelled'`,
};

// A return's quarter as people name it: `Q2 2026/27`.
export function quarterLabel(row: { quarter: number; financialYear: string }): string {
  return `Q${row.quarter} ${row.financialYear}`;
}

// Settled: nothing more is owed on it. Any other return keeps its round from closing out.
export const SETTLED_RETURN_STATUSES: readonly ReturnStatus[] = ['approved', 'cancelled'];
export const RETURN_UNSETTLED_SQL = `d.status NOT IN (${textListSql(SETTLED_RETURN_STATUSES)})`;

// Over `return_payments p`: approved for payment, not yet recorded as made.
export const PAYMENT_UNMADE_SQL = `p.status = 'to_make'`;
// Over `return_payments p`: recorded as made.
export const PAYMENT_MADE_SQL = `p.status = 'made'`;
// A payment's deadline: the end of its due date in London.
export const PAYMENT_DEADLINE_SQL = endOfLondonDaySql('p.due_on');
