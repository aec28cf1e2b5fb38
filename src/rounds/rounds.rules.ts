import type { FieldError } from '../common/problem';
import type { OrganisationType } from '../organisations/organisation.entity';
import { financialYearsBetween, isFinancialYear } from './financial-year';
import type {
  AwardType,
  BidLimitScope,
  MatchFundingPercent,
  RoundStatus,
  TaxonomyCategory,
} from './funding-round.entity';

export interface RoundSettings {
  awardType: AwardType;
  directAwardJustification: string | null;
  budgetPence: number;
  opensAt: Date;
  closesAt: Date;
  deliveryStartsOn: string;
  deliveryEndsOn: string;
  eligibleApplicantTypes: OrganisationType[];
  capPerBidPence: number;
  yearCaps: { financialYear: string; capPence: number }[];
  matchFundingPercent: MatchFundingPercent;
  bidLimitScope: BidLimitScope;
  bidLimit: number;
  interventionTaxonomy: TaxonomyCategory[];
  criteria: { title: string; weight: number; maxMark: number }[];
}

// Checks that a round's settings agree with each other (field shapes are checked by the DTOs).
// Create and edit both call this one function, on the round as it would be after the change.
export function roundSettingsErrors(round: RoundSettings): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });

  if (round.awardType === 'direct' && !round.directAwardJustification?.trim()) {
    fail(
      'directAwardJustification',
      'a direct award needs a recorded justification (GovS 015: competition is the default)',
    );
  }
  if (round.awardType === 'competitive' && round.directAwardJustification) {
    fail(
      'directAwardJustification',
      'only a direct award round carries a direct award justification',
    );
  }
  if (round.closesAt.getTime() <= round.opensAt.getTime()) {
    fail('closesAt', 'the bidding window must close after it opens');
  }
  if (round.deliveryEndsOn <= round.deliveryStartsOn) {
    fail('deliveryEndsOn', 'the delivery period must end after it starts');
  }
  if (round.deliveryStartsOn < round.opensAt.toISOString().slice(0, 10)) {
    fail('deliveryStartsOn', 'delivery cannot start before bidding opens');
  }
  if (round.capPerBidPence > round.budgetPence) {
    fail('capPerBidPence', 'the cap per bid cannot exceed the round budget');
  }

  const deliveryYears =
    round.deliveryEndsOn > round.deliveryStartsOn
      ? financialYearsBetween(round.deliveryStartsOn, round.deliveryEndsOn)
      : [];
  const seenYears = new Set<string>();
  round.yearCaps.forEach((cap, index) => {
    const field = `yearCaps.${index}`;
    if (!isFinancialYear(cap.financialYear)) {
      fail(`${field}.financialYear`, 'must be a financial year written like 2022/23');
    } else if (deliveryYears.length > 0 && !deliveryYears.includes(cap.financialYear)) {
      fail(
        `${field}.financialYear`,
        `${cap.financialYear} is outside the delivery period (${deliveryYears.join(', ')})`,
      );
    }
    if (seenYears.has(cap.financialYear)) {
      fail(`${field}.financialYear`, `${cap.financialYear} is capped twice`);
    }
    seenYears.add(cap.financialYear);
    if (cap.capPence > round.capPerBidPence) {
      fail(`${field}.capPence`, 'a financial year cap cannot exceed the cap per bid');
    }
  });

  if (new Set(round.eligibleApplicantTypes).size !== round.eligibleApplicantTypes.length) {
    fail('eligibleApplicantTypes', 'lists a type more than once');
  }
  for (const type of Object.keys(round.matchFundingPercent) as OrganisationType[]) {
    if (!round.eligibleApplicantTypes.includes(type)) {
      fail(
        `matchFundingPercent.${type}`,
        `${type} is not an eligible applicant type of this round`,
      );
    }
  }
  if (round.bidLimitScope === 'pcc_area' && !round.eligibleApplicantTypes.includes('pcc')) {
    fail('bidLimitScope', 'a limit per PCC area needs PCCs among the eligible applicant types');
  }

  const categories = new Set<string>();
  round.interventionTaxonomy.forEach((category, index) => {
    const key = category.category.trim().toLowerCase();
    if (categories.has(key)) {
      fail(`interventionTaxonomy.${index}.category`, `"${category.category}" appears twice`);
    }
    categories.add(key);
    if (
      new Set(category.types.map((type) => type.trim().toLowerCase())).size !==
      category.types.length
    ) {
      fail(`interventionTaxonomy.${index}.types`, 'lists an intervention type more than once');
    }
  });

  const totalWeight = round.criteria.reduce((sum, criterion) => sum + criterion.weight, 0);
  if (totalWeight !== 100) {
    fail('criteria', `criterion weights must sum to 100 (they sum to ${totalWeight})`);
  }
  const titles = new Set<string>();
  round.criteria.forEach((criterion, index) => {
    const key = criterion.title.trim().toLowerCase();
    if (titles.has(key)) {
      fail(`criteria.${index}.title`, `"${criterion.title}" appears twice`);
    }
    titles.add(key);
  });
  return errors;
}

export const ROUND_COMMANDS = {
  publish: { from: 'draft', to: 'open' },
  close: { from: 'open', to: 'closed' },
  'start-assessment': { from: 'closed', to: 'assessment' },
  'publish-outcomes': { from: 'assessment', to: 'decided' },
  'start-delivery': { from: 'decided', to: 'delivery' },
  'close-out': { from: 'delivery', to: 'closed_out' },
} as const satisfies Record<string, { from: RoundStatus; to: RoundStatus }>;
export type RoundCommand = keyof typeof ROUND_COMMANDS;

// Why a lifecycle command may not run now, or null when it may.
export function roundCommandRefusal(
  command: RoundCommand,
  round: { status: RoundStatus; closesAt: Date },
  now: Date,
): string | null {
  const { from } = ROUND_COMMANDS[command];
  if (round.status !== from) {
    return `"${command}" needs a round in status ${from}; this round is ${round.status}`;
  }
  if (command === 'publish' && round.closesAt.getTime() <= now.getTime()) {
    return 'the bidding window has already closed; move closesAt into the future before publishing';
  }
  // Bidders were promised the advertised window: a round closes only once that window is over.
  if (command === 'close' && now.getTime() < round.closesAt.getTime()) {
    return `bidding is open until ${round.closesAt.toISOString()}; the round can be closed after that`;
  }
  return null;
}
