import type { OrganisationType } from '../organisations/organisation.entity';
import {
  BidLimitCount,
  EligibilityBid,
  EligibilityRound,
  eligibilityFailures,
  EndorsementPath,
} from './eligibility.rules';
import { capital, revenue, validBid } from './eligibility.spec-fixture';
import { historicRound, ROUNDS, type RoundNumber } from './historic-rounds.spec-fixture';

const round = historicRound;

const underLimit: BidLimitCount = { scope: 'the Avon and Somerset PCC area', otherBids: 2 };
const atLimit: BidLimitCount = { scope: 'the Avon and Somerset PCC area', otherBids: 3 };
const endorsedByPcc: EndorsementPath = { needed: true, areaHasPcc: true };
const noEndorsementNeeded: EndorsementPath = { needed: false, areaHasPcc: true };

// A lead other than a PCC needs endorsement; its area has a PCC to give it.
const endorsementFor = (type: OrganisationType) =>
  type === 'pcc' ? noEndorsementNeeded : endorsedByPcc;

const rulesOf = (failures: { rule: string }[]) => failures.map((failure) => failure.rule);

// The failures of a valid bid in the round with the changes, the area's PCC there to endorse it.
function failuresOf(
  number: RoundNumber,
  changes: Partial<EligibilityBid>,
  limit = underLimit,
  endorsement = endorsementFor(changes.applicantType ?? 'pcc'),
) {
  return eligibilityFailures(validBid(round(number), changes), round(number), limit, endorsement);
}

const LEADS = ROUNDS.flatMap((number) =>
  round(number).eligibleApplicantTypes.map((type) => [number, type] as const),
);

describe('eligibilityFailures', () => {
  it.each(LEADS)('accepts a complete bid within the caps in round %i led by %s', (number, type) => {
    expect(failuresOf(number, { applicantType: type })).toEqual([]);
  });

  describe('applicant-type', () => {
    it('refuses a local authority as lead in round 1, where only PCCs may bid', () => {
      expect(failuresOf(1, { applicantType: 'local_authority' })).toEqual([
        {
          rule: 'applicant-type',
          message:
            'a local authority may not lead a bid in this round; eligible leads are: Police and Crime Commissioner',
        },
      ]);
    });

    it('refuses a civil society organisation as lead in round 2, naming PCCs and councils', () => {
      expect(failuresOf(2, { applicantType: 'cso' })).toEqual([
        {
          rule: 'applicant-type',
          message:
            'a civil society organisation may not lead a bid in this round; eligible leads are: Police and Crime Commissioner, local authority',
        },
      ]);
    });
  });

  it('refuses a bid with no cost lines, as it asks for nothing', () => {
    expect(failuresOf(3, { costLines: [], interventions: [{ costPence: 0 }] })).toEqual([
      { rule: 'cost-lines', message: 'the bid has no cost lines, so it asks for nothing' },
    ]);
  });

  describe('cap-per-bid', () => {
    it('refuses £560,000 in round 1, over the £550,000 cap', () => {
      const costLines = [capital('2020/21', 30_000_000), revenue('2021/22', 26_000_000)];
      expect(failuresOf(1, { costLines })).toEqual([
        {
          rule: 'cap-per-bid',
          message: 'requested £560,000.00 exceeds the round cap of £550,000.00',
        },
      ]);
    });

    it('accepts a round 1 bid asking for exactly the £550,000 cap', () => {
      expect(failuresOf(1, { costLines: [capital('2020/21', 55_000_000)] })).toEqual([]);
    });

    it('refuses one penny over the £432,000 cap in round 2', () => {
      expect(failuresOf(2, { costLines: [capital('2021/22', 43_200_001)] })).toEqual([
        {
          rule: 'cap-per-bid',
          message: 'requested £432,000.01 exceeds the round cap of £432,000.00',
        },
      ]);
    });
  });

  describe('year-cap (round 4)', () => {
    it.each([
      ['2022/23', "requested £500,000.01 in 2022/23 exceeds that year's cap of £500,000.00"],
      ['2023/24', "requested £250,000.01 in 2023/24 exceeds that year's cap of £250,000.00"],
    ])('refuses a penny over the cap in %s, adding capital and revenue', (year, message) => {
      const cap = round(4).yearCaps.find((yearCap) => yearCap.financialYear === year)?.capPence;
      const costLines = [capital(year, (cap ?? 0) - 1_000_000), revenue(year, 1_000_001)];
      expect(failuresOf(4, { costLines })).toEqual([{ rule: 'year-cap', message }]);
    });

    it('accepts £500,000 in 2022/23 and £250,000 in 2023/24, the £750,000 cap', () => {
      const costLines = [capital('2022/23', 50_000_000), revenue('2023/24', 25_000_000)];
      expect(failuresOf(4, { costLines })).toEqual([]);
    });

    it('refuses moving money into 2023/24 even when the total is under the cap', () => {
      const costLines = [capital('2022/23', 40_000_000), capital('2023/24', 30_000_000)];
      expect(rulesOf(failuresOf(4, { costLines }))).toEqual(['year-cap']);
    });
  });

  describe('cost-line-year', () => {
    it('refuses a round 4 line in 2024/25, after delivery ends', () => {
      const costLines = [capital('2022/23', 10_000_000), revenue('2024/25', 1_000_000)];
      expect(failuresOf(4, { costLines })).toEqual([
        {
          rule: 'cost-line-year',
          message:
            "the revenue line of £10,000.00: 2024/25 is outside the delivery period's financial years (2022/23, 2023/24)",
        },
      ]);
    });

    it('accepts a round 1 line in 2021/22, as delivery runs to June 2021', () => {
      expect(failuresOf(1, { costLines: [revenue('2021/22', 5_000_000)] })).toEqual([]);
    });
  });

  describe('match-funding', () => {
    it('refuses a round 2 council bid offering less than 20% of the request', () => {
      const matchFunding = [{ amountPence: 1_500_000 }, { amountPence: 499_999 }];
      expect(failuresOf(2, { applicantType: 'local_authority', matchFunding })).toEqual([
        {
          rule: 'match-funding',
          message:
            'match funding of £19,999.99 is below the 20% this round requires of a local authority: at least £20,000.00 on £100,000.00 requested',
        },
      ]);
    });

    it('refuses a round 4 PCC bid offering half of the 50% it needs', () => {
      expect(failuresOf(4, { matchFunding: [{ amountPence: 2_500_000 }] })).toEqual([
        {
          rule: 'match-funding',
          message:
            'match funding of £25,000.00 is below the 50% this round requires of a Police and Crime Commissioner: at least £50,000.00 on £100,000.00 requested',
        },
      ]);
    });

    it.each([
      [2, 'local_authority', '2021/22', 865],
      [4, 'btp', '2022/23', 2_161],
    ] as const)(
      'in round %i accepts a %s bid of 4321 pence in %s offering %i pence, not a penny less',
      (number, applicantType, year, required) => {
        const bid = (offered: number) => ({
          applicantType,
          costLines: [capital(year, 4_321)],
          matchFunding: [{ amountPence: offered }],
        });
        expect(failuresOf(number, bid(required))).toEqual([]);
        expect(rulesOf(failuresOf(number, bid(required - 1)))).toEqual(['match-funding']);
      },
    );

    // Round 3 needs none of anyone; round 1 set none; round 4 sets none for charities.
    it.each([
      ...round(3).eligibleApplicantTypes.map((type) => [3, type] as const),
      [1, 'pcc'],
      [4, 'cso'],
    ] as const)('needs no match funding in round %i of a %s', (number, applicantType) => {
      expect(failuresOf(number, { applicantType, matchFunding: [] })).toEqual([]);
    });
  });

  describe('bid-limit', () => {
    it.each(ROUNDS)('refuses a fourth live bid in a PCC area in round %i (limit 3)', (number) => {
      expect(failuresOf(number, {}, atLimit)).toEqual([
        {
          rule: 'bid-limit',
          message:
            'the Avon and Somerset PCC area already has 3 live bids in this round; the limit is 3 per PCC area',
        },
      ]);
    });

    it('names a limit per applicant, and a single other bid, in the singular', () => {
      const settings: EligibilityRound = { ...round(3), bidLimitScope: 'applicant', bidLimit: 1 };
      const limit = { scope: 'Bristol Women’s Voice', otherBids: 1 };
      const [failure] = eligibilityFailures(validBid(settings), settings, limit, endorsedByPcc);
      expect(failure.message).toBe(
        'Bristol Women’s Voice already has 1 live bid in this round; the limit is 1 per applicant',
      );
    });

    it('says that British Transport Police, in no PCC area, counts on its own under a per-area limit', () => {
      const settings = round(4);
      const limit: BidLimitCount = {
        scope: 'British Transport Police Authority',
        otherBids: 3,
        countedBy: 'applicant',
      };
      const bid = validBid(settings, { applicantType: 'btp' });
      const [failure] = eligibilityFailures(bid, settings, limit, endorsedByPcc);
      expect(failure).toEqual({
        rule: 'bid-limit',
        message:
          'British Transport Police Authority already has 3 live bids in this round; the limit is 3 per PCC area, and a lead in no PCC area counts on its own',
      });
    });
  });

  it('refuses a bid with no interventions', () => {
    expect(failuresOf(2, { interventions: [] })).toEqual([
      { rule: 'interventions', message: 'the bid needs at least one intervention' },
    ]);
  });

  it('refuses interventions that cost less in all than the cost lines ask for', () => {
    const interventions = [{ costPence: 6_000_000 }, { costPence: 3_000_000 }];
    expect(failuresOf(3, { interventions })).toEqual([
      {
        rule: 'intervention-costs',
        message:
          'the interventions cost £90,000.00 in all but the cost lines ask for £100,000.00; they must agree',
      },
    ]);
  });

  it('refuses a bid with empty sections, naming each', () => {
    expect(failuresOf(1, { theoryOfChange: ' ', partners: [] })).toEqual([
      {
        rule: 'required-sections',
        message: 'these sections are still empty: theory of change, partners',
      },
    ]);
  });

  describe('pcc-endorsement', () => {
    it('refuses a council bid that needs endorsement where no PCC is registered', () => {
      const noPcc = { needed: true, areaHasPcc: false };
      expect(failuresOf(2, { applicantType: 'local_authority' }, underLimit, noPcc)).toEqual([
        {
          rule: 'pcc-endorsement',
          message:
            'the bid needs its PCC’s endorsement, but no PCC organisation is registered for its force area; ask the programme team',
        },
      ]);
    });

    it('accepts a bid needing no endorsement where no PCC is registered', () => {
      const noPcc = { needed: false, areaHasPcc: false };
      expect(failuresOf(3, { applicantType: 'btp' }, underLimit, noPcc)).toEqual([]);
    });
  });

  describe('several failures', () => {
    it('lists every money, limit, section and endorsement rule a round 4 bid breaks', () => {
      const failures = failuresOf(
        4,
        {
          applicantType: 'local_authority',
          costLines: [capital('2022/23', 60_000_000), revenue('2024/25', 20_000_000)],
          matchFunding: [],
          interventions: [{ costPence: 1 }],
          summary: '',
        },
        atLimit,
        { needed: true, areaHasPcc: false },
      );
      expect(rulesOf(failures)).toEqual([
        'cap-per-bid',
        'year-cap',
        'cost-line-year',
        'match-funding',
        'bid-limit',
        'intervention-costs',
        'required-sections',
        'pcc-endorsement',
      ]);
      expect(failures[0].message).toContain('£800,000.00 exceeds the round cap of £750,000.00');
      expect(failures[3].message).toContain('at least £400,000.00 on £800,000.00 requested');
    });

    it('lists a wrong lead, no cost lines and no interventions together in round 1', () => {
      const changes = { applicantType: 'cso' as const, costLines: [], interventions: [] };
      const expected = ['applicant-type', 'cost-lines', 'interventions'];
      expect(rulesOf(failuresOf(1, changes))).toEqual(expected);
    });
  });
});
