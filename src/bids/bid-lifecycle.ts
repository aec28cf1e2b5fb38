import { BID_CLOSES_AT_SQL } from '../rounds/round-deadlines';
import { ENDORSING_ROUND_STATUSES, isEndorsingRound } from '../rounds/round-lifecycle';
import type { RoundStatus } from '../rounds/funding-round.entity';
import type { BidStatus, EndorsementDecision } from './bid.entity';
import { textListSql } from '../database/sql-text';

// Where a bid stands, as SQL over `bids b JOIN funding_rounds r`, declared once for the
// reminder scan, the task list and the services. `asOf` is an SQL expression for an instant.
// "Closes" is the bid's organisation's own close time (the round's, or its deadline extension).

// A draft is the bidder's working copy: nobody outside its organisation sees it, the Home
// Office and the area's PCC see only what was submitted (wasSubmitted).
export const DRAFT_BID_STATUS = 'draft' satisfies BidStatus;

export function isOutOfDraft(bid: { status: BidStatus }): boolean {
  return bid.status !== DRAFT_BID_STATUS;
}

// What the Home Office and the area's PCC may see: a bid that was submitted, whatever became of
// it since. A draft withdrawn unsubmitted is out of draft but was never sent to anyone, so it
// stays its bidder's working copy. Only submission sets submitted_at (ck_bids_submitted_at).
export function wasSubmitted(bid: { submittedAt: Date | null }): boolean {
  return bid.submittedAt !== null;
}

// The same rule in SQL over `bids <alias>`.
export function submittedBidSql(alias: string): string {
  return `${alias}.submitted_at IS NOT NULL`;
}

// The draft reminder's steps: days before the round closes.
export const DRAFT_REMINDER_DAYS = [7, 1] as const;
// "Closing soon" for a draft: inside the first reminder step.
export const DRAFT_CLOSING_SOON_DAYS = Math.max(...DRAFT_REMINDER_DAYS);

// A draft that can still be submitted: its round open and not yet closed for its organisation.
export function draftOpenSql(asOf: string): string {
  return `b.status = 'draft' AND r.status = 'open' AND ${BID_CLOSES_AT_SQL} > ${asOf}`;
}

// The round closes for the bid's organisation within `days` (an SQL integer expression) of `asOf`.
export function roundClosesWithinSql(asOf: string, days: string): string {
  return `${BID_CLOSES_AT_SQL} <= ${asOf} + make_interval(days => ${days})`;
}

// The bid's organisation's close time, for deadlines shown in reminders and tasks.
export const BID_DEADLINE_SQL = BID_CLOSES_AT_SQL;

// Names an extended deadline in a reminder's dedupe key (empty for the round's own), so a
// reminder step sent before an extension is sent again before the later close.
export const BID_DEADLINE_KEY_SQL = `CASE WHEN ${BID_CLOSES_AT_SQL} > r.closes_at
  THEN ':until-' || to_char(${BID_CLOSES_AT_SQL} AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MI') ELSE '' END`;

// A submitted bid its area's PCC has not yet endorsed or declined, in a round still endorsing.
export const AWAITING_ENDORSEMENT_SQL = `b.status = 'submitted' AND b.needs_endorsement
  AND b.endorsement_decision IS NULL
  AND r.status IN (${textListSql(ENDORSING_ROUND_STATUSES)})`;

// The same rule for a bid and its round as read.
export function isAwaitingEndorsement(
  bid: EndorsedBid & { status: BidStatus },
  round: { status: RoundStatus },
): boolean {
  return (
    bid.status === 'submitted' &&
    bid.needsEndorsement &&
    bid.endorsementDecision === null &&
    isEndorsingRound(round)
  );
}

type EndorsedBid = { needsEndorsement: boolean; endorsementDecision: EndorsementDecision | null };

// Statuses from which a bidder may still withdraw: every one before a decision.
export const WITHDRAWABLE_BID_STATUSES: readonly BidStatus[] = [
  'draft',
  'submitted',
  'eligibility_failed',
  'in_assessment',
  'moderated',
];
export function isWithdrawable(bid: { status: BidStatus }): boolean {
  return WITHDRAWABLE_BID_STATUSES.includes(bid.status);
}

// Statuses in which a moderator may fail a bid on eligibility: after the round closes and
// before a decision.
export const FAILABLE_BID_STATUSES: readonly BidStatus[] = [
  'submitted',
  'in_assessment',
  'moderated',
];
export function isFailable(bid: { status: BidStatus }): boolean {
  return FAILABLE_BID_STATUSES.includes(bid.status);
}

// Bids that are, or have been, scored: the ranking reads these.
export const ASSESSED_BID_STATUSES: readonly BidStatus[] = [
  'in_assessment',
  'moderated',
  'awarded',
  'unsuccessful',
];

// Statuses that take a bid out of its round's count: never submitted, withdrawn or failed.
const GONE_BID_STATUSES = [
  'draft',
  'withdrawn',
  'eligibility_failed',
] as const satisfies readonly BidStatus[];

// Bids that never led to funding: never submitted, withdrawn, failed or unsuccessful. Retention
// removes their personal data first, some time after their round closes.
export const UNFUNDED_BID_STATUSES: readonly BidStatus[] = [...GONE_BID_STATUSES, 'unsuccessful'];
export const UNFUNDED_BID_SQL = `b.status IN (${textListSql(UNFUNDED_BID_STATUSES)})`;
// A funded bid: its personal data is kept until some time after its delivery ends.
export const FUNDED_BID_STATUS = 'awarded' satisfies BidStatus;
export const FUNDED_BID_SQL = `b.status = '${FUNDED_BID_STATUS}'`;

// A bid that still holds a place under the round's bid limit: submitted or later, not withdrawn,
// not failed, and not declined by its PCC.
export const LIVE_BID_SQL = `b.status NOT IN (${textListSql(GONE_BID_STATUSES)})
  AND b.endorsement_decision IS DISTINCT FROM 'declined'`;

export function isLiveBid(bid: {
  status: BidStatus;
  endorsementDecision: EndorsementDecision | null;
}): boolean {
  return (
    !(GONE_BID_STATUSES as readonly BidStatus[]).includes(bid.status) &&
    bid.endorsementDecision !== 'declined'
  );
}

// A bid its area's PCC ranks: live, and endorsed or needing no endorsement (the PCC's own).
export const RANKABLE_BID_SQL = `${LIVE_BID_SQL}
  AND (NOT b.needs_endorsement OR b.endorsement_decision = 'endorsed')`;

export function isRankableBid(bid: EndorsedBid & { status: BidStatus }): boolean {
  return isLiveBid(bid) && (!bid.needsEndorsement || bid.endorsementDecision === 'endorsed');
}

// The live bids other than `except` in round `round` whose `column` is `value` (each an SQL
// expression), counted: the places taken under the bid limit in one scope.
export function liveBidCountSql(
  column: 'force_area_code' | 'organisation_id',
  on: { except: string; round: string; value: string },
): string {
  return `(SELECT count(*)::int FROM bids b WHERE b.round_id = ${on.round}
    AND b.${column} = ${on.value} AND b.id <> ${on.except} AND ${LIVE_BID_SQL})`;
}
