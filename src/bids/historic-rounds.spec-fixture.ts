import { DEMO_ROUNDS } from '../demo/demo-rounds';
import type { EligibilityRound } from './eligibility.rules';

export type RoundNumber = 1 | 2 | 3 | 4;
export const ROUNDS: RoundNumber[] = [1, 2, 3, 4];

// Rounds 1-4 as DOMAIN.md describes them, for the rules' specs: taken from the demo data rather
// than copied, with the optional settings at their defaults.
export function historicRound(number: RoundNumber): EligibilityRound {
  const demo = DEMO_ROUNDS.find((candidate) => candidate.code === `SSF${number}`);
  if (!demo) {
    throw new Error(`no demo round SSF${number}`);
  }
  return {
    eligibleApplicantTypes: demo.eligibleApplicantTypes,
    capPerBidPence: demo.capPerBidPence,
    yearCaps: demo.yearCaps ?? [],
    matchFundingPercent: demo.matchFundingPercent ?? {},
    bidLimitScope: demo.bidLimitScope,
    bidLimit: demo.bidLimit,
    crimeFocus: demo.crimeFocus ?? [],
    interventionTaxonomy: demo.interventionTaxonomy ?? [],
    deliveryStartsOn: demo.deliveryStartsOn,
    deliveryEndsOn: demo.deliveryEndsOn,
  };
}
