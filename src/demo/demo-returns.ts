import type { SaveReturnDto } from '../returns/return.dto';

// The Northumbria PCC's returns for 2025/26 in the delivery demo round, against its award of
// £283,852.28 capital and £50,000.00 revenue (a profile of £83,463.07 a quarter): Q1 approved and
// paid, Q2 sent and waiting for finance, Q3 a draft, Q4 not started.
export function demoReturnContent(
  quarter: 1 | 2 | 3,
  interventions: { id: string }[],
): SaveReturnDto {
  const spend = {
    1: { capital: 7_000_000, revenue: 1_200_000 },
    2: { capital: 7_300_000, revenue: 1_250_000 },
    3: { capital: 6_000_000, revenue: 1_300_000 },
  }[quarter];
  return {
    spend: [
      { financialYear: '2025/26', kind: 'capital', amountPence: spend.capital },
      { financialYear: '2025/26', kind: 'revenue', amountPence: spend.revenue },
    ],
    matchFundingSpentPence: 1_250_000,
    outputs: interventions.map(({ id }, index) => ({
      interventionId: id,
      achieved: index === 0 ? 100 + 10 * quarter : 7,
    })),
    milestones: [
      {
        title: 'Home security works',
        status: quarter === 3 ? 'delayed' : 'on_track',
        rag: quarter === 3 ? 'amber' : 'green',
        comment: quarter === 3 ? 'Two weeks behind after the contractor changed crews' : '',
      },
    ],
    risks: [
      {
        description: 'Contractor lead times',
        rag: 'amber',
        mitigation: 'Council framework contractor booked a quarter ahead',
      },
    ],
    narrative: `Quarter ${quarter}: homes target-hardened street by street in Byker and Walker; alley gates fitted where residents consented.`,
  };
}
