import {
  BidContentParts,
  bidContentErrors,
  costLineYearProblem,
  deliveryYears,
  RoundFrame,
} from './bid-content.rules';
import { historicRound, ROUNDS, type RoundNumber } from './historic-rounds.spec-fixture';

// The lists and dates of rounds 1-4.
const frame = (number: RoundNumber): RoundFrame => historicRound(number);

// Every part of a draft, each consistent with the round: its own crimes, interventions from its
// taxonomy, both kinds of cost in each delivery year, milestones on the first and last days.
function consistentContent(round: RoundFrame): BidContentParts {
  const [category] = round.interventionTaxonomy;
  return {
    targetLsoas: ['E01014540', 'W01001234'],
    primaryCrimeType: round.crimeFocus[0],
    secondaryCrimeTypes: round.crimeFocus.slice(1),
    interventions: category.types.map((type) => ({ category: category.category, type })),
    costLines: deliveryYears(round).flatMap((financialYear) => [
      { financialYear, kind: 'capital' as const },
      { financialYear, kind: 'revenue' as const },
    ]),
    milestones: [{ dueOn: round.deliveryStartsOn }, { dueOn: round.deliveryEndsOn }],
  };
}

const fieldsOf = (errors: { field: string }[]) => errors.map((error) => error.field);

describe('deliveryYears', () => {
  it.each([
    [1, ['2020/21', '2021/22']],
    [2, ['2021/22']],
    [3, ['2021/22']],
    [4, ['2022/23', '2023/24']],
  ] as const)('gives round %i the financial years %j', (number, years) => {
    expect(deliveryYears(frame(number))).toEqual(years);
  });
});

describe('costLineYearProblem', () => {
  it.each(['2022/23', '2023/24'])('accepts %s in round 4', (year) => {
    expect(costLineYearProblem(year, frame(4))).toBeNull();
  });

  it.each(['2021/22', '2024/25'])(
    'names the delivery years when refusing %s in round 4',
    (year) => {
      expect(costLineYearProblem(year, frame(4))).toBe(
        `${year} is outside the delivery period's financial years (2022/23, 2023/24)`,
      );
    },
  );

  it('refuses 2022/23 in round 3, whose delivery ends in March 2022', () => {
    expect(costLineYearProblem('2022/23', frame(3))).toBe(
      "2022/23 is outside the delivery period's financial years (2021/22)",
    );
  });
});

describe('bidContentErrors', () => {
  it.each(ROUNDS)('accepts a draft consistent with round %i', (number) => {
    expect(bidContentErrors(consistentContent(frame(number)), frame(number))).toEqual([]);
  });

  it('accepts an empty draft: a draft may be incomplete, never wrong', () => {
    expect(bidContentErrors({}, frame(4))).toEqual([]);
    expect(bidContentErrors({ primaryCrimeType: null, interventions: [] }, frame(4))).toEqual([]);
  });

  describe('crime types', () => {
    it('refuses a primary crime type outside round 2’s crime focus, listing the focus', () => {
      expect(bidContentErrors({ primaryCrimeType: 'shoplifting' }, frame(2))).toEqual([
        {
          field: 'primaryCrimeType',
          message:
            '"shoplifting" is not in the round\'s crime focus (burglary, robbery, theft from the person, vehicle crime)',
        },
      ]);
    });

    it('refuses each secondary crime type outside the focus, by its index', () => {
      const content = { secondaryCrimeTypes: ['robbery', 'fraud', 'burglary', 'arson'] };
      expect(fieldsOf(bidContentErrors(content, frame(1)))).toEqual([
        'secondaryCrimeTypes.1',
        'secondaryCrimeTypes.3',
      ]);
    });

    it('refuses burglary in round 3, which was about violence against women and girls', () => {
      expect(fieldsOf(bidContentErrors({ primaryCrimeType: 'burglary' }, frame(3)))).toEqual([
        'primaryCrimeType',
      ]);
    });

    it('matches the focus ignoring case and surrounding spaces', () => {
      const content = { primaryCrimeType: ' Vehicle Crime ', secondaryCrimeTypes: ['BURGLARY'] };
      expect(bidContentErrors(content, frame(2))).toEqual([]);
    });

    it('accepts any crime type when the round has no crime focus', () => {
      const round = { ...frame(2), crimeFocus: [] };
      const content = { primaryCrimeType: 'shoplifting', secondaryCrimeTypes: ['fraud'] };
      expect(bidContentErrors(content, round)).toEqual([]);
    });
  });

  describe('interventions', () => {
    it('refuses a category not in the taxonomy, at interventions.N.category', () => {
      const interventions = [
        { category: 'Diversion', type: 'Youth activities' },
        { category: 'Knife arches', type: 'Knife arches' },
      ];
      const errors = bidContentErrors({ interventions }, frame(4));
      expect(fieldsOf(errors)).toEqual(['interventions.1.category']);
      expect(errors[0].message).toMatch(
        /^"Knife arches" is not an intervention category of this round \(Situational and target hardening, .*Diversion\)$/,
      );
    });

    it('refuses a type from another category, at interventions.N.type', () => {
      const interventions = [{ category: 'Diversion', type: 'CCTV' }];
      const errors = bidContentErrors({ interventions }, frame(1));
      expect(errors).toEqual([
        {
          field: 'interventions.0.type',
          message: expect.stringMatching(
            /^"CCTV" is not an intervention type of "Diversion" \(Youth activities, /,
          ) as string,
        },
      ]);
    });

    it('matches category and type ignoring case and surrounding spaces', () => {
      const interventions = [{ category: ' diversion', type: 'YOUTH ACTIVITIES ' }];
      expect(bidContentErrors({ interventions }, frame(3))).toEqual([]);
    });

    it('accepts any intervention when the round has no taxonomy', () => {
      const round = { ...frame(3), interventionTaxonomy: [] };
      const interventions = [{ category: 'Knife arches', type: 'Walk-through detector' }];
      expect(bidContentErrors({ interventions }, round)).toEqual([]);
    });
  });

  describe('cost lines', () => {
    it('refuses a round 4 line in 2024/25, after delivery ends, at costLines.N.financialYear', () => {
      const costLines = [
        { financialYear: '2022/23', kind: 'capital' as const },
        { financialYear: '2024/25', kind: 'revenue' as const },
      ];
      expect(bidContentErrors({ costLines }, frame(4))).toEqual([
        {
          field: 'costLines.1.financialYear',
          message: "2024/25 is outside the delivery period's financial years (2022/23, 2023/24)",
        },
      ]);
    });

    it('refuses a second line for the same year and kind, at costLines.N', () => {
      const costLines = [
        { financialYear: '2022/23', kind: 'capital' as const },
        { financialYear: '2022/23', kind: 'revenue' as const },
        { financialYear: '2023/24', kind: 'capital' as const },
        { financialYear: '2022/23', kind: 'capital' as const },
      ];
      expect(bidContentErrors({ costLines }, frame(4))).toEqual([
        {
          field: 'costLines.3',
          message: '2022/23 capital appears twice; put the whole amount in one line',
        },
      ]);
    });
  });

  it('refuses a target area that lists an LSOA code twice', () => {
    const targetLsoas = ['E01014540', 'W01001234', 'E01014541', 'E01014540'];
    expect(bidContentErrors({ targetLsoas }, frame(1))).toEqual([
      { field: 'targetLsoas', message: 'lists an LSOA code more than once' },
    ]);
  });

  describe('milestones', () => {
    it.each([
      ['2022-07-31', 'the day before round 4 delivery starts'],
      ['2023-10-01', 'the day after round 4 delivery ends'],
    ])('refuses a milestone due on %s, %s', (dueOn) => {
      const milestones = [{ dueOn: '2023-01-15' }, { dueOn }];
      expect(bidContentErrors({ milestones }, frame(4))).toEqual([
        {
          field: 'milestones.1.dueOn',
          message: `${dueOn} is outside the delivery period (2022-08-01 to 2023-09-30)`,
        },
      ]);
    });

    it('accepts milestones on the first and last days of delivery', () => {
      const round = frame(2);
      const milestones = [{ dueOn: round.deliveryStartsOn }, { dueOn: round.deliveryEndsOn }];
      expect(bidContentErrors({ milestones }, round)).toEqual([]);
    });
  });

  it('lists every problem of a draft at once, each at its field', () => {
    const content: BidContentParts = {
      targetLsoas: ['E01000001', 'E01000001'],
      primaryCrimeType: 'fraud',
      secondaryCrimeTypes: ['anti-social behaviour', 'arson'],
      interventions: [
        { category: 'Diversion', type: 'Sport and outreach' },
        { category: 'Diversion', type: 'Street lighting' },
        { category: 'Enforcement', type: 'Stop and search' },
      ],
      costLines: [
        { financialYear: '2024/25', kind: 'capital' },
        { financialYear: '2024/25', kind: 'capital' },
      ],
      milestones: [{ dueOn: '2024-04-01' }],
    };
    expect(fieldsOf(bidContentErrors(content, frame(4)))).toEqual([
      'targetLsoas',
      'primaryCrimeType',
      'secondaryCrimeTypes.1',
      'interventions.1.type',
      'interventions.2.category',
      'costLines.0.financialYear',
      'costLines.1.financialYear',
      'costLines.1',
      'milestones.0.dueOn',
    ]);
  });
});
