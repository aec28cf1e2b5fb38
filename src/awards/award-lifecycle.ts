import type { DecisionStatus } from './award.entity';

// Where an award stands, as SQL over `award_decisions a`, declared once for the services, the
// task list and the reports. `asOf` is an SQL expression for an instant.

// Published, neither accepted nor declined, not lapsed (award.rules.ts#offerLapsed): the
// recipient may still accept it.
export function offerOpenSql(asOf: string): string {
  return `a.status = 'offered' AND a.published_at IS NOT NULL AND a.offer_expires_at >= ${asOf}`;
}

// Over the approval threshold, recorded by one approver, waiting for a different one.
export const AWAITING_SECOND_APPROVAL_SQL = `a.status = 'pending_second_approval'`;

// Not finished: offered, accepted or delivering, its money neither all paid nor released. A round
// closes out only when none of its awards is in one of these.
export const UNSETTLED_AWARD_STATUSES = [
  'pending_second_approval',
  'offered',
  'accepted',
  'active',
] as const satisfies readonly DecisionStatus[];
export const AWARD_UNSETTLED_SQL = `a.status IN (${UNSETTLED_AWARD_STATUSES.map((status) => `'${status}'`).join(', ')})`;
