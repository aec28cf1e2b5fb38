import type { RoundStatus } from '../rounds/funding-round.entity';
import type { CreateRoundDto } from '../rounds/round.dto';

// Rounds 1-4 of the Safer Streets Fund as DOMAIN.md describes them. Where the record gives only a
// month (round 2 opening, round 4 delivery start) the day is assumed; criteria and their weights
// are assumed too (the real scoring frameworks were not published).
const criteria: CreateRoundDto['criteria'] = [
  {
    title: 'Problem profile and crime analysis',
    weight: 30,
    maxMark: 5,
    guidance: 'Evidence that the area is persistently and disproportionately affected.',
  },
  {
    title: 'Interventions and evidence',
    weight: 25,
    maxMark: 5,
    guidance: 'What will be done, and why it is expected to work.',
  },
  {
    title: 'Delivery, partners and risk',
    weight: 25,
    maxMark: 5,
    guidance: 'Plan, milestones, partners, consultation and risks.',
  },
  {
    title: 'Value for money and evaluation',
    weight: 20,
    maxMark: 5,
    guidance: 'Costs by year, match funding and how results will be measured.',
  },
];

const taxonomy: CreateRoundDto['interventionTaxonomy'] = [
  {
    category: 'Situational and target hardening',
    types: [
      'CCTV',
      'Street lighting',
      'Alley gating',
      'Home security',
      'Communal entrance improvements',
      'Secure bike storage',
      'Designing out crime in public spaces',
    ],
  },
  {
    category: 'Guardianship and presence',
    types: [
      'Wardens',
      'Neighbourhood Watch',
      'Late-night patrols',
      'Taxi marshals',
      'Safe havens in night-time venues',
    ],
  },
  {
    category: 'Education and behaviour change',
    types: [
      'Bystander training',
      'Crime prevention advice',
      'Campaigns',
      'Work in schools',
      'Drink-spiking test kits',
    ],
  },
  { category: 'Diversion', types: ['Youth activities', 'Sport and outreach'] },
];

const common = {
  awardType: 'competitive' as const,
  bidLimitScope: 'pcc_area' as const,
  bidLimit: 3,
  criteria,
  interventionTaxonomy: taxonomy,
  assessmentsPerBid: 2,
  divergenceThreshold: 20,
  qualityThreshold: 50,
  returnDueDays: 30,
};

export const DEMO_ROUNDS: (CreateRoundDto & { status: RoundStatus })[] = [
  {
    ...common,
    code: 'SSF1',
    name: 'Safer Streets Fund round 1 (2020/21)',
    status: 'closed_out',
    budgetPence: 2_500_000_000,
    opensAt: '2020-01-26T09:00:00Z',
    closesAt: '2020-03-20T23:59:00Z',
    deliveryStartsOn: '2020-07-01',
    deliveryEndsOn: '2021-06-30',
    eligibleApplicantTypes: ['pcc'],
    capPerBidPence: 55_000_000,
    crimeFocus: ['burglary', 'vehicle crime', 'theft', 'robbery'],
  },
  {
    ...common,
    code: 'SSF2',
    name: 'Safer Streets Fund round 2 (2021/22)',
    status: 'closed_out',
    budgetPence: 2_000_000_000,
    opensAt: '2021-01-11T09:00:00Z',
    closesAt: '2021-03-25T23:59:00Z',
    deliveryStartsOn: '2021-06-01',
    deliveryEndsOn: '2022-03-31',
    eligibleApplicantTypes: ['pcc', 'local_authority'],
    capPerBidPence: 43_200_000,
    matchFundingPercent: { pcc: 20, local_authority: 20 },
    crimeFocus: ['burglary', 'robbery', 'theft from the person', 'vehicle crime'],
  },
  {
    ...common,
    code: 'SSF3',
    name: 'Safer Streets Fund round 3: VAWG in public spaces (2021/22)',
    status: 'closed_out',
    budgetPence: 2_500_000_000,
    opensAt: '2021-06-03T08:00:00Z',
    closesAt: '2021-07-15T22:59:00Z',
    deliveryStartsOn: '2021-08-01',
    deliveryEndsOn: '2022-03-31',
    eligibleApplicantTypes: ['pcc', 'local_authority', 'btp', 'cso'],
    capPerBidPence: 55_000_000,
    crimeFocus: ['violence against women and girls in public spaces'],
  },
  {
    ...common,
    code: 'SSF4',
    name: 'Safer Streets Fund round 4 (2022/23 to 2023/24)',
    status: 'closed_out',
    budgetPence: 7_500_000_000,
    opensAt: '2022-03-18T09:00:00Z',
    closesAt: '2022-05-27T22:59:00Z',
    deliveryStartsOn: '2022-08-01',
    deliveryEndsOn: '2023-09-30',
    eligibleApplicantTypes: ['pcc', 'local_authority', 'btp', 'cso'],
    capPerBidPence: 75_000_000,
    yearCaps: [
      { financialYear: '2022/23', capPence: 50_000_000 },
      { financialYear: '2023/24', capPence: 25_000_000 },
    ],
    matchFundingPercent: { pcc: 50, local_authority: 50, btp: 50 },
    crimeFocus: [
      'neighbourhood crime',
      'violence against women and girls',
      'anti-social behaviour',
    ],
  },
];
