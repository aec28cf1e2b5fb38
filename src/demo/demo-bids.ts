import type { CreateBidDto } from '../bids/bid.dto';
import { financialYearOf } from '../rounds/financial-year';
import type { CreateRoundDto } from '../rounds/round.dto';
import { DEMO_ROUNDS } from './demo-rounds';

const DAY = 86_400_000;
export const DEMO_OPEN_ROUND_CODE = 'SSF-DEMO';

// A round open for bids whenever the demo is loaded, so bidders have something to bid for:
// round 4's rules (minus its year caps) on dates around the day of loading.
export function openDemoRound(now: Date): CreateRoundDto {
  const round4 = DEMO_ROUNDS.find((round) => round.code === 'SSF4') as CreateRoundDto;
  const deliveryStart = new Date(now.getTime() + 60 * DAY).toISOString().slice(0, 10);
  const deliveryEndYear = Number(financialYearOf(deliveryStart).slice(0, 4)) + 2;
  return {
    ...round4,
    code: DEMO_OPEN_ROUND_CODE,
    name: 'Safer Streets demo round (open for bids)',
    budgetPence: 2_000_000_000,
    opensAt: new Date(now.getTime() - 7 * DAY).toISOString(),
    closesAt: new Date(now.getTime() + 28 * DAY).toISOString(),
    deliveryStartsOn: deliveryStart,
    deliveryEndsOn: `${deliveryEndYear}-03-31`,
    capPerBidPence: 50_000_000,
    yearCaps: [],
    matchFundingPercent: { pcc: 20, local_authority: 20, btp: 20 },
  };
}

export const DEMO_ASSESSMENT_ROUND_CODE = 'SSF-DEMO-A';

// A round whose bidding closed a week before the demo was loaded and which is now in
// assessment, so assessors and moderators have work to try: one assessor per bid, as the demo
// has one assessor.
export function assessmentDemoRound(now: Date): CreateRoundDto {
  return {
    ...openDemoRound(now),
    code: DEMO_ASSESSMENT_ROUND_CODE,
    name: 'Safer Streets demo round (in assessment)',
    opensAt: new Date(now.getTime() - 42 * DAY).toISOString(),
    closesAt: new Date(now.getTime() - 7 * DAY).toISOString(),
    assessmentsPerBid: 1,
  };
}

export const DEMO_DECIDED_ROUND_CODE = 'SSF-DEMO-D';

// A round whose outcomes were published on the day the demo was loaded: the PCC's bid has an
// offer waiting to be accepted, the council's was unsuccessful. Awards up to £500,000 need one
// approver, as the demo has one.
export function decidedDemoRound(now: Date): CreateRoundDto {
  return {
    ...openDemoRound(now),
    code: DEMO_DECIDED_ROUND_CODE,
    name: 'Safer Streets demo round (outcomes published)',
    opensAt: new Date(now.getTime() - 70 * DAY).toISOString(),
    closesAt: new Date(now.getTime() - 35 * DAY).toISOString(),
    assessmentsPerBid: 1,
    approvalThresholdPence: 50_000_000,
  };
}

export interface DemoBid {
  organisation: string;
  bidderEmail: string;
  submit: boolean;
  content: Omit<CreateBidDto, 'roundId'>;
}

// Three bids of the Northumbria area: the PCC's own (submitted), a council's (submitted, waiting
// for the PCC's endorsement) and a charity's draft.
export function demoBids(round: { deliveryStartsOn: string }): DemoBid[] {
  const year = financialYearOf(round.deliveryStartsOn);
  const common = {
    problemProfile:
      'Residential burglary and vehicle crime in these LSOAs ran at 2.8 times the force average over the last three years (police recorded crime).',
    primaryCrimeType: 'neighbourhood crime',
    secondaryCrimeTypes: ['anti-social behaviour'],
    theoryOfChange:
      'Making homes and lanes harder to enter and better overlooked removes the easiest opportunities.',
    partners: [
      { name: 'Northumbria Police', role: 'Designing Out Crime Officer surveys' },
      { name: 'Your Homes Newcastle', role: 'Access to social housing stock' },
    ],
    consultation: 'Door-to-door survey of 600 households and two public meetings.',
    milestones: [{ title: 'Works complete', dueOn: round.deliveryStartsOn }],
    risks: [
      {
        description: 'Contractor lead times',
        mitigation: 'Use the council framework contractor',
      },
    ],
    evaluationApproach: 'Recorded crime and a repeat household survey, 12 months before and after.',
  };
  return [
    {
      organisation: 'Police and Crime Commissioner for Northumbria',
      bidderEmail: 'applicant@demo.test',
      submit: true,
      content: {
        ...common,
        title: 'Safer homes in Byker and Walker',
        summary: 'Target hardening of 450 homes and alley gates in the back lanes.',
        targetLsoas: ['E01008324', 'E01008325', 'E01008331'],
        interventions: [
          {
            category: 'Situational and target hardening',
            type: 'Home security',
            description: 'Doors, locks and window locks for 450 homes',
            evidence: 'Target hardening reduces repeat burglary (College of Policing toolkit)',
            costPence: 24_385_228,
            outputMeasure: 'homes target-hardened',
            outputTarget: 450,
          },
          {
            category: 'Situational and target hardening',
            type: 'Alley gating',
            description: 'Gates on 30 back lanes',
            evidence: 'Alley gating reduces burglary in terraced streets',
            costPence: 9_000_000,
            outputMeasure: 'alleys gated',
            outputTarget: 30,
          },
        ],
        costLines: [
          { financialYear: year, kind: 'capital', amountPence: 28_385_228 },
          { financialYear: year, kind: 'revenue', amountPence: 5_000_000 },
        ],
        matchFunding: [
          { source: 'PCC community safety budget', kind: 'cash', amountPence: 5_000_000 },
          { source: 'Police officer time', kind: 'in_kind', amountPence: 1_700_000 },
        ],
      },
    },
    {
      organisation: 'Newcastle upon Tyne City Council',
      bidderEmail: 'council@demo.test',
      submit: true,
      content: {
        ...common,
        title: 'Lighting the Ouseburn',
        summary: 'LED street lighting and CCTV along the Ouseburn paths.',
        targetLsoas: ['E01008380', 'E01008381'],
        interventions: [
          {
            category: 'Situational and target hardening',
            type: 'Street lighting',
            description: 'Forty LED columns',
            evidence: 'Improved lighting reduces crime (Welsh and Farrington)',
            costPence: 18_000_000,
            outputMeasure: 'lighting columns installed',
            outputTarget: 40,
          },
        ],
        costLines: [{ financialYear: year, kind: 'capital', amountPence: 18_000_000 }],
        matchFunding: [{ source: 'Council highways budget', kind: 'cash', amountPence: 3_600_000 }],
      },
    },
    {
      organisation: 'Safe Nights Tyneside (demo charity)',
      bidderEmail: 'charity@demo.test',
      submit: false,
      content: {
        title: 'Safe Nights on the Quayside',
        summary: 'Street pastors and a safe haven on Friday and Saturday nights.',
        primaryCrimeType: 'violence against women and girls',
        interventions: [
          {
            category: 'Guardianship and presence',
            type: 'Safe havens in night-time venues',
            description: 'A staffed safe haven from 22:00 to 04:00',
            costPence: 6_000_000,
          },
        ],
        costLines: [{ financialYear: year, kind: 'revenue', amountPence: 6_000_000 }],
      },
    },
  ];
}

export const DEMO_DELIVERY_ROUND_CODE = 'SSF-DEMO-R';

// A round delivered through the financial year 2025/26, so that every quarterly return is open:
// bidding ran in February and March 2025; the demo loads its outcome and the award's returns
// (see DemoSeedService.seedDeliveryRound).
export function deliveryDemoRound(now: Date): CreateRoundDto {
  return {
    ...decidedDemoRound(now),
    code: DEMO_DELIVERY_ROUND_CODE,
    name: 'Safer Streets demo round (in delivery, 2025/26)',
    opensAt: '2025-02-03T09:00:00Z',
    closesAt: '2025-03-14T17:00:00Z',
    deliveryStartsOn: '2025-04-01',
    deliveryEndsOn: '2026-03-31',
  };
}
