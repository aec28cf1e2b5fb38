import type { CostKind } from '../bids/bid-lines.entity';
import { formatPounds } from '../common/money';
import type { FieldError } from '../common/problem';
import { isWithBidder } from './return-lifecycle';
import type { FinancialQuarter } from './return-schedule.rules';

// An amount for a financial year as capital or revenue: an award line, a claim, a payment.
export interface YearKindAmount {
  financialYear: string;
  kind: CostKind;
  amountPence: number;
}

export interface ReturnPeriod {
  financialYear: string;
  quarter: FinancialQuarter;
}

const key = (line: { financialYear: string; kind: CostKind }) =>
  `${line.financialYear} ${line.kind}`;

function totals(lines: YearKindAmount[]): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const line of lines) {
    sums.set(key(line), (sums.get(key(line)) ?? 0n) + BigInt(line.amountPence));
  }
  return sums;
}

// Spend claimed in a quarter's return: money of the quarter's own financial year only (nothing
// carries between years), each year and kind once, and never taking the year's cumulative claims
// past that year's award. `claimedBefore` is what earlier returns of the award already claim.
export function spendErrors(
  period: ReturnPeriod,
  award: YearKindAmount[],
  claimedBefore: YearKindAmount[],
  spend: YearKindAmount[],
): FieldError[] {
  const awarded = totals(award);
  const before = totals(claimedBefore);
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  spend.forEach((line, index) => {
    const field = `spend.${index}`;
    const lineKey = key(line);
    if (line.financialYear !== period.financialYear) {
      errors.push({
        field: `${field}.financialYear`,
        message: `Q${period.quarter} ${period.financialYear} can only claim ${period.financialYear} money; ${line.financialYear} spend belongs in a return of that year`,
      });
      return;
    }
    if (seen.has(lineKey)) {
      errors.push({
        field,
        message: `${lineKey} appears twice; give one amount per year and kind`,
      });
      return;
    }
    seen.add(lineKey);
    const limit = awarded.get(lineKey);
    if (limit === undefined) {
      errors.push({
        field,
        message: `the award has no ${line.kind} money in ${line.financialYear}`,
      });
      return;
    }
    const cumulative = (before.get(lineKey) ?? 0n) + BigInt(line.amountPence);
    if (cumulative > limit) {
      const left = limit - (before.get(lineKey) ?? 0n);
      errors.push({
        field: `${field}.amountPence`,
        message: `${formatPounds(line.amountPence)} would take ${lineKey} claims to ${formatPounds(cumulative)}, above its award of ${formatPounds(limit)} (${formatPounds(left)} left to claim)`,
      });
    }
  });
  return errors;
}

// One quarter's amount of an award's explicit profile (set by an approved variation).
export interface QuarterAmount extends ReturnPeriod {
  amountPence: number;
}

// The award's profile for one quarter: the quarter's amounts when a variation set the profile
// (`profile`); otherwise each year's award spread evenly over that year's quarters in the
// schedule, the pennies left over falling in the year's last quarter.
export function quarterProfilePence(
  award: YearKindAmount[],
  schedule: ReturnPeriod[],
  period: ReturnPeriod,
  profile: QuarterAmount[] | null = null,
): number {
  if (profile) {
    return Number(
      profile
        .filter(
          (cell) => cell.financialYear === period.financialYear && cell.quarter === period.quarter,
        )
        .reduce((sum, cell) => sum + BigInt(cell.amountPence), 0n),
    );
  }
  const quarters = schedule.filter((row) => row.financialYear === period.financialYear);
  const position = quarters.findIndex((row) => row.quarter === period.quarter);
  if (position < 0) {
    return 0;
  }
  const year = award
    .filter((line) => line.financialYear === period.financialYear)
    .reduce((sum, line) => sum + BigInt(line.amountPence), 0n);
  const share = year / BigInt(quarters.length);
  const last = position === quarters.length - 1;
  return Number(last ? year - share * BigInt(quarters.length - 1) : share);
}

export interface Variance {
  profilePence: number;
  actualPence: number;
  // Actual against profile as variancePercent shows it; null with no profile.
  percent: number | null;
  needsExplanation: boolean;
}

// Actual against profile as a whole percent, halves rounded away from zero (0.5% is 1%, -0.5% is
// -1%, 0.4% is 0%), exactly in integers; null with no profile. The one rounding of a variance:
// the return shows it and the spend summary and exports (spendVariancePercent) use it.
export function variancePercent(profilePence: number, actualPence: number): number | null {
  if (profilePence === 0) {
    return null;
  }
  const difference = BigInt(actualPence) - BigInt(profilePence);
  const magnitude = difference < 0n ? -difference : difference;
  const profile = BigInt(profilePence);
  const rounded = (magnitude * 200n + profile) / (2n * profile);
  return Number(difference < 0n ? -rounded : rounded);
}

// A quarter's spend against its profile. Above `thresholdPercent` either way, the bidder
// explains before submitting; any spend in a quarter with no profile needs explaining too. The
// decision is on the exact ratio, never the rounded percent: 10.4% shows as 10% yet is above a
// 10% threshold.
export function variance(
  profilePence: number,
  actualPence: number,
  thresholdPercent: number,
): Variance {
  if (profilePence === 0) {
    return { profilePence, actualPence, percent: null, needsExplanation: actualPence > 0 };
  }
  const difference = BigInt(actualPence) - BigInt(profilePence);
  const magnitude = difference < 0n ? -difference : difference;
  // Exact: magnitude / profile > threshold / 100, without floats.
  const needsExplanation = magnitude * 100n > BigInt(thresholdPercent) * BigInt(profilePence);
  return {
    profilePence,
    actualPence,
    percent: variancePercent(profilePence, actualPence),
    needsExplanation,
  };
}

// Returns go in quarter order: the earliest return before `period` still not sent, or null.
export function earlierOutstanding<
  T extends ReturnPeriod & { periodStartsOn: string; status: string },
>(schedule: T[], period: T): T | null {
  return (
    [...schedule]
      .sort((a, b) => a.periodStartsOn.localeCompare(b.periodStartsOn))
      .find((row) => row.periodStartsOn < period.periodStartsOn && isWithBidder(row.status)) ?? null
  );
}

export interface PositionLine {
  financialYear: string;
  kind: CostKind;
  awardedPence: number;
  claimedPence: number;
  approvedPence: number;
  paidPence: number;
  releasedPence: number;
  remainingPence: number;
}

// Where an award stands per year and kind: claimed (submitted, awaiting review or approved),
// approved, paid, released at year end, and what may still be claimed.
export function awardPosition(
  award: YearKindAmount[],
  ledger: {
    claimed: YearKindAmount[];
    approved: YearKindAmount[];
    paid: YearKindAmount[];
    released: YearKindAmount[];
  },
): PositionLine[] {
  const sums = {
    claimed: totals(ledger.claimed),
    approved: totals(ledger.approved),
    paid: totals(ledger.paid),
    released: totals(ledger.released),
  };
  return [...totals(award).entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([lineKey, awarded]) => {
      const [financialYear, kind] = lineKey.split(' ') as [string, CostKind];
      const of = (map: Map<string, bigint>) => map.get(lineKey) ?? 0n;
      return {
        financialYear,
        kind,
        awardedPence: Number(awarded),
        claimedPence: Number(of(sums.claimed)),
        approvedPence: Number(of(sums.approved)),
        paidPence: Number(of(sums.paid)),
        releasedPence: Number(of(sums.released)),
        remainingPence: Number(awarded - of(sums.approved) - of(sums.released)),
      };
    });
}
