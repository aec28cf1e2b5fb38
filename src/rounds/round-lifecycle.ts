import type { RoundStatus } from './funding-round.entity';

// Where a round stands, declared once for the services, the stores and the awards' reads.

// A draft round is the programme team's own until published: applicants never see one, and
// nothing but its edits and its publication reads it.
export const UNPUBLISHED_ROUND_STATUS = 'draft' satisfies RoundStatus;

export function isPublishedRound(round: { status: RoundStatus }): boolean {
  return round.status !== UNPUBLISHED_ROUND_STATUS;
}

// The same rule in SQL over `funding_rounds <alias>`.
export function publishedRoundSql(alias: string): string {
  return `${alias}.status <> '${UNPUBLISHED_ROUND_STATUS}'`;
}

// A round takes bids only while open (and inside its window, a matter of time, not of status).
export const BIDDING_ROUND_STATUS = 'open' satisfies RoundStatus;

// Whether the round takes bids now from an organisation whose own close time
// (round-deadlines.ts) is `closesAt`: open, and inside its window.
export function isWindowOpen(
  round: { status: string; opensAt: Date },
  closesAt: Date,
  now: Date,
): boolean {
  return (
    round.status === BIDDING_ROUND_STATUS &&
    round.opensAt.getTime() <= now.getTime() &&
    now.getTime() < closesAt.getTime()
  );
}

// Open, but its window not begun yet: it takes bids from its opening time.
export function isOpeningLater(round: { status: string; opensAt: Date }, now: Date): boolean {
  return round.status === BIDDING_ROUND_STATUS && now.getTime() < round.opensAt.getTime();
}

// The status half of that rule in SQL over `funding_rounds <alias>`.
export function biddingRoundSql(alias: string): string {
  return `${alias}.status = '${BIDDING_ROUND_STATUS}'`;
}

// A round's PCCs endorse, decline and rank its bids until it moves into assessment.
export const ENDORSING_ROUND_STATUSES: readonly RoundStatus[] = ['open', 'closed'];

export function isEndorsingRound(round: { status: RoundStatus }): boolean {
  return ENDORSING_ROUND_STATUSES.includes(round.status);
}
