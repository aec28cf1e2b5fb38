import {
  awardPosition,
  earlierOutstanding,
  quarterProfilePence,
  spendErrors,
  variance,
  type YearKindAmount,
} from './return.rules';
import { returnSchedule } from './return-schedule.rules';

// Round 5's published example: £990,324.28, paid as £455,631.44 in 2023/24 and £534,692.84 in
// 2024/25 (split here between capital and revenue for the test).
const AWARD: YearKindAmount[] = [
  { financialYear: '2023/24', kind: 'capital', amountPence: 30_000_000 },
  { financialYear: '2023/24', kind: 'revenue', amountPence: 15_563_144 },
  { financialYear: '2024/25', kind: 'revenue', amountPence: 53_469_284 },
];
const Q3 = { financialYear: '2023/24', quarter: 3 as const };

describe('spendErrors', () => {
  it('accepts spend of the quarter’s own year up to what is left of the year’s award', () => {
    const before = [
      { financialYear: '2023/24', kind: 'capital' as const, amountPence: 20_000_000 },
    ];
    const spend = [
      { financialYear: '2023/24', kind: 'capital' as const, amountPence: 10_000_000 },
      { financialYear: '2023/24', kind: 'revenue' as const, amountPence: 0 },
    ];
    expect(spendErrors(Q3, AWARD, before, spend)).toEqual([]);
  });

  it('refuses spend that takes the year’s claims past its award, one penny over, with the numbers', () => {
    const before = [
      { financialYear: '2023/24', kind: 'capital' as const, amountPence: 20_000_000 },
    ];
    const spend = [{ financialYear: '2023/24', kind: 'capital' as const, amountPence: 10_000_001 }];
    expect(spendErrors(Q3, AWARD, before, spend)).toEqual([
      {
        field: 'spend.0.amountPence',
        message:
          '£100,000.01 would take 2023/24 capital claims to £300,000.01, above its award of £300,000.00 (£100,000.00 left to claim)',
      },
    ]);
  });

  it('refuses another year’s money, a kind the award lacks, and a year and kind given twice', () => {
    const spend = [
      { financialYear: '2024/25', kind: 'revenue' as const, amountPence: 100 },
      { financialYear: '2023/24', kind: 'revenue' as const, amountPence: 100 },
      { financialYear: '2023/24', kind: 'revenue' as const, amountPence: 100 },
    ];
    const q1 = { financialYear: '2024/25', quarter: 1 as const };
    expect(spendErrors(Q3, AWARD, [], spend).map((error) => error.field)).toEqual([
      'spend.0.financialYear',
      'spend.2',
    ]);
    expect(
      spendErrors(q1, AWARD, [], [{ financialYear: '2024/25', kind: 'capital', amountPence: 1 }]),
    ).toEqual([{ field: 'spend.0', message: 'the award has no capital money in 2024/25' }]);
  });
});

describe('quarterProfilePence', () => {
  // Delivery October 2023 to March 2025: two quarters of 2023/24, four of 2024/25.
  const schedule = returnSchedule('2023-10-01', '2025-03-31', 30);

  it('spreads each year’s award over that year’s quarters, leftover pennies in the last', () => {
    expect(quarterProfilePence(AWARD, schedule, Q3)).toBe(22_781_572);
    expect(quarterProfilePence(AWARD, schedule, { financialYear: '2023/24', quarter: 4 })).toBe(
      22_781_572,
    );
    const q = (quarter: 1 | 2 | 3 | 4) =>
      quarterProfilePence(AWARD, schedule, { financialYear: '2024/25', quarter });
    expect([q(1), q(2), q(3), q(4)]).toEqual([13_367_321, 13_367_321, 13_367_321, 13_367_321]);
    expect(q(1) + q(2) + q(3) + q(4)).toBe(53_469_284);
  });

  it('puts the remainder in the year’s last quarter when the year does not divide evenly', () => {
    const odd = [{ financialYear: '2023/24', kind: 'capital' as const, amountPence: 100_000_001 }];
    const shares = [3, 4].map((quarter) =>
      quarterProfilePence(odd, schedule, { financialYear: '2023/24', quarter: quarter as 3 | 4 }),
    );
    expect(shares).toEqual([50_000_000, 50_000_001]);
  });

  it('gives a quarter outside the schedule no profile', () => {
    expect(quarterProfilePence(AWARD, schedule, { financialYear: '2023/24', quarter: 1 })).toBe(0);
  });

  it('takes a varied award’s own quarterly profile, kinds summed, instead of the even spread', () => {
    const profile = [
      { financialYear: '2024/25', quarter: 1 as const, amountPence: 1_000_000 },
      { financialYear: '2024/25', quarter: 1 as const, amountPence: 250_001 },
      { financialYear: '2024/25', quarter: 2 as const, amountPence: 52_219_283 },
    ];
    const q = (quarter: 1 | 2 | 3 | 4) =>
      quarterProfilePence(AWARD, schedule, { financialYear: '2024/25', quarter }, profile);
    expect([q(1), q(2), q(3), q(4)]).toEqual([1_250_001, 52_219_283, 0, 0]);
  });
});

describe('variance', () => {
  it('needs an explanation only strictly above the threshold, either way', () => {
    expect(variance(10_000_000, 12_000_000, 20)).toEqual({
      profilePence: 10_000_000,
      actualPence: 12_000_000,
      percent: 20,
      needsExplanation: false,
    });
    expect(variance(10_000_000, 12_000_001, 20)).toMatchObject({
      percent: 20,
      needsExplanation: true,
    });
    expect(variance(10_000_000, 7_500_000, 20)).toMatchObject({
      percent: -25,
      needsExplanation: true,
    });
  });

  it('shows the percent as the spend summary does, halves away from zero', () => {
    // The demo's Q2: +2.44% is 2, not 3; -1.15% is -1, not -2; 0.5% either way is 1.
    expect(variance(8_346_307, 8_550_000, 10).percent).toBe(2);
    expect(variance(10_000_000, 9_885_000, 10).percent).toBe(-1);
    expect(variance(10_000_000, 10_050_000, 10).percent).toBe(1);
    expect(variance(10_000_000, 9_950_000, 10).percent).toBe(-1);
    expect(variance(10_000_000, 10_049_999, 10).percent).toBe(0);
    expect(variance(10_000_000, 0, 10).percent).toBe(-100);
  });

  it('decides on the exact figure, not the rounded percent', () => {
    // 10.4% shows as 10 yet is above a 10% threshold; exactly 10% is not.
    expect(variance(10_000_000, 11_040_000, 10)).toMatchObject({
      percent: 10,
      needsExplanation: true,
    });
    expect(variance(10_000_000, 8_960_000, 10)).toMatchObject({
      percent: -10,
      needsExplanation: true,
    });
    expect(variance(10_000_000, 11_000_000, 10)).toMatchObject({
      percent: 10,
      needsExplanation: false,
    });
  });

  it('treats any spend against no profile as needing an explanation', () => {
    expect(variance(0, 1, 20)).toMatchObject({ percent: null, needsExplanation: true });
    expect(variance(0, 0, 20)).toMatchObject({ percent: null, needsExplanation: false });
  });
});

describe('earlierOutstanding', () => {
  const schedule = returnSchedule('2023-10-01', '2024-09-30', 30).map((row, index) => ({
    ...row,
    status: ['approved', 'changes_requested', 'due', 'upcoming'][index],
  }));

  it('names the first earlier return not yet sent, and nothing for the first in line', () => {
    expect(earlierOutstanding(schedule, schedule[2])?.quarter).toBe(4);
    expect(earlierOutstanding(schedule, schedule[1])).toBeNull();
  });
});

describe('awardPosition', () => {
  it('reads awarded, claimed, approved, paid, released and remaining per year and kind', () => {
    const at = (financialYear: string, kind: 'capital' | 'revenue', amountPence: number) => ({
      financialYear,
      kind,
      amountPence,
    });
    expect(
      awardPosition(AWARD, {
        claimed: [at('2023/24', 'capital', 25_000_000), at('2023/24', 'capital', 4_000_000)],
        approved: [at('2023/24', 'capital', 25_000_000)],
        paid: [at('2023/24', 'capital', 20_000_000)],
        released: [at('2023/24', 'revenue', 15_563_144)],
      }),
    ).toEqual([
      {
        financialYear: '2023/24',
        kind: 'capital',
        awardedPence: 30_000_000,
        claimedPence: 29_000_000,
        approvedPence: 25_000_000,
        paidPence: 20_000_000,
        releasedPence: 0,
        remainingPence: 5_000_000,
      },
      {
        financialYear: '2023/24',
        kind: 'revenue',
        awardedPence: 15_563_144,
        claimedPence: 0,
        approvedPence: 0,
        paidPence: 0,
        releasedPence: 15_563_144,
        remainingPence: 0,
      },
      {
        financialYear: '2024/25',
        kind: 'revenue',
        awardedPence: 53_469_284,
        claimedPence: 0,
        approvedPence: 0,
        paidPence: 0,
        releasedPence: 0,
        remainingPence: 53_469_284,
      },
    ]);
  });
});
