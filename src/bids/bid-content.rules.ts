import type { FieldError } from '../common/problem';
import { financialYearsBetween } from '../rounds/financial-year';
import type { TaxonomyCategory } from '../rounds/funding-round.entity';
import type { CostKind } from './bid-lines.entity';

// The fields of a bid an applicant writes, as the audit trail records them.
export const CONTENT_FIELDS = [
  'title',
  'summary',
  'targetLsoas',
  'problemProfile',
  'primaryCrimeType',
  'secondaryCrimeTypes',
  'theoryOfChange',
  'interventions',
  'costLines',
  'matchFunding',
  'partners',
  'consultation',
  'milestones',
  'risks',
  'evaluationApproach',
] as const;

// What a bid's content is checked against when it is saved: the round's own lists and dates.
export interface RoundFrame {
  crimeFocus: string[];
  interventionTaxonomy: TaxonomyCategory[];
  deliveryStartsOn: string;
  deliveryEndsOn: string;
}

export interface BidContentParts {
  targetLsoas?: string[];
  primaryCrimeType?: string | null;
  secondaryCrimeTypes?: string[];
  interventions?: { category: string; type: string }[];
  costLines?: { financialYear: string; kind: CostKind }[];
  milestones?: { dueOn: string }[];
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

// Financial years a bid may ask for money in: those the round's delivery period touches.
export function deliveryYears(round: RoundFrame): string[] {
  return financialYearsBetween(round.deliveryStartsOn, round.deliveryEndsOn);
}

// A cost line outside the delivery period's financial years, as a sentence, or null when inside.
export function costLineYearProblem(financialYear: string, round: RoundFrame): string | null {
  const years = deliveryYears(round);
  return years.includes(financialYear)
    ? null
    : `${financialYear} is outside the delivery period's financial years (${years.join(', ')})`;
}

// Checks of the parts being saved against the round; a draft may be incomplete, never wrong.
// Create and edit both call this, on the parts the request sends.
export function bidContentErrors(content: BidContentParts, round: RoundFrame): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  const focus = round.crimeFocus;
  const inFocus = (crime: string) => focus.length === 0 || focus.some((f) => same(f, crime));

  if (content.targetLsoas && new Set(content.targetLsoas).size !== content.targetLsoas.length) {
    fail('targetLsoas', 'lists an LSOA code more than once');
  }
  if (content.primaryCrimeType && !inFocus(content.primaryCrimeType)) {
    fail(
      'primaryCrimeType',
      `"${content.primaryCrimeType}" is not in the round's crime focus (${focus.join(', ')})`,
    );
  }
  content.secondaryCrimeTypes?.forEach((crime, index) => {
    if (!inFocus(crime)) {
      fail(
        `secondaryCrimeTypes.${index}`,
        `"${crime}" is not in the round's crime focus (${focus.join(', ')})`,
      );
    }
  });
  content.interventions?.forEach((intervention, index) => {
    if (round.interventionTaxonomy.length === 0) {
      return;
    }
    const category = round.interventionTaxonomy.find((c) =>
      same(c.category, intervention.category),
    );
    if (!category) {
      const known = round.interventionTaxonomy.map((c) => c.category).join(', ');
      fail(
        `interventions.${index}.category`,
        `"${intervention.category}" is not an intervention category of this round (${known})`,
      );
    } else if (!category.types.some((type) => same(type, intervention.type))) {
      fail(
        `interventions.${index}.type`,
        `"${intervention.type}" is not an intervention type of "${category.category}" (${category.types.join(', ')})`,
      );
    }
  });
  const cells = new Set<string>();
  content.costLines?.forEach((line, index) => {
    const problem = costLineYearProblem(line.financialYear, round);
    if (problem) {
      fail(`costLines.${index}.financialYear`, problem);
    }
    const cell = `${line.financialYear} ${line.kind}`;
    if (cells.has(cell)) {
      fail(`costLines.${index}`, `${cell} appears twice; put the whole amount in one line`);
    }
    cells.add(cell);
  });
  content.milestones?.forEach((milestone, index) => {
    if (milestone.dueOn < round.deliveryStartsOn || milestone.dueOn > round.deliveryEndsOn) {
      fail(
        `milestones.${index}.dueOn`,
        `${milestone.dueOn} is outside the delivery period (${round.deliveryStartsOn} to ${round.deliveryEndsOn})`,
      );
    }
  });
  return errors;
}
