import type { Schemas } from './api-client';

export const FY = '2025/26';

// What the PCC reports for a quarter of 2025/26, typed as the client sends it: the quarter's
// profile exactly (£62,500 capital and £12,500 revenue), ten columns, the milestone done from Q2.
export function quarterReport(interventionId: string, quarter: number): Schemas['SaveReturnDto'] {
  return {
    spend: [
      { financialYear: FY, kind: 'capital', amountPence: 6_250_000 },
      { financialYear: FY, kind: 'revenue', amountPence: 1_250_000 },
    ],
    forecast: [],
    matchFundingSpentPence: 1_500_000,
    outputs: [{ interventionId, achieved: 10 }],
    milestones: [
      {
        title: 'Columns installed',
        dueOn: '2025-09-30',
        status: quarter < 2 ? 'on_track' : 'complete',
        rag: 'green',
        comment: 'Ten a quarter',
      },
    ],
    risks: [{ description: 'Supplier delays', rag: 'amber', mitigation: 'Framework supplier' }],
    narrative: `Lighting columns installed in Q${quarter} as planned.`,
    varianceExplanation: null,
  };
}
