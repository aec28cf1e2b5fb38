import type { CostKind } from '../bids/bid-lines.entity';
import { formatUkDate } from '../common/london-time';
import { formatPounds } from '../common/money';
import { isSentReturn } from '../returns/return-lifecycle';
import type { FinancialQuarter } from '../returns/return-schedule.rules';

export interface YearKindLine {
  financialYear: string;
  kind: CostKind;
  amountPence: number;
}

// One cell of an award's quarterly profile.
export interface ProfileCell extends YearKindLine {
  quarter: FinancialQuarter;
}

export interface OutputTarget {
  interventionId: string;
  outputTarget: number;
}

// A quarter the award owes a return for, and where that return stands.
export interface ProfileQuarter {
  financialYear: string;
  quarter: FinancialQuarter;
  status: string;
}

// The rules a proposed variation can break, by their problem codes: checked when it is requested
// and again when it is approved.
export const VARIATION_RULES = [
  'variation-unchanged',
  'variation-unknown-quarter',
  'variation-over-award',
  'variation-nothing-left',
  'variation-crosses-year',
  'variation-fixed-quarter',
  'variation-below-claimed',
  'variation-extension-invalid',
  'variation-unknown-intervention',
] as const;

// Why a proposed variation is refused: the rule (its problem code), the field and a sentence
// with the numbers.
export interface VariationError {
  rule: (typeof VARIATION_RULES)[number];
  field: string;
  message: string;
}

const yearKind = (cell: { financialYear: string; kind: CostKind }) =>
  `${cell.financialYear} ${cell.kind}`;
const cellKey = (cell: { financialYear: string; quarter: number; kind: CostKind }) =>
  `${cell.financialYear} Q${cell.quarter} ${cell.kind}`;
const quarterKey = (cell: { financialYear: string; quarter: number }) =>
  `${cell.financialYear} Q${cell.quarter}`;

function sums<T>(cells: T[], key: (cell: T) => string, pence: (cell: T) => number) {
  const totals = new Map<string, bigint>();
  for (const cell of cells) {
    totals.set(key(cell), (totals.get(key(cell)) ?? 0n) + BigInt(pence(cell)));
  }
  return totals;
}

// An award never varied: each year × kind line spread evenly over the award's quarters in that
// year, the pennies left over in the last (as spend-summary.sql.ts's facts do). `quarters` in
// period order.
export function evenProfile(
  lines: YearKindLine[],
  quarters: { financialYear: string; quarter: FinancialQuarter }[],
): ProfileCell[] {
  const cells: ProfileCell[] = [];
  for (const line of lines) {
    const inYear = quarters.filter((q) => q.financialYear === line.financialYear);
    const n = BigInt(inYear.length);
    if (n === 0n) {
      continue;
    }
    const share = BigInt(line.amountPence) / n;
    inYear.forEach((q, index) => {
      const amount =
        index === inYear.length - 1 ? BigInt(line.amountPence) - share * (n - 1n) : share;
      cells.push({ ...line, quarter: q.quarter, amountPence: Number(amount) });
    });
  }
  return sortProfile(cells);
}

export function sortProfile(cells: ProfileCell[]): ProfileCell[] {
  return [...cells].sort((a, b) => cellKey(a).localeCompare(cellKey(b)));
}

// The award's year × kind lines from a profile: positive amounts only, as award lines are.
export function linesOf(profile: ProfileCell[]): YearKindLine[] {
  const totals = sums(profile, yearKind, (cell) => cell.amountPence);
  return [...totals.entries()]
    .filter(([, amount]) => amount > 0n)
    .map(([key, amount]) => {
      const [financialYear, kind] = key.split(' ') as [string, CostKind];
      return { financialYear, kind, amountPence: Number(amount) };
    })
    .sort((a, b) => yearKind(a).localeCompare(yearKind(b)));
}

export function totalOf(cells: { amountPence: number }[]): number {
  return Number(cells.reduce((sum, cell) => sum + BigInt(cell.amountPence), 0n));
}

// The end of the financial year `2026/27`: 31 March 2027.
export function financialYearEnd(financialYear: string): string {
  return `${Number(financialYear.slice(0, 4)) + 1}-03-31`;
}

export interface VariationCheck {
  // The award as it stands: its profile and lines, delivery end and quarters (with their returns).
  current: { profile: ProfileCell[]; lines: YearKindLine[]; deliveryEndsOn: string };
  quarters: ProfileQuarter[];
  // Quarters a later delivery end would add (no return yet).
  addedQuarters: { financialYear: string; quarter: FinancialQuarter }[];
  // What returns already hold against each year × kind: approved spend and claims under review.
  committed: YearKindLine[];
  interventionIds: string[];
  proposal: {
    profile: ProfileCell[];
    deliveryEndsOn: string | null;
    outputTargets: OutputTarget[] | null;
  };
}

// Every reason the proposal cannot be approved (none: it may be). Nothing moves across financial
// years (no carry-over: a year's total never rises) or above the award; quarters whose return is
// submitted or approved keep their figures; a year × kind never drops below what returns already
// claim against it; delivery may end later only within the award's last funded financial year.
export function variationErrors(check: VariationCheck): VariationError[] {
  const { current, proposal } = check;
  const errors: VariationError[] = [];
  const known = new Map(check.quarters.map((q) => [quarterKey(q), q]));
  for (const q of check.addedQuarters) {
    known.set(quarterKey(q), { ...q, status: 'upcoming' });
  }
  const lastFundedYear = [...current.lines.map((line) => line.financialYear)].sort().at(-1);
  if (proposal.deliveryEndsOn !== null) {
    const limit = lastFundedYear ? financialYearEnd(lastFundedYear) : current.deliveryEndsOn;
    if (proposal.deliveryEndsOn <= current.deliveryEndsOn) {
      errors.push({
        rule: 'variation-extension-invalid',
        field: 'deliveryEndsOn',
        message: `delivery already ends on ${formatUkDate(current.deliveryEndsOn)}; an extension must end later`,
      });
    } else if (proposal.deliveryEndsOn > limit) {
      errors.push({
        rule: 'variation-extension-invalid',
        field: 'deliveryEndsOn',
        message: `delivery can be extended to ${formatUkDate(limit)} at the latest, the end of the award's last funded financial year ${lastFundedYear}: money does not carry over`,
      });
    }
  }
  const seen = new Set<string>();
  proposal.profile.forEach((cell, index) => {
    const key = cellKey(cell);
    if (seen.has(key)) {
      errors.push({
        rule: 'variation-unknown-quarter',
        field: `profile.${index}`,
        message: `${key} appears twice; give one amount per quarter and kind`,
      });
    } else if (!known.has(quarterKey(cell))) {
      errors.push({
        rule: 'variation-unknown-quarter',
        field: `profile.${index}`,
        message: `the award has no return for ${quarterKey(cell)}; its quarters are ${[...known.keys()].join(', ')}`,
      });
    }
    seen.add(key);
  });

  const before = sums(current.profile, cellKey, (cell) => cell.amountPence);
  const after = sums(proposal.profile, cellKey, (cell) => cell.amountPence);
  const totalBefore = BigInt(totalOf(current.lines));
  const totalAfter = BigInt(totalOf(proposal.profile));
  if (totalAfter === 0n) {
    errors.push({
      rule: 'variation-nothing-left',
      field: 'profile',
      message: 'the varied award would be £0.00: an award that ends is withdrawn, not varied',
    });
  }
  if (totalAfter > totalBefore) {
    errors.push({
      rule: 'variation-over-award',
      field: 'profile',
      message: `the varied award would total ${formatPounds(totalAfter)}, above the award of ${formatPounds(totalBefore)}`,
    });
  }

  const year = (cell: { financialYear: string }) => cell.financialYear;
  const yearsBefore = sums(current.lines, year, (line) => line.amountPence);
  const yearsAfter = sums(proposal.profile, year, (cell) => cell.amountPence);
  for (const [financialYear, total] of yearsAfter) {
    const was = yearsBefore.get(financialYear) ?? 0n;
    if (total > was) {
      errors.push({
        rule: 'variation-crosses-year',
        field: 'profile',
        message: `${financialYear} would total ${formatPounds(total)}, above its award of ${formatPounds(was)}: money cannot move into a financial year (no carry-over between years)`,
      });
    }
  }
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [financialYear, quarter] = key.split(' ');
    const q = known.get(`${financialYear} ${quarter}`);
    const was = before.get(key) ?? 0n;
    const is = after.get(key) ?? 0n;
    // A sent return's quarter has spend reported against its profile: its figures are fixed
    // (approved returns are never rewritten; one under review is not moved under the reviewer's
    // feet).
    if (q && isSentReturn(q.status) && was !== is) {
      errors.push({
        rule: 'variation-fixed-quarter',
        field: 'profile',
        message: `${key} cannot change from ${formatPounds(was)} to ${formatPounds(is)}: its return is ${q.status}`,
      });
    }
  }

  const linesAfter = sums(proposal.profile, yearKind, (cell) => cell.amountPence);
  for (const [key, claimed] of sums(check.committed, yearKind, (line) => line.amountPence)) {
    const is = linesAfter.get(key) ?? 0n;
    if (is < claimed) {
      errors.push({
        rule: 'variation-below-claimed',
        field: 'profile',
        message: `${key} would be ${formatPounds(is)}, below the ${formatPounds(claimed)} its returns already claim`,
      });
    }
  }

  const interventions = new Set(check.interventionIds);
  (proposal.outputTargets ?? []).forEach((target, index) => {
    if (!interventions.has(target.interventionId)) {
      errors.push({
        rule: 'variation-unknown-intervention',
        field: `outputTargets.${index}.interventionId`,
        message: `the award's bid has no intervention ${target.interventionId}`,
      });
    }
  });

  const profileChanged = [...new Set([...before.keys(), ...after.keys()])].some(
    (key) => (before.get(key) ?? 0n) !== (after.get(key) ?? 0n),
  );
  if (
    errors.length === 0 &&
    !profileChanged &&
    proposal.deliveryEndsOn === null &&
    (proposal.outputTargets ?? []).length === 0
  ) {
    errors.push({
      rule: 'variation-unchanged',
      field: 'profile',
      message:
        'the proposal changes nothing: give a new profile, a later delivery end or new output targets',
    });
  }
  return errors;
}
