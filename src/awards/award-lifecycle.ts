// Where an award stands, as SQL over `award_decisions a`, declared once for the services, the
// task list and the reports. `asOf` is an SQL expression for an instant.

// Published, neither accepted nor declined, not lapsed (award.rules.ts#offerLapsed): the
// recipient may still accept it.
export function offerOpenSql(asOf: string): string {
  return `a.status = 'offered' AND a.published_at IS NOT NULL AND a.offer_expires_at >= ${asOf}`;
}

// Over the approval threshold, recorded by one approver, waiting for a different one.
export const AWAITING_SECOND_APPROVAL_SQL = `a.status = 'pending_second_approval'`;

// Published and never accepted or declined by its deadline (award.rules.ts#offerLapsed): the
// daily lapse job withdraws it.
export function offerLapsedSql(asOf: string): string {
  return `a.status = 'offered' AND a.published_at IS NOT NULL AND a.offer_expires_at < ${asOf}`;
}
