export interface RankCandidate {
  bidId: string;
  reference: string;
  submittedAt: Date;
  requestedPence: number;
  finalScoreHundredths: number;
}

export interface RankedBid extends RankCandidate {
  rank: number;
  // Requested amounts of this bid and every bid ranked above it.
  runningTotalPence: number;
  remainingBudgetPence: number;
  withinBudget: boolean;
  aboveQualityThreshold: boolean;
}

// Highest final score first; a tie goes to the earlier submission, then the lower reference,
// so the same data always gives the same order.
export function compareForRanking(a: RankCandidate, b: RankCandidate): number {
  return (
    b.finalScoreHundredths - a.finalScoreHundredths ||
    a.submittedAt.getTime() - b.submittedAt.getTime() ||
    (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0)
  );
}

// The ranking with a running total of requested money against the budget. A bid is above the
// quality threshold when its final score reaches it (threshold in whole points).
export function rankBids(
  candidates: RankCandidate[],
  budgetPence: number,
  qualityThresholdPoints: number,
): RankedBid[] {
  let runningTotal = 0n;
  return [...candidates].sort(compareForRanking).map((candidate, index) => {
    runningTotal += BigInt(candidate.requestedPence);
    const remaining = BigInt(budgetPence) - runningTotal;
    return {
      ...candidate,
      rank: index + 1,
      runningTotalPence: Number(runningTotal),
      remainingBudgetPence: Number(remaining),
      withinBudget: remaining >= 0n,
      aboveQualityThreshold: candidate.finalScoreHundredths >= qualityThresholdPoints * 100,
    };
  });
}
