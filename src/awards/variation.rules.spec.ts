import {
  evenProfile,
  linesOf,
  type ProfileCell,
  type VariationCheck,
  variationErrors,
} from './variation.rules';

const FY = '2025/26';
const cell = (
  quarter: 1 | 2 | 3 | 4,
  kind: 'capital' | 'revenue',
  amountPence: number,
  financialYear = FY,
): ProfileCell => ({ financialYear, quarter, kind, amountPence });

// £250,000 capital and £50,000 revenue in 2025/26 over Q1-Q3 (delivery ends in December).
const LINES = [
  { financialYear: FY, kind: 'capital' as const, amountPence: 25_000_000 },
  { financialYear: FY, kind: 'revenue' as const, amountPence: 5_000_000 },
];
const QUARTERS = [1, 2, 3].map((quarter) => ({
  financialYear: FY,
  quarter: quarter as 1 | 2 | 3,
  status: quarter === 1 ? 'approved' : 'upcoming',
}));
const CURRENT = evenProfile(LINES, QUARTERS);

function check(
  profile: ProfileCell[],
  extra: Partial<VariationCheck['proposal']> = {},
  committed = [{ financialYear: FY, kind: 'capital' as const, amountPence: 8_000_000 }],
): VariationCheck {
  return {
    current: { profile: CURRENT, lines: LINES, deliveryEndsOn: '2025-12-31' },
    quarters: QUARTERS,
    addedQuarters: extra.deliveryEndsOn ? [{ financialYear: FY, quarter: 4 }] : [],
    committed,
    interventionIds: ['i-1'],
    proposal: { profile, deliveryEndsOn: null, outputTargets: null, ...extra },
  };
}

// The current profile with cells replaced.
const varied = (...changes: ProfileCell[]) =>
  CURRENT.map((c) => changes.find((x) => x.quarter === c.quarter && x.kind === c.kind) ?? c).concat(
    changes.filter((x) => !CURRENT.some((c) => c.quarter === x.quarter && c.kind === x.kind)),
  );

describe('evenProfile', () => {
  it('spreads each line over the year’s quarters with the pennies left over in the last', () => {
    expect(
      evenProfile([{ financialYear: FY, kind: 'capital', amountPence: 100 }], QUARTERS),
    ).toEqual([cell(1, 'capital', 33), cell(2, 'capital', 33), cell(3, 'capital', 34)]);
    expect(linesOf(CURRENT)).toEqual(LINES);
  });
});

describe('variationErrors', () => {
  it('accepts a virement within the year in quarters still open', () => {
    // £20,000 of Q3 capital becomes revenue.
    const profile = varied(cell(3, 'capital', 6_333_334), cell(3, 'revenue', 3_666_668));
    expect(variationErrors(check(profile))).toEqual([]);
    expect(linesOf(profile)).toEqual([
      { financialYear: FY, kind: 'capital', amountPence: 23_000_000 },
      { financialYear: FY, kind: 'revenue', amountPence: 7_000_000 },
    ]);
  });

  it('accepts an extension into Q4 of the last funded year with money reprofiled into it', () => {
    const profile = varied(cell(3, 'capital', 4_333_334), cell(4, 'capital', 4_000_000));
    expect(variationErrors(check(profile, { deliveryEndsOn: '2026-03-31' }))).toEqual([]);
  });

  it('refuses an extension past the end of the last funded financial year, naming the date', () => {
    const errors = variationErrors(check(CURRENT, { deliveryEndsOn: '2026-04-01' }));
    expect(errors).toEqual([
      {
        rule: 'variation-extension-invalid',
        field: 'deliveryEndsOn',
        message:
          "delivery can be extended to 31 March 2026 at the latest, the end of the award's last funded financial year 2025/26: money does not carry over",
      },
    ]);
  });

  it('refuses an extension that ends no later than delivery does, naming the UK date', () => {
    expect(variationErrors(check(CURRENT, { deliveryEndsOn: '2025-12-31' }))).toEqual([
      {
        rule: 'variation-extension-invalid',
        field: 'deliveryEndsOn',
        message: 'delivery already ends on 31 December 2025; an extension must end later',
      },
    ]);
  });

  it('refuses one penny more than the award, and money moved into another year', () => {
    const profile = varied(cell(3, 'revenue', 1_666_668), cell(1, 'capital', 0, '2026/27'));
    const errors = variationErrors(check(profile.concat(cell(1, 'revenue', 1, '2026/27'))));
    expect(errors.map((e) => e.rule)).toEqual(
      expect.arrayContaining(['variation-unknown-quarter', 'variation-crosses-year']),
    );
    const over = variationErrors(check(varied(cell(3, 'revenue', 1_666_669))));
    expect(over).toEqual([
      {
        rule: 'variation-over-award',
        field: 'profile',
        message: 'the varied award would total £300,000.01, above the award of £300,000.00',
      },
      {
        rule: 'variation-crosses-year',
        field: 'profile',
        message:
          '2025/26 would total £300,000.01, above its award of £300,000.00: money cannot move into a financial year (no carry-over between years)',
      },
    ]);
  });

  it('refuses a change to a quarter whose return is approved', () => {
    const errors = variationErrors(
      check(varied(cell(1, 'capital', 8_333_332), cell(2, 'capital', 8_333_334))),
    );
    expect(errors).toEqual([
      {
        rule: 'variation-fixed-quarter',
        field: 'profile',
        message:
          '2025/26 Q1 capital cannot change from £83,333.33 to £83,333.32: its return is approved',
      },
    ]);
  });

  it('accepts a reduction but never below what returns already claim', () => {
    const reduced = varied(cell(2, 'capital', 0), cell(3, 'capital', 0));
    expect(variationErrors(check(reduced))).toEqual([]);
    const errors = variationErrors(
      check(reduced, {}, [{ financialYear: FY, kind: 'capital', amountPence: 9_000_000 }]),
    );
    expect(errors).toEqual([
      {
        rule: 'variation-below-claimed',
        field: 'profile',
        message:
          '2025/26 capital would be £83,333.33, below the £90,000.00 its returns already claim',
      },
    ]);
  });

  it('refuses a reduction to nothing: that is a withdrawal', () => {
    const errors = variationErrors(check([], {}, []));
    expect(errors).toContainEqual({
      rule: 'variation-nothing-left',
      field: 'profile',
      message: 'the varied award would be £0.00: an award that ends is withdrawn, not varied',
    });
  });

  it('refuses a proposal that changes nothing and a target for an intervention the bid lacks', () => {
    expect(variationErrors(check(CURRENT)).map((e) => e.rule)).toEqual(['variation-unchanged']);
    expect(
      variationErrors(
        check(CURRENT, { outputTargets: [{ interventionId: 'x', outputTarget: 3 }] }),
      ),
    ).toEqual([
      {
        rule: 'variation-unknown-intervention',
        field: 'outputTargets.0.interventionId',
        message: "the award's bid has no intervention x",
      },
    ]);
    expect(
      variationErrors(
        check(CURRENT, { outputTargets: [{ interventionId: 'i-1', outputTarget: 3 }] }),
      ),
    ).toEqual([]);
  });
});
