import type { FieldError } from '../common/problem';

// Scores are exact fractions of points (0-100) held in BigInt, so no float ever touches them;
// they are rounded once, half up, to hundredths of a point only to be stored and shown.
export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

export interface ScoredCriterion {
  id: string;
  title: string;
  weight: number;
  maxMark: number;
}

export interface CriterionMark {
  criterionId: string;
  mark: number;
  justification: string;
}

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y !== 0n) {
    [x, y] = [y, x % y];
  }
  return x;
}

function fraction(numerator: bigint, denominator: bigint): Fraction {
  const divisor = gcd(numerator, denominator) || 1n;
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

function add(a: Fraction, b: Fraction): Fraction {
  return fraction(
    a.numerator * b.denominator + b.numerator * a.denominator,
    a.denominator * b.denominator,
  );
}

function subtract(a: Fraction, b: Fraction): Fraction {
  return add(a, { numerator: -b.numerator, denominator: b.denominator });
}

export function compareFractions(a: Fraction, b: Fraction): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

// Σ mark/max × weight over every criterion of the round; weights sum to 100, so 0-100.
// A criterion without a mark counts as 0: callers check completeness before it matters.
export function weightedScore(criteria: ScoredCriterion[], marks: CriterionMark[]): Fraction {
  const byCriterion = new Map(marks.map((mark) => [mark.criterionId, mark.mark]));
  return criteria.reduce(
    (total, criterion) =>
      add(
        total,
        fraction(
          BigInt(byCriterion.get(criterion.id) ?? 0) * BigInt(criterion.weight),
          BigInt(criterion.maxMark),
        ),
      ),
    fraction(0n, 1n),
  );
}

export function meanScore(scores: Fraction[]): Fraction {
  if (scores.length === 0) {
    throw new RangeError('The mean of no scores is undefined');
  }
  const total = scores.reduce(add, fraction(0n, 1n));
  return fraction(total.numerator, total.denominator * BigInt(scores.length));
}

// The largest difference between two assessors' scores.
export function scoreSpread(scores: Fraction[]): Fraction {
  if (scores.length === 0) {
    return fraction(0n, 1n);
  }
  const sorted = [...scores].sort(compareFractions);
  return subtract(sorted[sorted.length - 1], sorted[0]);
}

// A spread strictly above the round's threshold (whole points) needs a moderator.
export function isDivergent(spread: Fraction, thresholdPoints: number): boolean {
  return compareFractions(spread, fraction(BigInt(thresholdPoints), 1n)) > 0;
}

// Hundredths of a point, rounded half up (scores are never negative).
export function toHundredths(score: Fraction): number {
  const scaled = score.numerator * 200n + score.denominator;
  return Number(scaled / (2n * score.denominator));
}

export function formatScore(hundredths: number): string {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

// A score typed by a moderator (e.g. 72.5) as hundredths, or null when it is not a number
// from 0 to 100 with at most two decimal places.
export function hundredthsFrom(points: number): number | null {
  if (!Number.isFinite(points) || points < 0 || points > 100) {
    return null;
  }
  const text = String(points);
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text)) {
    return null;
  }
  const [whole, decimals = ''] = text.split('.');
  return Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
}

// What is wrong with a set of marks for the round's criteria. `complete` also asks for a mark
// on every criterion, as submission does; saving a draft accepts a partial set.
export function markErrors(
  criteria: ScoredCriterion[],
  marks: CriterionMark[],
  complete: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  const known = new Map(criteria.map((criterion) => [criterion.id, criterion]));
  const seen = new Set<string>();
  marks.forEach((mark, index) => {
    const field = `marks.${index}`;
    const criterion = known.get(mark.criterionId);
    if (!criterion) {
      errors.push({
        field: `${field}.criterionId`,
        message: `${mark.criterionId} is not a criterion of this round; the round's criteria are ${criteria.map((c) => `${c.id} (${c.title})`).join(', ')}`,
      });
      return;
    }
    if (seen.has(mark.criterionId)) {
      errors.push({
        field: `${field}.criterionId`,
        message: `"${criterion.title}" is marked twice; send one mark per criterion`,
      });
    }
    seen.add(mark.criterionId);
    if (!Number.isInteger(mark.mark) || mark.mark < 0 || mark.mark > criterion.maxMark) {
      errors.push({
        field: `${field}.mark`,
        message: `"${criterion.title}" is marked out of ${criterion.maxMark}: give a whole number from 0 to ${criterion.maxMark}, not ${mark.mark}`,
      });
    }
    if (!mark.justification?.trim()) {
      errors.push({
        field: `${field}.justification`,
        message: `"${criterion.title}" needs a written justification of its mark`,
      });
    }
  });
  if (complete) {
    for (const criterion of criteria) {
      if (!seen.has(criterion.id)) {
        errors.push({
          field: 'marks',
          message: `"${criterion.title}" has no mark yet; every criterion needs a mark and a justification before you submit`,
        });
      }
    }
  }
  return errors;
}
