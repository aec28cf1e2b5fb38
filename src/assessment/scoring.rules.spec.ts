import {
  CriterionMark,
  formatScore,
  Fraction,
  hundredthsFrom,
  isDivergent,
  markErrors,
  meanScore,
  ScoredCriterion,
  scoreSpread,
  toHundredths,
  weightedScore,
} from './scoring.rules';

const points = (numerator: bigint, denominator = 1n): Fraction => ({ numerator, denominator });

function criteria(weights: number[], maxima: number[]): ScoredCriterion[] {
  const titles = ['Strategic fit', 'Deliverability', 'Value for money'];
  return weights.map((weight, index) => ({
    id: `criterion-${index + 1}`,
    title: titles[index] ?? `Criterion ${index + 1}`,
    weight,
    maxMark: maxima[index],
  }));
}

function marksFor(values: number[]): CriterionMark[] {
  return values.map((mark, index) => ({
    criterionId: `criterion-${index + 1}`,
    mark,
    justification: 'Evidence in section 3 of the bid supports this mark.',
  }));
}

// Round 5 of the Safer Streets Fund: three criteria, each marked out of 5.
const round5 = criteria([40, 35, 25], [5, 5, 5]);

describe('weightedScore', () => {
  it('gives exactly 0.00 when every criterion is marked 0', () => {
    const score = weightedScore(round5, marksFor([0, 0, 0]));
    expect(score).toEqual(points(0n));
    expect(formatScore(toHundredths(score))).toBe('0.00');
  });

  it('gives exactly 100.00 when every criterion gets its maximum mark', () => {
    const score = weightedScore(round5, marksFor([5, 5, 5]));
    expect(score).toEqual(points(100n));
    expect(formatScore(toHundredths(score))).toBe('100.00');
  });

  it('weights each mark by its criterion: 4/5×40 + 3/5×35 + 2/5×25 = 63', () => {
    expect(weightedScore(round5, marksFor([4, 3, 2]))).toEqual(points(63n));
  });

  it('keeps thirds, sevenths and ninths exact (weights 33/33/34, maxima 3/7/9)', () => {
    // 1/3×33 + 2/7×33 + 4/9×34 = 11 + 66/7 + 136/9 = 2239/63 = 35.5396…
    const score = weightedScore(criteria([33, 33, 34], [3, 7, 9]), marksFor([1, 2, 4]));
    expect(score).toEqual(points(2239n, 63n));
    expect(toHundredths(score)).toBe(3554);
    expect(formatScore(toHundredths(score))).toBe('35.54');
  });

  it('rounds a score of exactly 32.925 up to 32.93 where floats would give 32.92', () => {
    // 2/3×33 + 1/8×33 + 1/5×34 = 22 + 4.125 + 6.8 = 32.925 = 1317/40.
    const score = weightedScore(criteria([33, 33, 34], [3, 8, 5]), marksFor([2, 1, 1]));
    expect(score).toEqual(points(1317n, 40n));
    expect(toHundredths(score)).toBe(3293);
    // The same sum in floating point lands just below the half and rounds the wrong way.
    expect(Math.round(((2 / 3) * 33 + (1 / 8) * 33 + (1 / 5) * 34) * 100)).toBe(3292);
  });

  it('rounds 51.875 (weights 40/35/25, maxima 3/8/3) up to 51.88', () => {
    // 1/3×40 + 5/8×35 + 2/3×25 = 40/3 + 175/8 + 50/3 = 415/8.
    const score = weightedScore(criteria([40, 35, 25], [3, 8, 3]), marksFor([1, 5, 2]));
    expect(score).toEqual(points(415n, 8n));
    expect(toHundredths(score)).toBe(5188);
  });

  it('gives 12.5 points for 1 out of 8 on a single criterion weighted 100', () => {
    const score = weightedScore(criteria([100], [8]), marksFor([1]));
    expect(score).toEqual(points(25n, 2n));
    expect(toHundredths(score)).toBe(1250);
  });

  it('rounds an exact half hundredth up (weights 1 and 99, maxima 8)', () => {
    const round = criteria([1, 99], [8, 8]);
    // 1/8 × 1 = 0.125 → 0.13
    expect(toHundredths(weightedScore(round, marksFor([1, 0])))).toBe(13);
    // 3/8 × 1 = 0.375 → 0.38
    expect(toHundredths(weightedScore(round, marksFor([3, 0])))).toBe(38);
    // 1/8 × 1 + 8/8 × 99 = 99.125 → 99.13
    expect(toHundredths(weightedScore(round, marksFor([1, 8])))).toBe(9913);
  });

  it('counts a criterion with no mark yet as 0', () => {
    expect(weightedScore(round5, marksFor([5]))).toEqual(points(40n));
  });
});

describe('toHundredths', () => {
  it('rounds half up and anything below half down', () => {
    expect(toHundredths(points(1n, 200n))).toBe(1); // 0.005
    expect(toHundredths(points(1n, 201n))).toBe(0); // 0.004975…
    expect(toHundredths(points(199n, 200n))).toBe(100); // 0.995
    expect(toHundredths(points(14401n, 200n))).toBe(7201); // 72.005
    expect(toHundredths(points(72499n, 1000n))).toBe(7250); // 72.499
    expect(toHundredths(points(7249499n, 100000n))).toBe(7249); // 72.49499
  });

  it('keeps whole points and whole hundredths unchanged', () => {
    expect(toHundredths(points(0n))).toBe(0);
    expect(toHundredths(points(100n))).toBe(10000);
    expect(toHundredths(points(145n, 2n))).toBe(7250);
  });
});

describe('meanScore', () => {
  it('averages three assessors exactly, even when the mean is not a whole hundredth', () => {
    // (70 + 71 + 72.5) / 3 = 427/6 = 71.1666…
    const mean = meanScore([points(70n), points(71n), points(145n, 2n)]);
    expect(mean).toEqual(points(427n, 6n));
    expect(toHundredths(mean)).toBe(7117);
    expect(formatScore(toHundredths(mean))).toBe('71.17');
  });

  it('rounds a mean of exactly 72.005 up to 72.01', () => {
    const mean = meanScore([points(72n), points(72n), points(14403n, 200n)]);
    expect(mean).toEqual(points(14401n, 200n));
    expect(toHundredths(mean)).toBe(7201);
  });

  it('averages weighted scores of fractions without drift', () => {
    const round = criteria([33, 33, 34], [3, 7, 9]);
    const first = weightedScore(round, marksFor([1, 2, 4])); // 2239/63
    const second = weightedScore(round, marksFor([2, 5, 6])); // 22 + 165/7 + 68/3 = 1433/21
    // (2239/63 + 4299/63) / 2 = 3269/63 = 467/9 = 51.888…
    const mean = meanScore([first, second]);
    expect(mean).toEqual(points(467n, 9n));
    expect(toHundredths(mean)).toBe(5189);
  });

  it('returns the only score when there is one', () => {
    expect(meanScore([points(415n, 8n)])).toEqual(points(415n, 8n));
  });

  it('refuses the mean of no scores', () => {
    expect(() => meanScore([])).toThrow(RangeError);
  });
});

describe('scoreSpread and isDivergent', () => {
  it('is the highest score minus the lowest, whatever the order', () => {
    expect(scoreSpread([points(145n, 2n), points(60n), points(75n)])).toEqual(points(15n));
    expect(scoreSpread([points(75n), points(145n, 2n), points(60n)])).toEqual(points(15n));
  });

  it('is 0 for a single score and for none', () => {
    expect(scoreSpread([points(2239n, 63n)])).toEqual(points(0n));
    expect(scoreSpread([])).toEqual(points(0n));
  });

  it('keeps a spread between fractional scores exact', () => {
    // 2239/63 − 1317/40 = (89560 − 82971) / 2520 = 6589/2520
    expect(scoreSpread([points(1317n, 40n), points(2239n, 63n)])).toEqual(points(6589n, 2520n));
  });

  it('does not call a spread exactly at the threshold divergent', () => {
    const spread = scoreSpread([points(60n), points(75n)]);
    expect(isDivergent(spread, 15)).toBe(false);
  });

  it('calls a spread one hundredth over the threshold divergent', () => {
    const spread = scoreSpread([points(60n), points(7501n, 100n), points(70n)]);
    expect(spread).toEqual(points(1501n, 100n));
    expect(isDivergent(spread, 15)).toBe(true);
  });

  it('calls a spread any amount over the threshold divergent, even below a hundredth', () => {
    expect(isDivergent(points(15001n, 1000n), 15)).toBe(true);
    expect(isDivergent(points(14999n, 1000n), 15)).toBe(false);
  });

  it('treats a zero threshold as "any disagreement at all"', () => {
    expect(isDivergent(points(0n), 0)).toBe(false);
    expect(isDivergent(points(1n, 100n), 0)).toBe(true);
  });
});

describe('formatScore', () => {
  it('shows hundredths as points with two decimals', () => {
    expect(formatScore(7250)).toBe('72.50');
    expect(formatScore(3293)).toBe('32.93');
    expect(formatScore(5)).toBe('0.05');
    expect(formatScore(0)).toBe('0.00');
    expect(formatScore(10000)).toBe('100.00');
  });
});

describe('hundredthsFrom', () => {
  it('reads a typed score with up to two decimals', () => {
    expect(hundredthsFrom(72.5)).toBe(7250);
    expect(hundredthsFrom(72.55)).toBe(7255);
    expect(hundredthsFrom(0.07)).toBe(7);
    expect(hundredthsFrom(99.99)).toBe(9999);
    expect(hundredthsFrom(0)).toBe(0);
    expect(hundredthsFrom(100)).toBe(10000);
    expect(hundredthsFrom(63)).toBe(6300);
  });

  it('refuses more than two decimals', () => {
    expect(hundredthsFrom(72.555)).toBeNull();
    expect(hundredthsFrom(0.001)).toBeNull();
  });

  it('refuses scores outside 0 to 100 and non-numbers', () => {
    expect(hundredthsFrom(-1)).toBeNull();
    expect(hundredthsFrom(-0.01)).toBeNull();
    expect(hundredthsFrom(100.01)).toBeNull();
    expect(hundredthsFrom(101)).toBeNull();
    expect(hundredthsFrom(NaN)).toBeNull();
    expect(hundredthsFrom(Infinity)).toBeNull();
  });

  it('round-trips with formatScore', () => {
    for (const hundredths of [0, 1, 99, 3293, 7250, 10000]) {
      expect(hundredthsFrom(Number(formatScore(hundredths)))).toBe(hundredths);
    }
  });
});

describe('markErrors', () => {
  const mark = (criterionId: string, value: number, justification = 'Clear evidence given.') => ({
    criterionId,
    mark: value,
    justification,
  });

  it('accepts a complete, valid set of marks', () => {
    expect(markErrors(round5, marksFor([5, 0, 3]), true)).toEqual([]);
  });

  it('accepts a partial draft, but asks for every criterion on submission', () => {
    const draft = marksFor([4]);
    expect(markErrors(round5, draft, false)).toEqual([]);
    const errors = markErrors(round5, draft, true);
    expect(errors.map((error) => error.field)).toEqual(['marks', 'marks']);
    expect(errors[0].message).toMatch(/"Deliverability" has no mark yet/);
    expect(errors[1].message).toMatch(/"Value for money" has no mark yet/);
  });

  it('refuses a criterion that is not in the round and lists the round’s criteria', () => {
    const errors = markErrors(round5, [mark('criterion-1', 4), mark('criterion-9', 99, '')], false);
    // Only the criterion is reported: its mark and justification cannot be judged.
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('marks.1.criterionId');
    expect(errors[0].message).toMatch(/^criterion-9 is not a criterion of this round/);
    expect(errors[0].message).toMatch(/criterion-1 \(Strategic fit\)/);
    expect(errors[0].message).toMatch(/criterion-3 \(Value for money\)/);
  });

  it('does not count an unknown criterion towards completeness', () => {
    const errors = markErrors(
      round5,
      [mark('criterion-1', 4), mark('criterion-2', 3), mark('criterion-4', 2)],
      true,
    );
    expect(errors.map((error) => error.field)).toEqual(['marks.2.criterionId', 'marks']);
    expect(errors[1].message).toMatch(/"Value for money"/);
  });

  it('refuses a criterion marked twice', () => {
    const errors = markErrors(
      round5,
      [mark('criterion-1', 4), mark('criterion-2', 3), mark('criterion-2', 2)],
      false,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('marks.2.criterionId');
    expect(errors[0].message).toMatch(/"Deliverability" is marked twice/);
  });

  it.each([
    ['a fraction', 2.5],
    ['a negative mark', -1],
    ['a mark above the maximum', 6],
    ['not a number', NaN],
  ])('refuses %s', (_case, value) => {
    const errors = markErrors(round5, [mark('criterion-3', value)], false);
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('marks.0.mark');
    expect(errors[0].message).toMatch(/"Value for money" is marked out of 5/);
    expect(errors[0].message).toMatch(/whole number from 0 to 5/);
    expect(errors[0].message).toMatch(new RegExp(`not ${String(value)}$`));
  });

  it('accepts the bounds 0 and the maximum', () => {
    const round = criteria([60, 40], [10, 3]);
    expect(markErrors(round, [mark('criterion-1', 0), mark('criterion-2', 3)], true)).toEqual([]);
    expect(markErrors(round, [mark('criterion-2', 4)], false)[0].message).toMatch(/out of 3/);
  });

  it.each([
    ['empty', ''],
    ['only spaces and a newline', '   \n '],
  ])('refuses a justification that is %s', (_case, justification) => {
    const errors = markErrors(round5, [mark('criterion-1', 4, justification)], false);
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('marks.0.justification');
    expect(errors[0].message).toMatch(/"Strategic fit" needs a written justification/);
  });

  it('reports every problem with one mark, and problems with several marks, in order', () => {
    const errors = markErrors(
      round5,
      [mark('criterion-1', 7, ''), mark('criterion-1', 1.5), mark('criterion-2', 3, ' ')],
      true,
    );
    expect(errors.map((error) => error.field)).toEqual([
      'marks.0.mark',
      'marks.0.justification',
      'marks.1.criterionId',
      'marks.1.mark',
      'marks.2.justification',
      'marks',
    ]);
    expect(errors[0].message).toMatch(/not 7$/);
    expect(errors[3].message).toMatch(/not 1.5$/);
    expect(errors[5].message).toMatch(/"Value for money"/);
  });
});
