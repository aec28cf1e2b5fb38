import {
  awardLineErrors,
  budgetRefusal,
  dueDiligenceDateError,
  dueDiligenceRefusal,
  FundingCandidate,
  fundingLine,
  MoneyLine,
  needsSecondApproval,
  offerLapsed,
} from './award.rules';

// What bid SSF5-0001 asked round 5 of the Safer Streets Fund for, year by year.
const requested: MoneyLine[] = [
  { financialYear: '2026/27', kind: 'capital', amountPence: 30_000_000 }, // £300,000
  { financialYear: '2026/27', kind: 'revenue', amountPence: 12_500_000 }, // £125,000
  { financialYear: '2027/28', kind: 'revenue', amountPence: 7_500_000 }, // £75,000
];

const roundBudgetPence = 55_000_000; // £550,000
const approvalThresholdPence = 10_000_000; // £100,000

describe('awardLineErrors', () => {
  it('accepts an award of exactly what was requested', () => {
    expect(
      awardLineErrors(
        requested,
        requested.map((line) => ({ ...line })),
      ),
    ).toEqual([]);
  });

  it('accepts an award below the request, including one that leaves a year out', () => {
    const awarded: MoneyLine[] = [
      { financialYear: '2026/27', kind: 'capital', amountPence: 29_999_999 },
      { financialYear: '2027/28', kind: 'revenue', amountPence: 5_000_000 },
    ];
    expect(awardLineErrors(requested, awarded)).toEqual([]);
  });

  it('refuses a line a penny above what was requested for its year and kind', () => {
    const awarded: MoneyLine[] = [
      { financialYear: '2026/27', kind: 'revenue', amountPence: 12_500_000 },
      { financialYear: '2026/27', kind: 'capital', amountPence: 30_000_001 },
    ];
    expect(awardLineErrors(requested, awarded)).toEqual([
      {
        field: 'lines.1.amountPence',
        message: '£300,000.01 for 2026/27 capital is more than the £300,000.00 requested',
      },
    ]);
  });

  it('refuses a year and kind the bid did not ask for, listing what it did ask for', () => {
    const awarded: MoneyLine[] = [
      { financialYear: '2026/27', kind: 'capital', amountPence: 10_000_000 },
      { financialYear: '2027/28', kind: 'capital', amountPence: 1_000_000 }, // only revenue asked
    ];
    expect(awardLineErrors(requested, awarded)).toEqual([
      {
        field: 'lines.1',
        message:
          'the bid asked for nothing in 2027/28 capital; it asked for 2026/27 capital, 2026/27 revenue, 2027/28 revenue',
      },
    ]);
  });

  it('refuses the same year and kind twice, even when each line is within the request', () => {
    const awarded: MoneyLine[] = [
      { financialYear: '2026/27', kind: 'revenue', amountPence: 6_000_000 },
      { financialYear: '2026/27', kind: 'revenue', amountPence: 6_000_000 },
    ];
    expect(awardLineErrors(requested, awarded)).toEqual([
      {
        field: 'lines.1',
        message: '2026/27 revenue appears twice; give one amount per year and kind',
      },
    ]);
  });

  it('refuses an award with no lines', () => {
    expect(awardLineErrors(requested, [])).toEqual([
      { field: 'lines', message: 'an award needs at least one amount' },
    ]);
  });

  it('reports every problem at once, in line order', () => {
    const awarded: MoneyLine[] = [
      { financialYear: '2026/27', kind: 'capital', amountPence: 30_000_000 },
      { financialYear: '2027/28', kind: 'revenue', amountPence: 7_500_100 },
      { financialYear: '2028/29', kind: 'revenue', amountPence: 7_500_000 },
      { financialYear: '2026/27', kind: 'capital', amountPence: 1 },
    ];
    const errors = awardLineErrors(requested, awarded);
    expect(errors.map((error) => error.field)).toEqual([
      'lines.1.amountPence',
      'lines.2',
      'lines.3',
    ]);
    expect(errors[0].message).toBe(
      '£75,001.00 for 2027/28 revenue is more than the £75,000.00 requested',
    );
    expect(errors[1].message).toMatch(/^the bid asked for nothing in 2028\/29 revenue;/);
    expect(errors[2].message).toMatch(/^2026\/27 capital appears twice;/);
  });
});

describe('budgetRefusal', () => {
  it('lets an award that uses the last penny of the budget through', () => {
    expect(budgetRefusal(roundBudgetPence, 40_000_000, 15_000_000)).toBeNull();
  });

  it('refuses an award one penny over, with what is held and what is left in pounds', () => {
    expect(budgetRefusal(roundBudgetPence, 40_000_000, 15_000_001)).toBe(
      "an award of £150,000.01 does not fit: £400,000.00 of the round's £550,000.00 budget is already awarded or held, leaving £150,000.00",
    );
  });

  it('compares against the whole budget when nothing is held yet', () => {
    expect(budgetRefusal(roundBudgetPence, 0, roundBudgetPence)).toBeNull();
    expect(budgetRefusal(roundBudgetPence, 0, roundBudgetPence + 1)).toBe(
      "an award of £550,000.01 does not fit: £0.00 of the round's £550,000.00 budget is already awarded or held, leaving £550,000.00",
    );
  });

  it('adds up to the penny at the scale of a £150,000,000 programme', () => {
    const programmePence = 15_000_000_000;
    expect(budgetRefusal(programmePence, 14_999_999_999, 1)).toBeNull();
    expect(budgetRefusal(programmePence, 12_345_678_901, 2_654_321_099)).toBeNull();
    expect(budgetRefusal(programmePence, 12_345_678_901, 2_654_321_100)).toBe(
      "an award of £26,543,211.00 does not fit: £123,456,789.01 of the round's £150,000,000.00 budget is already awarded or held, leaving £26,543,210.99",
    );
  });
});

describe('needsSecondApproval', () => {
  it('does not need a second approver for an award exactly at the threshold', () => {
    expect(needsSecondApproval(approvalThresholdPence, approvalThresholdPence)).toBe(false);
    expect(needsSecondApproval(approvalThresholdPence - 1, approvalThresholdPence)).toBe(false);
  });

  it('needs a second approver for an award one penny above the threshold', () => {
    expect(needsSecondApproval(approvalThresholdPence + 1, approvalThresholdPence)).toBe(true);
  });
});

describe('dueDiligenceRefusal', () => {
  it('refuses when no due diligence is recorded', () => {
    expect(dueDiligenceRefusal(null, 'the council vouches for them')).toBe(
      'no due diligence is recorded for the organisation; finance or a moderator records it first',
    );
  });

  it('refuses a red rating, even with a reason for going ahead', () => {
    const refusal = 'due diligence on the organisation is rated red, which blocks an award';
    expect(dueDiligenceRefusal('red', undefined)).toBe(refusal);
    expect(dueDiligenceRefusal('red', 'accounts filed late but now up to date')).toBe(refusal);
  });

  it('refuses an amber rating without a reason, or with a reason of only spaces', () => {
    const refusal =
      'due diligence on the organisation is rated amber: record why the award goes ahead in dueDiligenceAcceptance';
    expect(dueDiligenceRefusal('amber', undefined)).toBe(refusal);
    expect(dueDiligenceRefusal('amber', '')).toBe(refusal);
    expect(dueDiligenceRefusal('amber', '   \t ')).toBe(refusal);
  });

  it('lets an amber rating through with a recorded reason', () => {
    expect(dueDiligenceRefusal('amber', 'new charity; trustees checked by the PCC')).toBeNull();
  });

  it('lets a green rating through without a reason', () => {
    expect(dueDiligenceRefusal('green', undefined)).toBeNull();
  });
});

describe('dueDiligenceDateError', () => {
  it('takes a check dated today on the UK calendar, in the hour BST is ahead of UTC', () => {
    // 00:30 BST on 16 July 2026 is still 15 July in UTC.
    const now = new Date('2026-07-15T23:30:00Z');
    expect(dueDiligenceDateError('2026-07-16', now)).toBeNull();
    expect(dueDiligenceDateError('2026-07-17', now)).toEqual({
      field: 'checkedOn',
      message: '17 July 2026 is after today (16 July 2026)',
    });
  });
});

describe('fundingLine', () => {
  interface Ranked extends FundingCandidate {
    reference: string;
    rank: number;
  }

  const ranked = (
    ...rows: [reference: string, requestedPence: number, aboveQualityThreshold: boolean][]
  ): Ranked[] =>
    rows.map(([reference, requestedPence, aboveQualityThreshold], index) => ({
      bidId: `bid-${reference.toLowerCase()}`,
      reference,
      rank: index + 1,
      requestedPence,
      aboveQualityThreshold,
    }));

  const references = (bids: { reference: string }[]) => bids.map((bid) => bid.reference);

  it('skips bids below the quality threshold without stopping the line', () => {
    const bids = ranked(
      ['SSF5-0001', 20_000_000, true],
      ['SSF5-0002', 90_000_000, false], // would not fit, but is not a candidate at all
      ['SSF5-0003', 25_000_000, true],
    );
    const line = fundingLine(bids, roundBudgetPence);
    expect(references(line.funded)).toEqual(['SSF5-0001', 'SSF5-0003']);
    expect(line.firstNotFunded).toBeNull();
    expect(line.remainingPence).toBe(10_000_000);
  });

  it('stops at the first bid that does not fit and funds nothing below it', () => {
    const bids = ranked(
      ['SSF5-0001', 20_000_000, true],
      ['SSF5-0002', 25_000_000, true],
      ['SSF5-0003', 15_000_000, true], // £100,000 left, asks £150,000
      ['SSF5-0004', 5_000_000, true], // would fit on its own
    );
    const line = fundingLine(bids, roundBudgetPence);
    expect(references(line.funded)).toEqual(['SSF5-0001', 'SSF5-0002']);
    expect(line.firstNotFunded?.reference).toBe('SSF5-0003');
    expect(line.remainingPence).toBe(10_000_000);
  });

  it('funds a bid that spends the budget exactly, leaving nothing', () => {
    const bids = ranked(
      ['SSF5-0001', 30_000_000, true],
      ['SSF5-0002', 25_000_000, true],
      ['SSF5-0003', 1, true],
    );
    const line = fundingLine(bids, roundBudgetPence);
    expect(references(line.funded)).toEqual(['SSF5-0001', 'SSF5-0002']);
    expect(line.firstNotFunded?.reference).toBe('SSF5-0003');
    expect(line.remainingPence).toBe(0);
  });

  it('funds nothing and keeps the whole budget when nothing is ranked', () => {
    expect(fundingLine([], roundBudgetPence)).toEqual({
      funded: [],
      firstNotFunded: null,
      remainingPence: roundBudgetPence,
    });
  });

  it('names no bid when every bid above the threshold fits', () => {
    const bids = ranked(['SSF5-0001', 20_000_000, true], ['SSF5-0002', 25_000_000, true]);
    const line = fundingLine(bids, roundBudgetPence);
    expect(line.funded).toHaveLength(2);
    expect(line.firstNotFunded).toBeNull();
    expect(line.remainingPence).toBe(10_000_000);
  });

  it('hands back the bids it was given, with their extra fields', () => {
    const bids = ranked(['SSF5-0001', 20_000_000, true], ['SSF5-0002', 40_000_000, true]);
    const line = fundingLine(bids, roundBudgetPence);
    expect(line.funded[0]).toBe(bids[0]);
    expect(line.funded[0]).toEqual({
      bidId: 'bid-ssf5-0001',
      reference: 'SSF5-0001',
      rank: 1,
      requestedPence: 20_000_000,
      aboveQualityThreshold: true,
    });
    expect(line.firstNotFunded).toBe(bids[1]);
    expect(line.firstNotFunded?.rank).toBe(2);
  });
});

describe('offerLapsed', () => {
  const deadline = new Date('2026-12-23T23:59:59.999Z');
  it('lapses an offer only once its deadline has passed', () => {
    expect(
      offerLapsed(
        { status: 'offered', offerExpiresAt: deadline },
        new Date('2026-12-23T23:59:59.999Z'),
      ),
    ).toBe(false);
    expect(
      offerLapsed(
        { status: 'offered', offerExpiresAt: deadline },
        new Date('2026-12-24T00:00:00Z'),
      ),
    ).toBe(true);
  });
  it('never lapses an accepted, declined or unpublished award', () => {
    const later = new Date('2027-01-01T00:00:00Z');
    expect(offerLapsed({ status: 'active', offerExpiresAt: deadline }, later)).toBe(false);
    expect(offerLapsed({ status: 'declined', offerExpiresAt: deadline }, later)).toBe(false);
    expect(offerLapsed({ status: 'offered', offerExpiresAt: null }, later)).toBe(false);
  });
});
