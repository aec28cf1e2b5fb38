import type { CreateBidDto } from '../../src/bids/bid.dto';
import type { CreateRoundDto } from '../../src/rounds/round.dto';
import { financialYearsBetween } from '../../src/rounds/financial-year';
import { validRound } from './factories';

// Text of exactly `length` characters that says where it came from, so a mix-up shows.
export function textOf(length: number, label: string): string {
  const unit = `${label} `;
  return (unit.repeat(Math.ceil(length / unit.length) + 1).slice(0, length - 1) + '.').trim();
}

// `count` distinct strings of exactly `length` characters.
function labels(count: number, length: number, label: string): string[] {
  return Array.from({ length: count }, (_, n) => textOf(length, `${label}${n + 1}`));
}

const YEARS_OF_DELIVERY = 10;

// The largest round the API takes: every list at its limit, every text at its longest, a
// delivery period of ten financial years (so a bid may have its 20 cost lines).
export function largestRound(overrides: Partial<CreateRoundDto> = {}): CreateRoundDto {
  const base = validRound();
  const startsOn = base.deliveryStartsOn;
  const endsOn = `${Number(startsOn.slice(0, 4)) + YEARS_OF_DELIVERY - 1}-12-31`;
  const years = financialYearsBetween(startsOn, endsOn).slice(0, YEARS_OF_DELIVERY);
  return {
    ...base,
    name: textOf(200, 'Round name'),
    deliveryEndsOn: endsOn,
    capPerBidPence: 1_000_000_000,
    yearCaps: years.map((financialYear) => ({ financialYear, capPence: 500_000_000 })),
    crimeFocus: labels(20, 100, 'crime'),
    interventionTaxonomy: labels(30, 100, 'category').map((category, n) => ({
      category,
      types: labels(50, 100, `type${n + 1}.`),
    })),
    criteria: labels(20, 200, 'criterion').map((title, n) => ({
      title,
      guidance: textOf(2000, `guidance${n + 1}`),
      weight: 5,
      maxMark: 100,
    })),
    ...overrides,
  };
}

// The largest bid the API takes for a `largestRound()`: 20 cost lines, 50 match-funding lines,
// 50 interventions, 50 partners, milestones and risks, 500 target areas, every text at its
// longest (about 0.7 MB of JSON).
export function largestBid(round: { id: string } & CreateRoundDto): CreateBidDto {
  const taxonomy = round.interventionTaxonomy ?? [];
  const years = financialYearsBetween(round.deliveryStartsOn, round.deliveryEndsOn).slice(
    0,
    YEARS_OF_DELIVERY,
  );
  const focus = round.crimeFocus ?? [];
  return {
    roundId: round.id,
    title: textOf(200, 'Title'),
    summary: textOf(4000, 'Summary'),
    targetLsoas: Array.from(
      { length: 500 },
      (_, n) => `E01${String(100_000 + n).padStart(6, '0')}`,
    ),
    problemProfile: textOf(20_000, 'Problem'),
    primaryCrimeType: focus[0],
    secondaryCrimeTypes: focus.slice(0, 20),
    theoryOfChange: textOf(8000, 'Theory'),
    interventions: Array.from({ length: 50 }, (_, n) => ({
      category: taxonomy[n % taxonomy.length].category,
      type: taxonomy[n % taxonomy.length].types[n % 50],
      description: textOf(4000, `Description${n + 1}`),
      evidence: textOf(4000, `Evidence${n + 1}`),
      costPence: 1_000_000 + n,
      outputMeasure: textOf(200, `Measure${n + 1}`),
      outputTarget: 10_000_000,
    })),
    costLines: years.flatMap((financialYear, n) => [
      { financialYear, kind: 'capital' as const, amountPence: 10_000_000 + n },
      { financialYear, kind: 'revenue' as const, amountPence: 5_000_000 + n },
    ]),
    matchFunding: Array.from({ length: 50 }, (_, n) => ({
      source: textOf(200, `Source${n + 1}`),
      kind: n % 2 === 0 ? ('cash' as const) : ('in_kind' as const),
      amountPence: 2_000_000 + n,
    })),
    partners: Array.from({ length: 50 }, (_, n) => ({
      name: textOf(200, `Partner${n + 1}`),
      role: textOf(1000, `Role${n + 1}`),
    })),
    consultation: textOf(8000, 'Consultation'),
    milestones: Array.from({ length: 50 }, (_, n) => ({
      title: textOf(200, `Milestone${n + 1}`),
      dueOn: round.deliveryStartsOn,
    })),
    risks: Array.from({ length: 50 }, (_, n) => ({
      description: textOf(1000, `Risk${n + 1}`),
      mitigation: textOf(1000, `Mitigation${n + 1}`),
    })),
    evaluationApproach: textOf(8000, 'Evaluation'),
  };
}
