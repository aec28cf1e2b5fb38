import { deliveryYears } from './bid-content.rules';
import type { EligibilityBid, EligibilityRound } from './eligibility.rules';

// Bids for the eligibility rules' specs: cost lines, and a bid that passes every rule.

type CostLine = EligibilityBid['costLines'][number];
const lineOf =
  (kind: CostLine['kind']) =>
  (financialYear: string, amountPence: number): CostLine => ({ financialYear, kind, amountPence });
export const capital = lineOf('capital');
export const revenue = lineOf('revenue');

// A complete PCC bid for £100,000 in the round's first delivery year. Interventions cost what the
// lines ask for and match funding is half of it, enough for any of rounds 1-4 (at most 50%).
export function validBid(forRound: EligibilityRound, changes: Partial<EligibilityBid> = {}) {
  const costLines = changes.costLines ?? [capital(deliveryYears(forRound)[0], 10_000_000)];
  const requested = costLines.reduce((total, line) => total + line.amountPence, 0);
  const bid: EligibilityBid = {
    applicantType: 'pcc',
    title: 'Safer alleys in Barton Hill',
    summary: 'Gating and lighting for the alleys behind three terraced streets.',
    targetLsoas: ['E01014540', 'E01014541'],
    problemProfile: 'Burglary at twice the force average for three years running.',
    primaryCrimeType: forRound.crimeFocus[0] ?? 'burglary',
    theoryOfChange: 'Fewer ways in and out, more light, more people watching.',
    partners: [{ name: 'Bristol City Council' }],
    consultation: 'Door-to-door survey of 400 households.',
    milestones: [{ title: 'Gates installed', dueOn: forRound.deliveryEndsOn }],
    risks: [{ risk: 'Supplier delay', mitigation: 'Two quotes held' }],
    evaluationApproach: 'Recorded burglary before and after, against a matched area.',
    costLines,
    matchFunding: [{ amountPence: Math.ceil(requested / 2) }],
    interventions: [{ costPence: requested }],
  };
  return { ...bid, ...changes };
}
