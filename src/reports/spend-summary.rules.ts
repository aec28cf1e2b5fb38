import type { CostKind } from '../bids/bid-lines.entity';
import { variancePercent } from '../returns/return.rules';
import type { SpendAwardDto, SpendMoneyDto, SpendQuarterDto } from './spend-summary.dto';

// How far before "now" a summary or export asked for without an `asAt` is read. A row is stamped
// when its transaction starts and seen only once it commits, so one being written as the report
// is asked for could be missing from it yet dated before it; read a few seconds back, the moment
// is settled, and the same report asked for again later as at the moment it states is the same.
export const DEFAULT_AS_AT_LAG_MS = 5_000;
// The same, as the API's description of an omitted `asAt` says it.
export const DEFAULT_AS_AT_WORDS = `default: ${DEFAULT_AS_AT_LAG_MS / 1000} seconds before the request, so that what was being written then is settled`;

// The moment a report is read as at: the one given, or DEFAULT_AS_AT_LAG_MS before `now`.
export function reportAsAt(given: string | undefined, now: Date): Date {
  return given ? new Date(given) : new Date(now.getTime() - DEFAULT_AS_AT_LAG_MS);
}

// The money columns as PostgreSQL sends them: bigint sums arrive as strings.
export interface MoneyRow {
  awarded: string | number;
  claimed: string | number;
  approved: string | number;
  paid: string | number;
  forecast: string | number;
  released: string | number;
  remaining: string | number;
}

interface QuarterFact {
  financialYear: string;
  quarter: number;
  kind: CostKind;
  // The kind's share of the quarter's profile, and the quarter's profile of the whole year's
  // award (as a return shows it: not the sum of the kinds' shares, which can differ by pennies).
  profilePence: number;
  quarterProfilePence: number;
  claimedPence: number;
  approvedPence: number;
  paidPence: number;
  forecastPence: number;
  overdue: boolean;
}

export interface AwardRow extends MoneyRow {
  award_id: string;
  reference: string;
  organisation_name: string;
  applicant_type: string;
  force_area_code: string | null;
  force_area_name: string;
  award_status: string;
  years: SpendAwardDto['years'] | null;
  quarters: QuarterFact[] | null;
  overdue_returns: string | number;
  variance_threshold_percent: number;
}

const pence = (value: string | number | null | undefined): number => {
  const amount = Number(value ?? 0);
  if (!Number.isSafeInteger(amount)) {
    throw new Error(`${String(value)} pence is beyond the safe integer range`);
  }
  return amount;
};

export function money(row: MoneyRow | null): SpendMoneyDto {
  return {
    awardedPence: pence(row?.awarded),
    claimedPence: pence(row?.claimed),
    approvedPence: pence(row?.approved),
    paidPence: pence(row?.paid),
    forecastPence: pence(row?.forecast),
    releasedPence: pence(row?.released),
    remainingPence: pence(row?.remaining),
  };
}

// Variance of what was claimed against the quarter's profile, as every spend format shows it
// (the JSON summary, the HTML report, the CSV and the workbook) and as a return shows its own: a
// whole percent, halves rounded away from zero (0.5% is 1%, -0.5% is -1%, 0.4% is 0%), worked out
// exactly in integers by the returns' variancePercent. None until something is claimed, or with
// no profile to compare with. (Whether a return must explain its variance is decided exactly, by
// the return's own rule, not from this rounded figure.)
export function spendVariancePercent(profilePence: number, claimedPence: number): number | null {
  return claimedPence <= 0 ? null : variancePercent(profilePence, claimedPence);
}

// The same in SQL, for the CSV PostgreSQL writes: bigint division truncates toward zero as
// BigInt's does (sums arrive as numeric, hence the casts).
export function spendVariancePercentSql(profile: string, claimed: string): string {
  const p = `coalesce(${profile}, 0)::bigint`;
  const c = `coalesce(${claimed}, 0)::bigint`;
  return `CASE WHEN ${c} <= 0 OR ${p} = 0 THEN NULL
               WHEN ${c} < ${p} THEN -((abs(${c} - ${p}) * 200 + ${p}) / (2 * ${p}))
               ELSE (abs(${c} - ${p}) * 200 + ${p}) / (2 * ${p}) END`;
}

// An award's quarters with capital and revenue side by side, and the variance of what was
// claimed against the quarter's profile (none until something is claimed).
export function quarterLines(facts: QuarterFact[]): SpendQuarterDto[] {
  const byQuarter = new Map<string, QuarterFact[]>();
  for (const fact of facts) {
    const key = `${fact.financialYear} ${fact.quarter}`;
    byQuarter.set(key, [...(byQuarter.get(key) ?? []), fact]);
  }
  return [...byQuarter.values()].map((kinds) => {
    const sum = (pick: (fact: QuarterFact) => number) =>
      kinds.reduce((total, fact) => total + pick(fact), 0);
    const claimedOf = (kind: CostKind) =>
      kinds.filter((fact) => fact.kind === kind).reduce((t, fact) => t + fact.claimedPence, 0);
    const profilePence = pence(kinds[0].quarterProfilePence);
    const claimed = sum((fact) => fact.claimedPence);
    return {
      financialYear: kinds[0].financialYear,
      quarter: kinds[0].quarter,
      profilePence,
      claimedCapitalPence: claimedOf('capital'),
      claimedRevenuePence: claimedOf('revenue'),
      approvedPence: sum((fact) => fact.approvedPence),
      paidPence: sum((fact) => fact.paidPence),
      forecastPence: sum((fact) => fact.forecastPence),
      variancePercent: spendVariancePercent(profilePence, claimed),
      overdue: kinds.some((fact) => fact.overdue),
    };
  });
}

// What the underspend flag is judged on: an award's status, money and overdue returns, the same
// for the JSON summary and every export.
export interface UnderspendFacts {
  status: string;
  awardedPence: number;
  claimedPence: number;
  forecastPence: number;
  releasedPence: number;
  overdueReturns: number;
}

// Underspend risk of an active award: claimed and forecast together fall short of the award
// still to spend (less releases) by more than the round's threshold. With nothing claimed or
// forecast yet it is too early to say, unless returns are already overdue: then nothing is on
// its way either, the worst shortfall there is.
export function underspendRisk(award: UnderspendFacts, thresholdPercent: number): boolean {
  const expected = BigInt(award.awardedPence - award.releasedPence);
  const planned = BigInt(award.claimedPence + award.forecastPence);
  if (award.status !== 'active' || expected <= 0n) {
    return false;
  }
  if (planned === 0n) {
    return award.overdueReturns > 0;
  }
  return planned * 100n < expected * BigInt(100 - thresholdPercent);
}

// The same in SQL, over SQL expressions of the facts (none read as 0, as the exports' writers
// read them).
export function underspendRiskSql(
  award: Record<keyof UnderspendFacts, string>,
  thresholdPercent: string,
): string {
  const of = (sql: string) => `coalesce(${sql}, 0)`;
  const expected = `(${of(award.awardedPence)} - ${of(award.releasedPence)})`;
  const planned = `(${of(award.claimedPence)} + ${of(award.forecastPence)})`;
  return `CASE WHEN ${award.status} IS DISTINCT FROM 'active' OR ${expected} <= 0 THEN false
               WHEN ${planned} = 0 THEN ${of(award.overdueReturns)} > 0
               ELSE ${planned}::numeric * 100 < ${expected}::numeric * (100 - ${of(thresholdPercent)}) END`;
}

export function spendAward(row: AwardRow): SpendAwardDto {
  const totals = money(row);
  return {
    awardId: row.award_id,
    reference: row.reference,
    organisationName: row.organisation_name,
    applicantType: row.applicant_type,
    forceAreaCode: row.force_area_code,
    forceAreaName: row.force_area_name,
    status: row.award_status,
    ...totals,
    years: (row.years ?? []).map((line) => ({
      financialYear: line.financialYear,
      kind: line.kind,
      ...moneyOf(line),
    })),
    quarters: quarterLines(row.quarters ?? []),
    overdueReturns: Number(row.overdue_returns),
    underspendRisk: underspendRisk(
      { ...totals, status: row.award_status, overdueReturns: Number(row.overdue_returns) },
      row.variance_threshold_percent,
    ),
  };
}

// A year line as jsonb gives numbers already; kept exact and safe.
function moneyOf(line: SpendMoneyDto): SpendMoneyDto {
  return {
    awardedPence: pence(line.awardedPence),
    claimedPence: pence(line.claimedPence),
    approvedPence: pence(line.approvedPence),
    paidPence: pence(line.paidPence),
    forecastPence: pence(line.forecastPence),
    releasedPence: pence(line.releasedPence),
    remainingPence: pence(line.remainingPence),
  };
}
