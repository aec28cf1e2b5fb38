import { formatPounds } from '../common/money';
import type { OrganisationType } from '../organisations/organisation.entity';
import type { BidLimitScope } from '../rounds/funding-round.entity';
import type { RoundSettings } from '../rounds/rounds.rules';
import { costLineYearProblem, RoundFrame } from './bid-content.rules';
import type { CostKind } from './bid-lines.entity';

export interface EligibilityRound
  extends
    RoundFrame,
    Pick<
      RoundSettings,
      | 'eligibleApplicantTypes'
      | 'capPerBidPence'
      | 'yearCaps'
      | 'matchFundingPercent'
      | 'bidLimitScope'
      | 'bidLimit'
    > {}

export interface EligibilityBid {
  applicantType: OrganisationType;
  title: string;
  summary: string;
  targetLsoas: string[];
  problemProfile: string;
  primaryCrimeType: string | null;
  theoryOfChange: string;
  partners: unknown[];
  consultation: string;
  milestones: unknown[];
  risks: unknown[];
  evaluationApproach: string;
  costLines: { financialYear: string; kind: CostKind; amountPence: number }[];
  matchFunding: { amountPence: number }[];
  interventions: { costPence: number }[];
}

// Who else holds the limit's places: other live bids in the same PCC area (or of the same
// applicant), and how to name that scope in a sentence.
export interface BidLimitCount {
  scope: string;
  otherBids: number;
  // How the bid was counted, when not by the round's own scope: a lead in no PCC area (BTP)
  // counts on its own even where the limit is per area.
  countedBy?: BidLimitScope;
}

// An organisation in a PCC area, other than the PCC, needs a PCC there to endorse its bid.
export interface EndorsementPath {
  needed: boolean;
  areaHasPcc: boolean;
}

export interface RuleFailure {
  rule: string;
  message: string;
}

// Where the bid limit counts a bid: among the bids of a PCC area, or of one applicant.
export type LimitScope = { forceAreaCode: string } | { organisationId: string };

// Where the bid limit counts a bid, and how a sentence names it: a limit per PCC area counts
// every lead in the bid's area; a lead in no PCC area (BTP), or any lead where the limit is per
// applicant, counts on its own. `areaName`: the area's name, when known. `scopeKey` names the
// scope for the lock that keeps its count exact during submission.
export function bidLimitScopeOf(
  bid: { organisationId: string; organisationName: string; forceAreaCode: string | null },
  round: Pick<EligibilityRound, 'bidLimitScope'>,
  areaName: string | null,
): Omit<BidLimitCount, 'otherBids'> & {
  scopeKey: string;
  counted: LimitScope;
} {
  if (round.bidLimitScope === 'pcc_area' && bid.forceAreaCode !== null) {
    return {
      scope: `the ${areaName ?? bid.forceAreaCode} PCC area`,
      scopeKey: `area:${bid.forceAreaCode}`,
      counted: { forceAreaCode: bid.forceAreaCode },
    };
  }
  return {
    scope: bid.organisationName,
    countedBy: 'applicant',
    scopeKey: `organisation:${bid.organisationId}`,
    counted: { organisationId: bid.organisationId },
  };
}

export const APPLICANT_TYPE_NAMES: Record<OrganisationType, string> = {
  pcc: 'Police and Crime Commissioner',
  local_authority: 'local authority',
  btp: 'British Transport Police',
  cso: 'civil society organisation',
};

function limitUnit(roundScope: BidLimitScope, countedBy = roundScope): string {
  if (roundScope === 'applicant') {
    return 'per applicant';
  }
  return countedBy === 'pcc_area'
    ? 'per PCC area'
    : 'per PCC area, and a lead in no PCC area counts on its own';
}

const sum = (amounts: number[]) => amounts.reduce((total, amount) => total + amount, 0);

export function requestedPence(costLines: { amountPence: number }[]): number {
  return sum(costLines.map((line) => line.amountPence));
}

// The least match funding a bid needs: the round's percentage for its applicant type of the
// amount requested, rounded up to the penny. Integer arithmetic only.
export function requiredMatchPence(
  round: Pick<EligibilityRound, 'matchFundingPercent'>,
  applicantType: OrganisationType,
  requested: number,
): { percent: number; pence: number } {
  const percent = round.matchFundingPercent[applicantType] ?? 0;
  return { percent, pence: Number((BigInt(requested) * BigInt(percent) + 99n) / 100n) };
}

const SECTIONS: [keyof EligibilityBid, string][] = [
  ['title', 'title'],
  ['summary', 'summary'],
  ['targetLsoas', 'target area (LSOA codes)'],
  ['problemProfile', 'problem profile'],
  ['primaryCrimeType', 'primary crime type'],
  ['theoryOfChange', 'theory of change'],
  ['partners', 'partners'],
  ['consultation', 'consultation'],
  ['milestones', 'delivery milestones'],
  ['risks', 'risks and mitigation'],
  ['evaluationApproach', 'evaluation approach'],
];

export function missingSections(bid: EligibilityBid): string[] {
  return SECTIONS.filter(([key]) => {
    const value = bid[key];
    if (Array.isArray(value)) {
      return value.length === 0;
    }
    return typeof value !== 'string' || value.trim() === '';
  }).map(([, name]) => name);
}

// Every rule of the round a bid fails, each naming the rule and the numbers. An empty list means
// the bid may be submitted (the bidding window is checked at submission, not here).
export function eligibilityFailures(
  bid: EligibilityBid,
  round: EligibilityRound,
  limit: BidLimitCount,
  endorsement: EndorsementPath,
): RuleFailure[] {
  const failures: RuleFailure[] = [];
  const fail = (rule: string, message: string) => failures.push({ rule, message });
  const requested = requestedPence(bid.costLines);
  const typeName = APPLICANT_TYPE_NAMES[bid.applicantType];

  if (!round.eligibleApplicantTypes.includes(bid.applicantType)) {
    const eligible = round.eligibleApplicantTypes.map((type) => APPLICANT_TYPE_NAMES[type]);
    fail(
      'applicant-type',
      `a ${typeName} may not lead a bid in this round; eligible leads are: ${eligible.join(', ')}`,
    );
  }
  if (bid.costLines.length === 0) {
    fail('cost-lines', 'the bid has no cost lines, so it asks for nothing');
  }
  if (requested > round.capPerBidPence) {
    fail(
      'cap-per-bid',
      `requested ${formatPounds(requested)} exceeds the round cap of ${formatPounds(round.capPerBidPence)}`,
    );
  }
  for (const cap of round.yearCaps) {
    const inYear = sum(
      bid.costLines.filter((l) => l.financialYear === cap.financialYear).map((l) => l.amountPence),
    );
    if (inYear > cap.capPence) {
      fail(
        'year-cap',
        `requested ${formatPounds(inYear)} in ${cap.financialYear} exceeds that year's cap of ${formatPounds(cap.capPence)}`,
      );
    }
  }
  for (const line of bid.costLines) {
    const problem = costLineYearProblem(line.financialYear, round);
    if (problem) {
      fail(
        'cost-line-year',
        `the ${line.kind} line of ${formatPounds(line.amountPence)}: ${problem}`,
      );
    }
  }
  const match = requiredMatchPence(round, bid.applicantType, requested);
  const offered = sum(bid.matchFunding.map((line) => line.amountPence));
  if (offered < match.pence) {
    fail(
      'match-funding',
      `match funding of ${formatPounds(offered)} is below the ${match.percent}% this round requires of a ${typeName}: at least ${formatPounds(match.pence)} on ${formatPounds(requested)} requested`,
    );
  }
  if (limit.otherBids + 1 > round.bidLimit) {
    fail(
      'bid-limit',
      `${limit.scope} already has ${limit.otherBids} live bid${limit.otherBids === 1 ? '' : 's'} in this round; the limit is ${round.bidLimit} ${limitUnit(round.bidLimitScope, limit.countedBy)}`,
    );
  }
  if (bid.interventions.length === 0) {
    fail('interventions', 'the bid needs at least one intervention');
  } else {
    const costed = sum(bid.interventions.map((intervention) => intervention.costPence));
    if (costed !== requested) {
      fail(
        'intervention-costs',
        `the interventions cost ${formatPounds(costed)} in all but the cost lines ask for ${formatPounds(requested)}; they must agree`,
      );
    }
  }
  const missing = missingSections(bid);
  if (missing.length > 0) {
    fail('required-sections', `these sections are still empty: ${missing.join(', ')}`);
  }
  if (endorsement.needed && !endorsement.areaHasPcc) {
    fail(
      'pcc-endorsement',
      'the bid needs its PCC’s endorsement, but no PCC organisation is registered for its force area; ask the programme team',
    );
  }
  return failures;
}
