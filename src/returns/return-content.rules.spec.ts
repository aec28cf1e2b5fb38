import {
  completeContent,
  draftErrors,
  type ForecastLine,
  quarterVariance,
  type ReturnContent,
  type ReturnContext,
  submitErrors,
} from './return-content.rules';
import { type YearKindAmount } from './return.rules';
import { returnSchedule } from './return-schedule.rules';

// A one-year award: 2025/26 capital £300,000.00 and revenue £100,000.00, £400,000.00 in all,
// so each of the year's four quarters is profiled at £100,000.00.
const YEAR = '2025/26';
const line = (kind: 'capital' | 'revenue', amountPence: number, financialYear = YEAR) => ({
  financialYear,
  kind,
  amountPence,
});
const ahead = (quarter: number, kind: 'capital' | 'revenue', financialYear = YEAR) => ({
  ...line(kind, 1_000_000, financialYear),
  quarter,
});
const LIGHTING = '6f1c2a9e-0b7d-4c1e-9a52-3d8f0e2b7c41';
const PARKS = '0a4e8d17-5b3c-4f62-8e91-7c2d6b0f5a33';
const SURVEY = 'c3b5e7a9-1d2f-4a6b-8c0e-9f8d7c6b5a41';
const UNKNOWN = 'ffffffff-ffff-4fff-8fff-ffffffffffff';

const CONTEXT: ReturnContext = {
  period: { financialYear: YEAR, quarter: 1 },
  schedule: returnSchedule('2025-04-01', '2026-03-31', 30),
  award: [line('capital', 30_000_000), line('revenue', 10_000_000)],
  profile: null,
  claimedBefore: [],
  interventions: [
    { id: LIGHTING, outputMeasure: 'streetlights installed', outputTarget: 120 },
    { id: PARKS, outputMeasure: null, outputTarget: 3 },
    { id: SURVEY, outputMeasure: 'surveys', outputTarget: null },
  ],
  varianceThresholdPercent: 10,
};
const CAPITAL_ONLY: ReturnContext = { ...CONTEXT, award: [line('capital', 30_000_000)] };

// Spend exactly on profile (£75,000 + £25,000), every target reported, a narrative.
const VALID: ReturnContent = completeContent({
  spend: [line('capital', 7_500_000), line('revenue', 2_500_000)],
  forecast: [ahead(2, 'capital'), ahead(3, 'revenue'), ahead(4, 'capital')],
  matchFundingSpentPence: 1_250_000,
  outputs: [
    { interventionId: LIGHTING, achieved: 30 },
    { interventionId: PARKS, achieved: 0 },
  ],
  narrative: 'Lighting contract let; first columns installed.',
});
const withSpend = (...spend: YearKindAmount[]) => ({ ...VALID, spend });
const withForecast = (...forecast: ForecastLine[]) => ({ ...VALID, forecast });
const NOT_LATER = 'is not a later quarter of this award; forecast only the quarters still to come';

describe('draftErrors and submitErrors of a valid return', () => {
  it('finds nothing wrong with an on-profile Q1 return of a one-year award', () => {
    expect(draftErrors(VALID, CONTEXT)).toEqual([]);
    expect(submitErrors(VALID, CONTEXT)).toEqual([]);
  });
});

describe('draftErrors: spend', () => {
  it('refuses money of another financial year', () => {
    expect(draftErrors(withSpend(line('capital', 100, '2026/27')), CONTEXT)).toEqual([
      {
        field: 'spend.0.financialYear',
        message:
          'Q1 2025/26 can only claim 2025/26 money; 2026/27 spend belongs in a return of that year',
      },
    ]);
  });

  it('refuses a kind the award lacks in the year', () => {
    const content = { ...withSpend(line('revenue', 100)), forecast: [] };
    expect(draftErrors(content, CAPITAL_ONLY)).toEqual([
      { field: 'spend.0', message: 'the award has no revenue money in 2025/26' },
    ]);
  });

  it('refuses a year and kind given twice', () => {
    const content = withSpend(line('capital', 100), line('capital', 200));
    expect(draftErrors(content, CONTEXT)).toEqual([
      {
        field: 'spend.1',
        message: '2025/26 capital appears twice; give one amount per year and kind',
      },
    ]);
  });

  it('refuses spend taking the year’s claims past its award, counting earlier returns', () => {
    const context = { ...CONTEXT, claimedBefore: [line('capital', 25_000_000)] };
    expect(draftErrors(withSpend(line('capital', 5_000_000)), context)).toEqual([]);
    expect(draftErrors(withSpend(line('capital', 5_000_001)), context)).toEqual([
      {
        field: 'spend.0.amountPence',
        message:
          '£50,000.01 would take 2025/26 capital claims to £300,000.01, above its award of £300,000.00 (£50,000.00 left to claim)',
      },
    ]);
  });
});

describe('draftErrors: forecast', () => {
  it('accepts a later quarter of the award', () => {
    expect(draftErrors(withForecast(ahead(4, 'revenue')), CONTEXT)).toEqual([]);
  });

  it('refuses the return’s own quarter and a quarter outside the schedule', () => {
    const content = withForecast(ahead(1, 'capital'), ahead(1, 'capital', '2026/27'));
    expect(draftErrors(content, CONTEXT)).toEqual([
      { field: 'forecast.0', message: `Q1 2025/26 ${NOT_LATER}` },
      { field: 'forecast.1', message: `Q1 2026/27 ${NOT_LATER}` },
    ]);
  });

  it('refuses an earlier quarter', () => {
    const q2 = { ...CONTEXT, period: { financialYear: YEAR, quarter: 2 as const } };
    const content = withForecast(ahead(1, 'capital'), ahead(3, 'capital'));
    expect(draftErrors(content, q2)).toEqual([
      { field: 'forecast.0', message: `Q1 2025/26 ${NOT_LATER}` },
    ]);
  });

  it('refuses a kind the award lacks in that year', () => {
    const content = { ...withForecast(ahead(2, 'revenue')), spend: [line('capital', 1)] };
    expect(draftErrors(content, CAPITAL_ONLY)).toEqual([
      { field: 'forecast.0.kind', message: 'the award has no revenue money in 2025/26' },
    ]);
  });

  it('refuses a quarter and kind given twice', () => {
    const content = withForecast(ahead(2, 'capital'), ahead(2, 'revenue'), ahead(2, 'capital'));
    expect(draftErrors(content, CONTEXT)).toEqual([
      { field: 'forecast.2', message: 'Q2 2025/26 capital appears twice; give one amount each' },
    ]);
  });
});

describe('draftErrors: outputs', () => {
  it('refuses an intervention not in the bid, and one reported twice', () => {
    const content: ReturnContent = {
      ...VALID,
      outputs: [
        { interventionId: UNKNOWN, achieved: 1 },
        { interventionId: LIGHTING, achieved: 30 },
        { interventionId: PARKS, achieved: 0 },
        { interventionId: LIGHTING, achieved: 5 },
      ],
    };
    expect(draftErrors(content, CONTEXT)).toEqual([
      {
        field: 'outputs.0.interventionId',
        message: `${UNKNOWN} is not an intervention of the funded bid; report outputs only for its interventions`,
      },
      {
        field: 'outputs.3.interventionId',
        message: 'this intervention is reported twice; give one figure for the quarter',
      },
    ]);
  });
});

describe('submitErrors', () => {
  it('asks for a narrative, blank or only spaces', () => {
    const error = { field: 'narrative', message: 'describe the quarter’s progress in narrative' };
    expect(submitErrors({ ...VALID, narrative: '' }, CONTEXT)).toEqual([error]);
    expect(submitErrors({ ...VALID, narrative: '  \n ' }, CONTEXT)).toEqual([error]);
  });

  it('asks for an output of each intervention with a target, and none without', () => {
    const content = { ...VALID, outputs: [] };
    expect(submitErrors(content, CONTEXT)).toEqual([
      {
        field: 'outputs',
        message: `report the quarter’s streetlights installed for intervention ${LIGHTING} (0 if none)`,
      },
      {
        field: 'outputs',
        message: `report the quarter’s outputs for intervention ${PARKS} (0 if none)`,
      },
    ]);
    expect(
      submitErrors(content, { ...CONTEXT, interventions: [CONTEXT.interventions[2]] }),
    ).toEqual([]);
  });

  it('includes the draft errors', () => {
    expect(
      submitErrors(withSpend(line('capital', 100, '2026/27')), CONTEXT).map((e) => e.field),
    ).toContain('spend.0.financialYear');
  });
});

describe('quarterVariance and its explanation', () => {
  const explain = (pence: number) =>
    submitErrors(withSpend(line('capital', pence)), CONTEXT).filter(
      (error) => error.field === 'varianceExplanation',
    );

  it('profiles Q1 at a quarter of the year’s award of both kinds', () => {
    expect(quarterVariance(VALID, CONTEXT)).toEqual({
      profilePence: 10_000_000,
      actualPence: 10_000_000,
      percent: 0,
      needsExplanation: false,
    });
  });

  it('needs an explanation for £111,000.00 against £100,000.00 (+11%) with a 10% threshold', () => {
    expect(quarterVariance(withSpend(line('capital', 11_100_000)), CONTEXT)).toEqual({
      profilePence: 10_000_000,
      actualPence: 11_100_000,
      percent: 11,
      needsExplanation: true,
    });
    expect(explain(11_100_000)).toEqual([
      {
        field: 'varianceExplanation',
        message:
          'spend of £111,000.00 differs from its profile of £100,000.00 (+11%), beyond the round’s 10% threshold; explain why in varianceExplanation',
      },
    ]);
  });

  it('needs none at exactly 10%', () => {
    expect(quarterVariance(withSpend(line('capital', 11_000_000)), CONTEXT)).toMatchObject({
      percent: 10,
      needsExplanation: false,
    });
    expect(explain(11_000_000)).toEqual([]);
  });

  it('needs one for £89,000.00 (-11%)', () => {
    const [error] = explain(8_900_000);
    expect(error.message).toContain('spend of £89,000.00');
    expect(error.message).toContain('(-11%)');
    expect(error.message).toContain('10% threshold');
  });

  it('is satisfied by an explanation', () => {
    const content = { ...withSpend(line('capital', 11_100_000)), varianceExplanation: 'Early.' };
    expect(submitErrors(content, CONTEXT)).toEqual([]);
  });

  it('needs one for any spend in a quarter with no profile', () => {
    // £0.03 a year: a share of 0p in each of Q1–Q3, the 3p in Q4.
    const tiny = { ...CONTEXT, award: [line('capital', 3)] };
    expect(quarterVariance(withSpend(line('capital', 1)), tiny)).toEqual({
      profilePence: 0,
      actualPence: 1,
      percent: null,
      needsExplanation: true,
    });
    expect(submitErrors({ ...withSpend(line('capital', 1)), forecast: [] }, tiny)).toEqual([
      {
        field: 'varianceExplanation',
        message:
          'spend of £0.01 differs from a quarter with no profiled spend, beyond the round’s 10% threshold; explain why in varianceExplanation',
      },
    ]);
    expect(submitErrors({ ...withSpend(), forecast: [] }, tiny)).toEqual([]);
  });
});

describe('completeContent', () => {
  it('fills what a draft has not yet written with nothing', () => {
    expect(completeContent({})).toEqual({
      spend: [],
      forecast: [],
      matchFundingSpentPence: 0,
      outputs: [],
      milestones: [],
      risks: [],
      narrative: '',
      varianceExplanation: null,
    });
  });

  it('keeps what is written, and reads an empty explanation as none', () => {
    expect(completeContent({ narrative: 'So far.', varianceExplanation: '' })).toMatchObject({
      narrative: 'So far.',
      varianceExplanation: null,
    });
    expect(completeContent({ ...VALID, varianceExplanation: 'Late invoice.' })).toEqual({
      ...VALID,
      varianceExplanation: 'Late invoice.',
    });
  });
});
