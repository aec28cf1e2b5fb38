import { type Role, ROLES } from '../common/access';
import type { OrganisationType } from '../organisations/organisation.entity';

// ONS police force area codes (PFA, December 2022) for the 43 territorial forces.
export const POLICE_FORCE_AREAS: { code: string; name: string; country: 'England' | 'Wales' }[] = [
  ['E23000001', 'Metropolitan Police'],
  ['E23000002', 'Cumbria'],
  ['E23000003', 'Lancashire'],
  ['E23000004', 'Merseyside'],
  ['E23000005', 'Greater Manchester'],
  ['E23000006', 'Cheshire'],
  ['E23000007', 'Northumbria'],
  ['E23000008', 'Durham'],
  ['E23000009', 'North Yorkshire'],
  ['E23000010', 'West Yorkshire'],
  ['E23000011', 'South Yorkshire'],
  ['E23000012', 'Humberside'],
  ['E23000013', 'Cleveland'],
  ['E23000014', 'West Midlands'],
  ['E23000015', 'Staffordshire'],
  ['E23000016', 'West Mercia'],
  ['E23000017', 'Warwickshire'],
  ['E23000018', 'Derbyshire'],
  ['E23000019', 'Nottinghamshire'],
  ['E23000020', 'Lincolnshire'],
  ['E23000021', 'Leicestershire'],
  ['E23000022', 'Northamptonshire'],
  ['E23000023', 'Cambridgeshire'],
  ['E23000024', 'Norfolk'],
  ['E23000025', 'Suffolk'],
  ['E23000026', 'Bedfordshire'],
  ['E23000027', 'Hertfordshire'],
  ['E23000028', 'Essex'],
  ['E23000029', 'Thames Valley'],
  ['E23000030', 'Hampshire'],
  ['E23000031', 'Surrey'],
  ['E23000032', 'Kent'],
  ['E23000033', 'Sussex'],
  ['E23000034', 'City of London'],
  ['E23000035', 'Devon and Cornwall'],
  ['E23000036', 'Avon and Somerset'],
  ['E23000037', 'Gloucestershire'],
  ['E23000038', 'Wiltshire'],
  ['E23000039', 'Dorset'],
  ['W15000001', 'North Wales'],
  ['W15000002', 'Gwent'],
  ['W15000003', 'South Wales'],
  ['W15000004', 'Dyfed-Powys'],
].map(([code, name]) => ({ code, name, country: code.startsWith('W') ? 'Wales' : 'England' }));

export interface DemoOrganisation {
  name: string;
  type: OrganisationType;
  forceAreaCode: string | null;
  gssCode?: string;
  companyNumber?: string;
  charityNumber?: string;
}

const pcc = (area: string, code: string): DemoOrganisation => ({
  name: `Police and Crime Commissioner for ${area}`,
  type: 'pcc',
  forceAreaCode: code,
  gssCode: code,
});

// PCC offices and councils are real bodies with their real ONS codes; the charities are invented
// for the demo, with registration numbers that belong to no real charity.
export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  pcc('Northumbria', 'E23000007'),
  pcc('Cleveland', 'E23000013'),
  pcc('Merseyside', 'E23000004'),
  pcc('Avon and Somerset', 'E23000036'),
  pcc('Sussex', 'E23000033'),
  pcc('Essex', 'E23000028'),
  pcc('Thames Valley', 'E23000029'),
  pcc('South Wales', 'W15000003'),
  {
    name: "Mayor's Office for Policing and Crime",
    type: 'pcc',
    forceAreaCode: 'E23000001',
    gssCode: 'E23000001',
  },
  {
    name: 'Newcastle upon Tyne City Council',
    type: 'local_authority',
    forceAreaCode: 'E23000007',
    gssCode: 'E08000021',
  },
  {
    name: 'Middlesbrough Council',
    type: 'local_authority',
    forceAreaCode: 'E23000013',
    gssCode: 'E06000002',
  },
  {
    name: 'Liverpool City Council',
    type: 'local_authority',
    forceAreaCode: 'E23000004',
    gssCode: 'E08000012',
  },
  {
    name: 'Bristol City Council',
    type: 'local_authority',
    forceAreaCode: 'E23000036',
    gssCode: 'E06000023',
  },
  {
    name: 'Brighton and Hove City Council',
    type: 'local_authority',
    forceAreaCode: 'E23000033',
    gssCode: 'E06000043',
  },
  {
    name: 'Southend-on-Sea City Council',
    type: 'local_authority',
    forceAreaCode: 'E23000028',
    gssCode: 'E06000033',
  },
  {
    name: 'Reading Borough Council',
    type: 'local_authority',
    forceAreaCode: 'E23000029',
    gssCode: 'E06000038',
  },
  {
    name: 'Cardiff Council',
    type: 'local_authority',
    forceAreaCode: 'W15000003',
    gssCode: 'W06000015',
  },
  { name: 'British Transport Police Authority', type: 'btp', forceAreaCode: null },
  {
    name: 'Safe Nights Tyneside (demo charity)',
    type: 'cso',
    forceAreaCode: 'E23000007',
    charityNumber: '9900001',
    companyNumber: '99000001',
  },
  {
    name: 'Walk Home Safe Bristol (demo charity)',
    type: 'cso',
    forceAreaCode: 'E23000036',
    charityNumber: '9900002',
  },
  {
    name: 'Street Angels Brighton (demo charity)',
    type: 'cso',
    forceAreaCode: 'E23000033',
    charityNumber: '9900003',
  },
];

export const DEMO_APPLICANT_ORGANISATION = 'Police and Crime Commissioner for Northumbria';

// Applicants of other Northumbria-area bodies, so the PCC's endorsement can be tried in the demo.
export const DEMO_EXTRA_APPLICANTS = [
  { email: 'council@demo.test', organisation: 'Newcastle upon Tyne City Council' },
  { email: 'charity@demo.test', organisation: 'Safe Nights Tyneside (demo charity)' },
];

// A second finance officer: whoever approves a return may not also record its payment.
export const DEMO_EXTRA_STAFF = [{ email: 'payments@demo.test', role: 'finance' as const }];

// Every demo user: one per role (the applicant in the PCC's office), then the extras.
export const DEMO_ACCOUNTS: { email: string; role: Role; organisation?: string }[] = [
  ...ROLES.map((role) => ({
    email: `${role}@demo.test`,
    role,
    organisation: role === 'applicant' ? DEMO_APPLICANT_ORGANISATION : undefined,
  })),
  ...DEMO_EXTRA_APPLICANTS.map((account) => ({ ...account, role: 'applicant' as const })),
  ...DEMO_EXTRA_STAFF,
];
