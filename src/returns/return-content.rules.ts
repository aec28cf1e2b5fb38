import type { CostKind } from '../bids/bid-lines.entity';
import { formatPounds } from '../common/money';
import type { FieldError } from '../common/problem';
import type { MilestoneStatus, Rag } from './return.dto';
import {
  quarterProfilePence,
  type ReturnPeriod,
  spendErrors,
  variance,
  type Variance,
  type QuarterAmount,
  type YearKindAmount,
} from './return.rules';

export interface ForecastLine extends YearKindAmount {
  quarter: number;
}

// What a return reports for its quarter.
export interface ReturnContent {
  spend: YearKindAmount[];
  forecast: ForecastLine[];
  matchFundingSpentPence: number;
  outputs: { interventionId: string; achieved: number }[];
  milestones: {
    title: string;
    dueOn?: string | null;
    status: MilestoneStatus;
    rag: Rag;
    comment?: string;
  }[];
  risks: { description: string; rag: Rag; mitigation: string }[];
  narrative: string;
  varianceExplanation: string | null;
}

// A draft as saved so far, with what is not yet written filled in as nothing.
export function completeContent(draft: Partial<ReturnContent>): ReturnContent {
  return {
    spend: draft.spend ?? [],
    forecast: draft.forecast ?? [],
    matchFundingSpentPence: draft.matchFundingSpentPence ?? 0,
    outputs: draft.outputs ?? [],
    milestones: draft.milestones ?? [],
    risks: draft.risks ?? [],
    narrative: draft.narrative ?? '',
    varianceExplanation: draft.varianceExplanation || null,
  };
}

export interface ReturnContext {
  period: ReturnPeriod;
  // The award's returns in quarter order (cancelled ones left out).
  schedule: (ReturnPeriod & { periodStartsOn: string })[];
  award: YearKindAmount[];
  // The award's quarterly profile when a variation set one; null: `award` spread evenly.
  profile: QuarterAmount[] | null;
  // What the award's other returns claim (sent, or approved): the year's running total.
  claimedBefore: YearKindAmount[];
  interventions: { id: string; outputMeasure: string | null; outputTarget: number | null }[];
  varianceThresholdPercent: number;
}

const kindsOf = (award: YearKindAmount[], financialYear: string): Set<CostKind> =>
  new Set(award.filter((line) => line.financialYear === financialYear).map((line) => line.kind));

function forecastErrors(content: ReturnContent, context: ReturnContext): FieldError[] {
  const here = context.schedule.find(
    (row) =>
      row.financialYear === context.period.financialYear && row.quarter === context.period.quarter,
  );
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  content.forecast.forEach((line, index) => {
    const field = `forecast.${index}`;
    const target = context.schedule.find(
      (row) => row.financialYear === line.financialYear && row.quarter === line.quarter,
    );
    const lineKey = `Q${line.quarter} ${line.financialYear} ${line.kind}`;
    if (!target || !here || target.periodStartsOn <= here.periodStartsOn) {
      errors.push({
        field,
        message: `Q${line.quarter} ${line.financialYear} is not a later quarter of this award; forecast only the quarters still to come`,
      });
    } else if (!kindsOf(context.award, line.financialYear).has(line.kind)) {
      errors.push({
        field: `${field}.kind`,
        message: `the award has no ${line.kind} money in ${line.financialYear}`,
      });
    } else if (seen.has(lineKey)) {
      errors.push({ field, message: `${lineKey} appears twice; give one amount each` });
    }
    seen.add(lineKey);
  });
  return errors;
}

function outputErrors(content: ReturnContent, context: ReturnContext): FieldError[] {
  const known = new Set(context.interventions.map((intervention) => intervention.id));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  content.outputs.forEach((output, index) => {
    if (!known.has(output.interventionId)) {
      errors.push({
        field: `outputs.${index}.interventionId`,
        message: `${output.interventionId} is not an intervention of the funded bid; report outputs only for its interventions`,
      });
    } else if (seen.has(output.interventionId)) {
      errors.push({
        field: `outputs.${index}.interventionId`,
        message: 'this intervention is reported twice; give one figure for the quarter',
      });
    }
    seen.add(output.interventionId);
  });
  return errors;
}

// What a draft may not hold even while it is being written: spend of another year, of a kind
// the award lacks or past the year's award; forecasts for quarters not still to come; outputs
// of interventions the bid does not have.
export function draftErrors(content: ReturnContent, context: ReturnContext): FieldError[] {
  return [
    ...spendErrors(context.period, context.award, context.claimedBefore, content.spend),
    ...forecastErrors(content, context),
    ...outputErrors(content, context),
  ];
}

export function quarterVariance(content: ReturnContent, context: ReturnContext): Variance {
  const actual = content.spend.reduce((sum, line) => sum + line.amountPence, 0);
  const profile = quarterProfilePence(
    context.award,
    context.schedule,
    context.period,
    context.profile,
  );
  return variance(profile, actual, context.varianceThresholdPercent);
}

// Everything that stops a return being submitted, each naming its rule and numbers: the draft
// rules, a narrative, an output figure for each intervention with a target, and an explanation
// when spend is further from profile than the round allows.
export function submitErrors(content: ReturnContent, context: ReturnContext): FieldError[] {
  const errors = draftErrors(content, context);
  if (content.narrative.trim().length === 0) {
    errors.push({ field: 'narrative', message: 'describe the quarter’s progress in narrative' });
  }
  const reported = new Set(content.outputs.map((output) => output.interventionId));
  context.interventions
    .filter((intervention) => intervention.outputTarget !== null)
    .filter((intervention) => !reported.has(intervention.id))
    .forEach((intervention) =>
      errors.push({
        field: 'outputs',
        message: `report the quarter’s ${intervention.outputMeasure ?? 'outputs'} for intervention ${intervention.id} (0 if none)`,
      }),
    );
  const result = quarterVariance(content, context);
  if (result.needsExplanation && !content.varianceExplanation) {
    const against =
      result.percent === null
        ? 'a quarter with no profiled spend'
        : `its profile of ${formatPounds(result.profilePence)} (${result.percent > 0 ? '+' : ''}${result.percent}%)`;
    errors.push({
      field: 'varianceExplanation',
      message: `spend of ${formatPounds(result.actualPence)} differs from ${against}, beyond the round’s ${context.varianceThresholdPercent}% threshold; explain why in varianceExplanation`,
    });
  }
  return errors;
}
