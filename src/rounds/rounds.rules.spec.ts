import { roundCommandRefusal, RoundSettings, roundSettingsErrors } from './rounds.rules';

// Round 4 of the Safer Streets Fund, as DOMAIN.md describes it.
function round4(overrides: Partial<RoundSettings> = {}): RoundSettings {
  return {
    awardType: 'competitive',
    directAwardJustification: null,
    budgetPence: 7_500_000_000,
    opensAt: new Date('2022-03-18T09:00:00Z'),
    closesAt: new Date('2022-05-27T22:59:00Z'),
    deliveryStartsOn: '2022-07-01',
    deliveryEndsOn: '2023-09-30',
    eligibleApplicantTypes: ['pcc', 'local_authority', 'btp', 'cso'],
    capPerBidPence: 75_000_000,
    yearCaps: [
      { financialYear: '2022/23', capPence: 50_000_000 },
      { financialYear: '2023/24', capPence: 25_000_000 },
    ],
    matchFundingPercent: { pcc: 50, local_authority: 50, btp: 50 },
    bidLimitScope: 'pcc_area',
    bidLimit: 3,
    crimeFocus: ['burglary', 'robbery', 'theft from the person', 'vehicle crime'],
    interventionTaxonomy: [{ category: 'Situational', types: ['CCTV', 'Street lighting'] }],
    criteria: [
      { title: 'Strategic case', weight: 40, maxMark: 5 },
      { title: 'Delivery', weight: 35, maxMark: 5 },
      { title: 'Value for money', weight: 25, maxMark: 5 },
    ],
    ...overrides,
  };
}

const fields = (settings: RoundSettings) =>
  roundSettingsErrors(settings).map((error) => error.field);

describe('roundSettingsErrors', () => {
  it('accepts round 4 as published', () => {
    expect(roundSettingsErrors(round4())).toEqual([]);
  });

  it('lets delivery start on the UK day bidding opens, read on the UK calendar', () => {
    // 00:30 BST on 1 April 2022 is 23:30 UTC on 31 March.
    const opensAt = new Date('2022-03-31T23:30:00Z');
    expect(fields(round4({ opensAt, deliveryStartsOn: '2022-04-01' }))).toEqual([]);
    expect(fields(round4({ opensAt, deliveryStartsOn: '2022-03-31' }))).toEqual([
      'deliveryStartsOn',
    ]);
  });

  it('refuses a window that closes before it opens', () => {
    expect(fields(round4({ closesAt: new Date('2022-03-01T00:00:00Z') }))).toEqual(['closesAt']);
  });

  it('refuses criterion weights that do not sum to 100', () => {
    const errors = roundSettingsErrors(
      round4({ criteria: [{ title: 'Only', weight: 90, maxMark: 5 }] }),
    );
    expect(errors).toEqual([
      { field: 'criteria', message: 'criterion weights must sum to 100 (they sum to 90)' },
    ]);
  });

  it('refuses a year cap above the cap per bid, or outside the delivery period', () => {
    const errors = fields(
      round4({
        yearCaps: [
          { financialYear: '2022/23', capPence: 80_000_000 },
          { financialYear: '2025/26', capPence: 1 },
        ],
      }),
    );
    expect(errors).toEqual(['yearCaps.0.capPence', 'yearCaps.1.financialYear']);
  });

  it('refuses a direct award without a justification', () => {
    expect(fields(round4({ awardType: 'direct', directAwardJustification: '  ' }))).toEqual([
      'directAwardJustification',
    ]);
    expect(
      fields(
        round4({ awardType: 'direct', directAwardJustification: 'Allocation per force area' }),
      ),
    ).toEqual([]);
  });

  it('refuses match funding for a type the round does not admit', () => {
    expect(
      fields(round4({ eligibleApplicantTypes: ['pcc'], matchFundingPercent: { cso: 10 } })),
    ).toEqual(['matchFundingPercent.cso']);
  });

  it('refuses a cap per bid above the budget and duplicate criteria', () => {
    const errors = fields(
      round4({
        capPerBidPence: 8_000_000_000,
        yearCaps: [],
        criteria: [
          { title: 'Delivery', weight: 50, maxMark: 5 },
          { title: 'delivery', weight: 50, maxMark: 5 },
        ],
      }),
    );
    expect(errors).toEqual(['capPerBidPence', 'criteria.1.title']);
  });

  it('refuses a crime type listed twice, whatever its case', () => {
    expect(fields(round4({ crimeFocus: ['burglary', 'Robbery', 'robbery'] }))).toEqual([
      'crimeFocus.2',
    ]);
  });
});

describe('roundCommandRefusal', () => {
  const closesAt = new Date('2030-01-01T00:00:00Z');

  it('lets a draft round with a future window be published', () => {
    expect(
      roundCommandRefusal(
        'publish',
        { status: 'draft', closesAt },
        new Date('2029-01-01T00:00:00Z'),
      ),
    ).toBeNull();
  });

  it('refuses a command from the wrong state', () => {
    expect(roundCommandRefusal('close-out', { status: 'open', closesAt }, new Date())).toMatch(
      /needs a round in status delivery/,
    );
  });

  it('keeps an open round open until its advertised close', () => {
    expect(
      roundCommandRefusal('close', { status: 'open', closesAt }, new Date('2029-12-31T23:59:59Z')),
    ).toBe('bidding is open until 1 January 2030 00:00:00 GMT; the round can be closed after that');
    expect(roundCommandRefusal('close', { status: 'open', closesAt }, closesAt)).toBeNull();
  });

  it('refuses to publish a round whose window has passed', () => {
    expect(
      roundCommandRefusal(
        'publish',
        { status: 'draft', closesAt },
        new Date('2030-02-01T00:00:00Z'),
      ),
    ).toMatch(/already closed/);
  });
});
