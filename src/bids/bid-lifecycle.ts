// Where a bid stands, as SQL over `bids b JOIN funding_rounds r`, declared once for the
// reminder scan, the task list and the services. `asOf` is an SQL expression for an instant.

// A PCC endorses and ranks until its round moves into assessment.
export const ENDORSING_ROUND_STATUSES = ['open', 'closed'];

// The draft reminder's steps: days before the round closes.
export const DRAFT_REMINDER_DAYS = [7, 1] as const;
// "Closing soon" for a draft: inside the first reminder step.
export const DRAFT_CLOSING_SOON_DAYS = Math.max(...DRAFT_REMINDER_DAYS);

// A draft that can still be submitted: its round open and not yet closed.
export function draftOpenSql(asOf: string): string {
  return `b.status = 'draft' AND r.status = 'open' AND r.closes_at > ${asOf}`;
}

// The round closes within `days` (an SQL integer expression) of `asOf`.
export function roundClosesWithinSql(asOf: string, days: string): string {
  return `r.closes_at <= ${asOf} + make_interval(days => ${days})`;
}

// A submitted bid its area's PCC has not yet endorsed or declined, in a round still endorsing.
export const AWAITING_ENDORSEMENT_SQL = `b.status = 'submitted' AND b.needs_endorsement
  AND b.endorsement_decision IS NULL
  AND r.status IN (${ENDORSING_ROUND_STATUSES.map((s) => `'${s}'`).join(', ')})`;
