import { compareForRanking, RankCandidate, rankBids } from './ranking.rules';

function bid(
  reference: string,
  finalScoreHundredths: number,
  submittedAt: string,
  requestedPence: number,
): RankCandidate {
  return {
    bidId: `bid-${reference.toLowerCase()}`,
    reference,
    submittedAt: new Date(submittedAt),
    requestedPence,
    finalScoreHundredths,
  };
}

// Six bids to round 5 of the Safer Streets Fund, in the order they were created.
const candidates: RankCandidate[] = [
  bid('SSF5-0001', 8125, '2023-05-10T14:02:00Z', 75_000_000),
  bid('SSF5-0002', 7250, '2023-05-12T09:30:00Z', 50_000_000),
  bid('SSF5-0003', 7250, '2023-05-11T16:45:00Z', 42_500_000),
  bid('SSF5-0004', 7250, '2023-05-11T16:45:00Z', 32_500_000),
  bid('SSF5-0005', 5999, '2023-05-09T11:00:00Z', 10_000_000),
  bid('SSF5-0006', 6000, '2023-05-12T21:59:00Z', 25_000_000),
];

const budgetPence = 200_000_000; // £2,000,000
const qualityThresholdPoints = 60;

const references = (ranked: { reference: string }[]) => ranked.map((row) => row.reference);

describe('rankBids', () => {
  it('orders by final score, then earlier submission, then reference', () => {
    expect(references(rankBids(candidates, budgetPence, qualityThresholdPoints))).toEqual([
      'SSF5-0001', // 81.25
      'SSF5-0003', // 72.50, submitted 11 May, reference before 0004
      'SSF5-0004', // 72.50, submitted at the same moment as 0003
      'SSF5-0002', // 72.50, submitted 12 May
      'SSF5-0006', // 60.00
      'SSF5-0005', // 59.99, despite being submitted first
    ]);
  });

  it('numbers the ranks 1 to N', () => {
    const ranked = rankBids(candidates, budgetPence, qualityThresholdPoints);
    expect(ranked.map((row) => row.rank)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives the same ranking whatever order the bids arrive in', () => {
    const expected = rankBids(candidates, budgetPence, qualityThresholdPoints);
    const reversed = [...candidates].reverse();
    const permuted = [3, 5, 0, 4, 1, 2].map((index) => candidates[index]);
    expect(rankBids(reversed, budgetPence, qualityThresholdPoints)).toEqual(expected);
    expect(rankBids(permuted, budgetPence, qualityThresholdPoints)).toEqual(expected);
  });

  it('does not reorder the array it is given', () => {
    const input = [...candidates];
    rankBids(input, budgetPence, qualityThresholdPoints);
    expect(references(input)).toEqual(references(candidates));
  });

  it('keeps every field of the candidate', () => {
    const [first] = rankBids(candidates, budgetPence, qualityThresholdPoints);
    expect(first).toMatchObject({
      bidId: 'bid-ssf5-0001',
      reference: 'SSF5-0001',
      submittedAt: new Date('2023-05-10T14:02:00Z'),
      requestedPence: 75_000_000,
      finalScoreHundredths: 8125,
    });
  });

  it('keeps a running total of the money requested down the ranking', () => {
    const ranked = rankBids(candidates, budgetPence, qualityThresholdPoints);
    expect(ranked.map((row) => row.runningTotalPence)).toEqual([
      75_000_000, 117_500_000, 150_000_000, 200_000_000, 225_000_000, 235_000_000,
    ]);
  });

  it('shows the budget left after each bid, going negative once it is spent', () => {
    const ranked = rankBids(candidates, budgetPence, qualityThresholdPoints);
    expect(ranked.map((row) => row.remainingBudgetPence)).toEqual([
      125_000_000, 82_500_000, 50_000_000, 0, -25_000_000, -35_000_000,
    ]);
  });

  it('counts a bid that spends the budget exactly as within it, and none after it', () => {
    const ranked = rankBids(candidates, budgetPence, qualityThresholdPoints);
    expect(ranked.map((row) => [row.reference, row.withinBudget])).toEqual([
      ['SSF5-0001', true],
      ['SSF5-0003', true],
      ['SSF5-0004', true],
      ['SSF5-0002', true], // remaining exactly £0
      ['SSF5-0006', false],
      ['SSF5-0005', false], // small enough to fit on its own, but ranked below the line
    ]);
  });

  it('moves the budget line one bid up when a penny is taken off the budget', () => {
    const ranked = rankBids(candidates, budgetPence - 1, qualityThresholdPoints);
    expect(ranked.map((row) => row.withinBudget)).toEqual([true, true, true, false, false, false]);
    expect(ranked[3].remainingBudgetPence).toBe(-1);
  });

  it('counts a score exactly at the quality threshold as above it', () => {
    const ranked = rankBids(candidates, budgetPence, qualityThresholdPoints);
    const above = Object.fromEntries(
      ranked.map((row) => [row.reference, row.aboveQualityThreshold]),
    );
    expect(above).toEqual({
      'SSF5-0001': true,
      'SSF5-0002': true,
      'SSF5-0003': true,
      'SSF5-0004': true,
      'SSF5-0005': false, // 59.99
      'SSF5-0006': true, // 60.00
    });
  });

  it('compares the threshold in whole points against scores in hundredths', () => {
    const ranked = rankBids(candidates, budgetPence, 73);
    expect(ranked.filter((row) => row.aboveQualityThreshold).map((row) => row.reference)).toEqual([
      'SSF5-0001',
    ]);
    expect(rankBids(candidates, budgetPence, 0).every((row) => row.aboveQualityThreshold)).toBe(
      true,
    );
  });

  it('keeps totals to the penny at the scale of a whole programme budget', () => {
    const ranked = rankBids(
      [
        bid('SSF5-0101', 9000, '2023-05-10T09:00:00Z', 7_500_000_000),
        bid('SSF5-0102', 8000, '2023-05-10T09:00:00Z', 7_500_000_001),
      ],
      10_000_000_000,
      qualityThresholdPoints,
    );
    expect(ranked.map((row) => row.runningTotalPence)).toEqual([7_500_000_000, 15_000_000_001]);
    expect(ranked.map((row) => row.remainingBudgetPence)).toEqual([2_500_000_000, -5_000_000_001]);
  });

  it('ranks no bids as an empty list', () => {
    expect(rankBids([], budgetPence, qualityThresholdPoints)).toEqual([]);
  });

  it('ranks a single bid first', () => {
    const [only] = rankBids([candidates[4]], 5_000_000, qualityThresholdPoints);
    expect(only).toMatchObject({
      reference: 'SSF5-0005',
      rank: 1,
      runningTotalPence: 10_000_000,
      remainingBudgetPence: -5_000_000,
      withinBudget: false,
      aboveQualityThreshold: false,
    });
  });
});

describe('compareForRanking', () => {
  const [first, second, third, fourth] = candidates;

  it('puts the higher score first', () => {
    expect(compareForRanking(first, second)).toBeLessThan(0);
    expect(compareForRanking(second, first)).toBeGreaterThan(0);
  });

  it('breaks a tied score by earlier submission', () => {
    expect(compareForRanking(third, second)).toBeLessThan(0);
    expect(compareForRanking(second, third)).toBeGreaterThan(0);
  });

  it('breaks a tied score and submission time by reference', () => {
    expect(compareForRanking(third, fourth)).toBeLessThan(0);
    expect(compareForRanking(fourth, third)).toBeGreaterThan(0);
  });

  it('treats a bid as equal to itself', () => {
    expect(compareForRanking(first, { ...first })).toBe(0);
  });

  it('lets the score outweigh an earlier submission and a lower reference', () => {
    const early = bid('SSF5-0001', 6999, '2023-05-01T09:00:00Z', 1);
    const late = bid('SSF5-0099', 7000, '2023-05-31T09:00:00Z', 1);
    expect(compareForRanking(late, early)).toBeLessThan(0);
  });
});
