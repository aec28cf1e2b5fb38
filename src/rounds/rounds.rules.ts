import {
  firstLondonDayFrom,
  formatLondonZoned,
  formatUkDate,
  londonDateOf,
} from '../common/london-time';
import { formatPounds } from '../common/money';
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
  crimeFocus: string[];
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
  if (round.deliveryStartsOn < londonDateOf(round.opensAt)) {
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

  for (const index of repeatedAt(round.crimeFocus)) {
    const crimeType = round.crimeFocus[index];
    fail(`crimeFocus.${index}`, `lists the crime type "${crimeType}" more than once`);
  }

  const categoryNames = round.interventionTaxonomy.map((category) => category.category);
  for (const index of repeatedAt(categoryNames)) {
    fail(`interventionTaxonomy.${index}.category`, `"${categoryNames[index]}" appears twice`);
  }
  round.interventionTaxonomy.forEach((category, index) => {
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
  const titles = round.criteria.map((criterion) => criterion.title);
  for (const index of repeatedAt(titles)) {
    fail(`criteria.${index}.title`, `"${titles[index]}" appears twice`);
  }
  return errors;
}

// Where a list of a round's words repeats one already listed, ignoring case and surrounding
// spaces: the index of each repeat.
function repeatedAt(words: readonly string[]): number[] {
  const seen = new Set<string>();
  return words.flatMap((word, index) => {
    const key = word.trim().toLowerCase();
    const repeat = seen.has(key);
    seen.add(key);
    return repeat ? [index] : [];
  });
}

export const ROUND_COMMANDS = {
  publish: { from: 'draft', to: 'open' },
  close: { from: 'open', to: 'closed' },
  'start-assessment': { from: 'closed', to: 'assessment' },
  'publish-outcomes': { from: 'assessment', to: 'decided' },
  'start-delivery': { from: 'decided', to: 'delivery' },
  'close-out': { from: 'delivery', to: 'closed_out' },
  // A historic round goes into the records as closed out, straight from draft.
  'record-historic': { from: 'draft', to: 'closed_out' },
} as const satisfies Record<string, { from: RoundStatus; to: RoundStatus }>;
export type RoundCommand = keyof typeof ROUND_COMMANDS;

// Why a lifecycle command may not run now, or null when it may.
export function roundCommandRefusal(
  command: RoundCommand,
  round: { status: RoundStatus; closesAt: Date; historic?: boolean },
  now: Date,
): string | null {
  const { from } = ROUND_COMMANDS[command];
  if (round.status !== from) {
    return `"${command}" needs a round in status ${from}; this round is ${round.status}`;
  }
  if (command === 'record-historic' && !round.historic) {
    return 'only a round created as historic can be recorded straight as closed out';
  }
  // Its window is over by the time it is recorded, so through the API it is never opened.
  if (command === 'publish' && round.historic && round.closesAt.getTime() <= now.getTime()) {
    return 'it is a historic round, kept for the records, and is never opened for bidding; record it with record-historic';
  }
  if (command === 'publish' && round.closesAt.getTime() <= now.getTime()) {
    return 'the bidding window has already closed; move closesAt into the future before publishing';
  }
  // Bidders were promised the advertised window: a round closes only once that window is over.
  if (command === 'close' && now.getTime() < round.closesAt.getTime()) {
    return `bidding is open until ${formatLondonZoned(round.closesAt)}; the round can be closed after that`;
  }
  return null;
}

export interface RoundTiming {
  opensAt: Date;
  closesAt: Date;
  deliveryStartsOn: string;
  historic: boolean;
}

// Dates a new round (or a draft's edit) may not have unless it is a historic record: a window
// opening long ago, or delivery starting before bids close. A historic round records a round
// that has run, so its window must be over. `checkOpensAt`: false when an edit leaves opensAt.
export function roundTimingErrors(
  round: RoundTiming,
  now: Date,
  opensMaxPastDays: number,
  checkOpensAt = true,
): FieldError[] {
  const errors: FieldError[] = [];
  if (round.historic) {
    if (round.closesAt.getTime() > now.getTime()) {
      errors.push({
        field: 'historic',
        message: `a historic round records a round that has run: its bidding window must have closed (it closes ${formatLondonZoned(round.closesAt)})`,
      });
    }
    return errors;
  }
  const earliest = now.getTime() - opensMaxPastDays * 86_400_000;
  if (checkOpensAt && round.opensAt.getTime() < earliest) {
    errors.push({
      field: 'opensAt',
      message: `the bidding window may open at most ${opensMaxPastDays} days in the past (no earlier than ${formatLondonZoned(new Date(earliest))}); create a round that has already run with historic: true`,
    });
  }
  // A day's delivery starts at its 00:00: bids closing at 00:00 UK time leave that whole day.
  const firstDay = firstLondonDayFrom(round.closesAt);
  if (round.deliveryStartsOn < firstDay) {
    errors.push({
      field: 'deliveryStartsOn',
      message: `delivery must start after bids close (${formatLondonZoned(round.closesAt)}): on ${formatUkDate(firstDay)} or later`,
    });
  }
  return errors;
}

// An offer not yet accepted, declined or lapsed when delivery is to start.
export interface OpenOffer {
  awardId: string;
  reference: string;
  organisationName: string;
  offerExpiresAt: Date;
}

// Why delivery may not start with these offers open, or null. Starting anyway needs a reason:
// the recipients may still accept and start late.
export function startDeliveryRefusal(
  offers: OpenOffer[],
  confirmation: { confirmOpenOffers?: boolean; reason?: string | null },
): string | null {
  if (offers.length === 0) {
    return null;
  }
  const listed = offers
    .map(
      (offer) =>
        `${offer.reference} (${offer.organisationName}, open until ${formatLondonZoned(offer.offerExpiresAt)})`,
    )
    .join('; ');
  const count = offers.length === 1 ? '1 offer is' : `${offers.length} offers are`;
  if (!confirmation.confirmOpenOffers) {
    return `${count} still open: ${listed}. Wait until they are accepted, declined or lapsed, or confirm with confirmOpenOffers: true and a reason`;
  }
  if (!confirmation.reason?.trim()) {
    return `${count} still open: ${listed}. Starting delivery with open offers needs a reason`;
  }
  return null;
}

export const OUTSTANDING_KINDS = ['award', 'return', 'payment'] as const;
export type OutstandingKind = (typeof OUTSTANDING_KINDS)[number];

// Something that keeps a round from closing out: money still owed or not yet accounted for.
export interface OutstandingItem {
  kind: OutstandingKind;
  id: string;
  reference: string;
  outstanding: string;
  amountPence: number;
}

// Why the round may not close out while these are left, or null when nothing is.
export function closeOutRefusal(items: OutstandingItem[]): string | null {
  if (items.length === 0) {
    return null;
  }
  const count = (kind: OutstandingKind, one: string, many: string) => {
    const n = items.filter((item) => item.kind === kind).length;
    return n === 0 ? [] : [n === 1 ? `1 ${one}` : `${n} ${many}`];
  };
  const parts = [
    ...count('award', 'award not finished', 'awards not finished'),
    ...count('return', 'return not approved', 'returns not approved'),
    ...count('payment', 'payment not made', 'payments not made'),
  ];
  const owed = items
    .filter((item) => item.kind === 'payment')
    .reduce((sum, item) => sum + item.amountPence, 0);
  return `${parts.join(', ')}${owed > 0 ? ` (${formatPounds(owed)} approved but unpaid)` : ''}; see outstanding for each. Settle them before closing out`;
}
