// Where a quarterly return stands, as SQL over `delivery_returns d`, declared once for the list
// filters, the reminder scan and the task list. `today` is an SQL expression for the UK calendar
// date (see londonTodaySql); `return-schedule.rules.ts#readStatus` is the same rule in code.

// Today's UK calendar date at an instant given as an SQL expression (`$1::timestamptz`).
export function londonTodaySql(instant: string): string {
  return `(${instant} AT TIME ZONE 'Europe/London')::date`;
}

// Only returns of an active award are owed (a withdrawn award's returns are cancelled).
export const RETURN_OF_ACTIVE_AWARD_JOIN = `JOIN award_decisions a ON a.id = d.award_id AND a.status = 'active'`;

// Not yet sent, its quarter over: the bidder should be writing it.
export function returnUnsentSql(today: string): string {
  return `d.status IN ('upcoming', 'due') AND d.period_ends_on < ${today}`;
}

// With the bidder (unsent, or sent back for changes), its quarter over.
export function returnWithBidderSql(today: string): string {
  return `d.status IN ('upcoming', 'due', 'changes_requested') AND d.period_ends_on < ${today}`;
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
export const RETURN_DEADLINE_SQL = `(((d.due_on + 1)::timestamp AT TIME ZONE 'Europe/London') - interval '1 millisecond')`;

// Sent and waiting for finance to review.
export const RETURN_AWAITING_REVIEW_SQL = `d.status = 'submitted'`;
