import type { CostKind } from '../bids/bid-lines.entity';
import { formatUkDate, londonDateOf } from '../common/london-time';
import { formatPounds } from '../common/money';
import type { FieldError } from '../common/problem';

export interface MoneyLine {
  financialYear: string;
  kind: CostKind;
  amountPence: number;
}

export const DUE_DILIGENCE_RATINGS = ['red', 'amber', 'green'] as const;
export type DueDiligenceRating = (typeof DUE_DILIGENCE_RATINGS)[number];

const lineKey = (line: { financialYear: string; kind: CostKind }) =>
  `${line.financialYear} ${line.kind}`;

export function sumPence(lines: { amountPence: number }[]): number {
  return Number(lines.reduce((sum, line) => sum + BigInt(line.amountPence), 0n));
}

// An award is made per financial year × capital/revenue, each line at most what the bid asked
// for in that year and kind (so the total is at most the amount requested), each line once.
export function awardLineErrors(requested: MoneyLine[], awarded: MoneyLine[]): FieldError[] {
  const asked = new Map(requested.map((line) => [lineKey(line), line.amountPence]));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  awarded.forEach((line, index) => {
    const key = lineKey(line);
    const field = `lines.${index}`;
    const limit = asked.get(key);
    if (seen.has(key)) {
      errors.push({ field, message: `${key} appears twice; give one amount per year and kind` });
    } else if (limit === undefined) {
      errors.push({
        field,
        message: `the bid asked for nothing in ${key}; it asked for ${[...asked.keys()].join(', ')}`,
      });
    } else if (line.amountPence > limit) {
      errors.push({
        field: `${field}.amountPence`,
        message: `${formatPounds(line.amountPence)} for ${key} is more than the ${formatPounds(limit)} requested`,
      });
    }
    seen.add(key);
  });
  if (awarded.length === 0) {
    errors.push({ field: 'lines', message: 'an award needs at least one amount' });
  }
  return errors;
}

// Why the award would take the round over its budget, or null when it fits. `livePence` is
// what the round's live awards (including those awaiting a second approval) already hold.
export function budgetRefusal(
  budgetPence: number,
  livePence: number,
  amountPence: number,
): string | null {
  const after = BigInt(livePence) + BigInt(amountPence);
  if (after <= BigInt(budgetPence)) {
    return null;
  }
  const left = BigInt(budgetPence) - BigInt(livePence);
  return `an award of ${formatPounds(amountPence)} does not fit: ${formatPounds(livePence)} of the round's ${formatPounds(budgetPence)} budget is already awarded or held, leaving ${formatPounds(Number(left))}`;
}

// Awards above the round's approval threshold wait for a second, different approver.
export function needsSecondApproval(amountPence: number, thresholdPence: number): boolean {
  return amountPence > thresholdPence;
}

// Why due diligence stops the award, or null: no check or a red rating blocks it; amber needs a
// recorded reason for going ahead.
export function dueDiligenceRefusal(
  rating: DueDiligenceRating | null,
  acceptanceReason: string | undefined,
): string | null {
  if (rating === null) {
    return 'no due diligence is recorded for the organisation; finance or a moderator records it first';
  }
  if (rating === 'red') {
    return 'due diligence on the organisation is rated red, which blocks an award';
  }
  if (rating === 'amber' && !acceptanceReason?.trim()) {
    return 'due diligence on the organisation is rated amber: record why the award goes ahead in dueDiligenceAcceptance';
  }
  return null;
}

// Why a due-diligence check may not carry `checkedOn`, or null: it cannot be dated after today,
// which is the UK calendar's day.
export function dueDiligenceDateError(checkedOn: string, now: Date): FieldError | null {
  const today = londonDateOf(now);
  return checkedOn > today
    ? {
        field: 'checkedOn',
        message: `${formatUkDate(checkedOn)} is after today (${formatUkDate(today)})`,
      }
    : null;
}

export interface FundingCandidate {
  bidId: string;
  requestedPence: number;
  aboveQualityThreshold: boolean;
}

// The suggestion: ranked bids above the quality threshold funded in order until the next one
// does not fit the budget; that bid is named and nothing below it is funded.
export function fundingLine<T extends FundingCandidate>(
  ranked: T[],
  budgetPence: number,
): { funded: T[]; firstNotFunded: T | null; remainingPence: number } {
  let remaining = BigInt(budgetPence);
  const funded: T[] = [];
  for (const candidate of ranked.filter((bid) => bid.aboveQualityThreshold)) {
    if (BigInt(candidate.requestedPence) > remaining) {
      return { funded, firstNotFunded: candidate, remainingPence: Number(remaining) };
    }
    remaining -= BigInt(candidate.requestedPence);
    funded.push(candidate);
  }
  return { funded, firstNotFunded: null, remainingPence: Number(remaining) };
}

// An offer past its deadline that nobody has withdrawn yet: it can no longer be accepted, but it
// still holds its money until the programme withdraws it.
export function offerLapsed(
  award: { status: string; offerExpiresAt: Date | null },
  now: Date,
): boolean {
  return award.status === 'offered' && award.offerExpiresAt !== null && award.offerExpiresAt < now;
}
