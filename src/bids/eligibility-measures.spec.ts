import {
  bidLimitScopeOf,
  missingSections,
  requestedPence,
  requiredMatchPence,
} from './eligibility.rules';
import { capital, revenue, validBid } from './eligibility.spec-fixture';
import { historicRound } from './historic-rounds.spec-fixture';

// What eligibilityFailures measures a bid by (eligibility.rules.ts): whose bids count against the
// bid limit, the match funding a bid needs, what it asks for and which sections it leaves empty.

const round = historicRound;

describe('bidLimitScopeOf', () => {
  const council = {
    organisationId: 'org-1',
    organisationName: 'Newcastle City Council',
    forceAreaCode: 'E23000007',
  };

  it('counts a lead in a PCC area among the area’s bids, naming the area', () => {
    expect(bidLimitScopeOf(council, { bidLimitScope: 'pcc_area' }, 'Northumbria')).toEqual({
      scope: 'the Northumbria PCC area',
      scopeKey: 'area:E23000007',
      counted: { forceAreaCode: 'E23000007' },
    });
    // An area whose name is not known is named by its code.
    expect(bidLimitScopeOf(council, { bidLimitScope: 'pcc_area' }, null).scope).toBe(
      'the E23000007 PCC area',
    );
  });

  it('counts a lead in no PCC area, or any lead under a limit per applicant, on its own', () => {
    const btp = { ...council, organisationName: 'British Transport Police', forceAreaCode: null };
    const own = (bid: typeof council | typeof btp, scope: 'pcc_area' | 'applicant') =>
      bidLimitScopeOf(bid, { bidLimitScope: scope }, 'Northumbria');
    expect(own(btp, 'pcc_area')).toEqual({
      scope: 'British Transport Police',
      countedBy: 'applicant',
      scopeKey: 'organisation:org-1',
      counted: { organisationId: 'org-1' },
    });
    expect(own(council, 'applicant')).toEqual({
      scope: 'Newcastle City Council',
      countedBy: 'applicant',
      scopeKey: 'organisation:org-1',
      counted: { organisationId: 'org-1' },
    });
  });
});

describe('requiredMatchPence', () => {
  it('rounds 20% of 4321 pence up to 865 pence', () => {
    expect(requiredMatchPence(round(2), 'local_authority', 4_321)).toEqual({
      percent: 20,
      pence: 865,
    });
  });

  it('keeps an exact share as it is and rounds a half penny up', () => {
    expect(requiredMatchPence(round(2), 'pcc', 43_200_000).pence).toBe(8_640_000);
    expect(requiredMatchPence(round(4), 'pcc', 75_000_000).pence).toBe(37_500_000);
    expect(requiredMatchPence(round(4), 'btp', 75_000_001).pence).toBe(37_500_001);
  });

  it('stays exact where floating point would not (7% of £1 is 7 pence, not 8)', () => {
    expect(requiredMatchPence({ matchFundingPercent: { cso: 7 } }, 'cso', 100).pence).toBe(7);
  });

  it.each([
    [1, 'pcc'],
    [3, 'local_authority'],
    [4, 'cso'],
  ] as const)('asks nothing of a round %i %s, for which no percentage is set', (number, type) => {
    expect(requiredMatchPence(round(number), type, 10_000_000)).toEqual({ percent: 0, pence: 0 });
  });
});

describe('requestedPence', () => {
  it('adds up every cost line, capital and revenue, and is nothing for no lines', () => {
    expect(requestedPence([capital('2022/23', 123_456), revenue('2023/24', 1)])).toBe(123_457);
    expect(requestedPence([])).toBe(0);
  });
});

describe('missingSections', () => {
  it('finds nothing missing in a complete bid', () => {
    expect(missingSections(validBid(round(4)))).toEqual([]);
  });

  it('names blank text, empty lists and a missing crime type, in form order', () => {
    const blanks = { title: '   ', targetLsoas: [], primaryCrimeType: null, risks: [] };
    expect(missingSections(validBid(round(4), { ...blanks, evaluationApproach: '' }))).toEqual([
      'title',
      'target area (LSOA codes)',
      'primary crime type',
      'risks and mitigation',
      'evaluation approach',
    ]);
  });
});
