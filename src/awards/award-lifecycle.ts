import type { AuthenticatedUser, Role } from '../common/access';
import type { AwardDecision, DecisionStatus } from './award.entity';
import { textListSql } from '../database/sql-text';

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

// The award's quarterly profile (jsonb, [{financialYear, quarter, kind, amountPence}]) as it
// stood at `asOf`, for `awardId` (an SQL uuid expression): what the latest variation approved by
// then made it, or, before any, what the first approved variation found (its profile_before).
// NULL for an award never varied: its award_lines spread evenly over its quarters are the profile.
export function awardProfileAtSql(awardId: string, asOf: string): string {
  return `coalesce(
    (SELECT v.profile FROM award_variations v
     WHERE v.award_id = ${awardId} AND v.status = 'approved' AND v.approved_at <= ${asOf}
     ORDER BY v.approved_at DESC LIMIT 1),
    (SELECT v.profile_before FROM award_variations v
     WHERE v.award_id = ${awardId} AND v.status = 'approved'
     ORDER BY v.approved_at LIMIT 1))`;
}

// Not finished: offered, accepted or delivering, its money neither all paid nor released. A round
// closes out only when none of its awards is in one of these.
export const UNSETTLED_AWARD_STATUSES = [
  'pending_second_approval',
  'offered',
  'accepted',
  'active',
] as const satisfies readonly DecisionStatus[];
export const AWARD_UNSETTLED_SQL = `a.status IN (${textListSql(UNSETTLED_AWARD_STATUSES)})`;

// Awards in these states hold their money against the round's budget.
export const LIVE_AWARD_STATUSES: DecisionStatus[] = [
  'pending_second_approval',
  'offered',
  'accepted',
  'active',
  'completed',
];

// An award over the threshold that its second approver did not confirm: it stands for nothing
// (its money went back to the round and the bid may be decided again). Every other decision
// is the bid's standing one, at most one a bid.
export const UNCONFIRMED_DECISION_STATUS = 'not_confirmed' satisfies DecisionStatus;
export const STANDING_DECISION_SQL = `a.status <> '${UNCONFIRMED_DECISION_STATUS}'`;

// Who may read awards and bids' outcomes: the bidder (their own, once published) and Home Office
// staff other than assessors. The API's routes and the portal's links both follow it.
export const AWARD_READERS = [
  'applicant',
  'approver',
  'moderator',
  'finance',
  'admin',
] as const satisfies readonly Role[];

// An applicant sees only their own organisation's awards, and only once published.
export function awardVisibleTo(
  user: AuthenticatedUser,
  row: Pick<AwardDecision, 'organisationId' | 'publishedAt'>,
): boolean {
  return (
    user.role !== 'applicant' ||
    (row.organisationId === user.organisationId && Boolean(row.publishedAt))
  );
}
