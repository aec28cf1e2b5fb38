// An organisation's own close time for a round, declared once: the round's `closesAt`, or the
// later time of the organisation's deadline extension when it has one (deadline-extension
// .rules.ts makes sure an extension is always later than the round's close). Submission, the
// draft reminders, the task list and the applicant's views all read it from here.

// The rule in TypeScript, for the services.
export function effectiveClosesAt(
  round: { closesAt: Date },
  extension: { closesAt: Date } | null,
): Date {
  return extension && extension.closesAt.getTime() > round.closesAt.getTime()
    ? extension.closesAt
    : round.closesAt;
}

// The same rule in SQL over `funding_rounds <round>`, for the organisation `organisationId`
// (an SQL expression, e.g. `b.organisation_id`).
export function effectiveClosesAtSql(round: string, organisationId: string): string {
  return `GREATEST(${round}.closes_at, COALESCE((SELECT x.closes_at FROM round_deadline_extensions x
    WHERE x.round_id = ${round}.id AND x.organisation_id = ${organisationId}), ${round}.closes_at))`;
}

// The close time of a bid's organisation, over `bids b JOIN funding_rounds r`.
export const BID_CLOSES_AT_SQL = effectiveClosesAtSql('r', 'b.organisation_id');

// An extension still running at `asOf` (an SQL expression), over `round_deadline_extensions x`.
export function extensionRunningSql(asOf: string): string {
  return `x.closes_at > ${asOf}`;
}
