import { plainPounds } from '../common/money';
// Awards as 360Giving open data (standard 1.4): a grant per accepted award, with stable ids, the
// funder and recipient organisations, amounts in pounds as plain numbers, planned dates, the
// force area as beneficiary location, the programme, and whether it came from an open call.

// The prefix of every identifier this funder publishes. 360Giving issues real prefixes to
// publishers; this one stands in for the programme's until it has its own.
export const GRANT_PREFIX = '360G-HO-SSF';
export const FUNDER = { id: `${GRANT_PREFIX}-HOME-OFFICE`, name: 'Home Office' };
export const OPEN_GOVERNMENT_LICENCE =
  'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';

export interface OpenDataAward {
  reference: string;
  title: string;
  summary: string;
  requestedPence: number;
  awardedPence: number;
  paidPence: number;
  awardDate: string;
  organisationId: string;
  organisationName: string;
  charityNumber: string | null;
  companyNumber: string | null;
  forceAreaCode: string | null;
  forceAreaName: string | null;
  roundCode: string;
  roundName: string;
  competitive: boolean;
  deliveryStartsOn: string;
  deliveryEndsOn: string;
}

export interface Grant {
  id: string;
  title: string;
  description: string;
  currency: 'GBP';
  amountAppliedFor: number;
  amountAwarded: number;
  amountDisbursed: number;
  awardDate: string;
  plannedDates: { startDate: string; endDate: string }[];
  recipientOrganization: {
    id: string;
    name: string;
    charityNumber?: string;
    companyNumber?: string;
  }[];
  beneficiaryLocation?: {
    name: string | null;
    geoCode: string;
    geoCodeType: string;
    countryCode: 'GB';
  }[];
  fundingOrganization: { id: string; name: string }[];
  grantProgramme: { code: string; title: string }[];
  fromOpenCall: 'Yes' | 'No';
}

// Pence as pounds in a plain number, exactly: 33385228 -> 333852.28.
export function poundsNumber(pence: number): number {
  return Number(plainPounds(pence));
}

// The organisation's identifier as the Organisation Identifier standard asks: its charity or
// company registration where it has one, else one of ours under the 360G prefix.
export function recipientId(
  award: Pick<OpenDataAward, 'charityNumber' | 'companyNumber' | 'organisationId'>,
): string {
  if (award.charityNumber) {
    return `GB-CHC-${award.charityNumber}`;
  }
  if (award.companyNumber) {
    return `GB-COH-${award.companyNumber}`;
  }
  return `${GRANT_PREFIX}-ORG-${award.organisationId}`;
}

export function grantOf(award: OpenDataAward): Grant {
  const title = award.title.length < 140 ? award.title : `${award.title.slice(0, 136)}...`;
  return {
    id: `${GRANT_PREFIX}-${award.reference}`,
    title,
    description: award.summary || award.title,
    currency: 'GBP',
    amountAppliedFor: poundsNumber(award.requestedPence),
    amountAwarded: poundsNumber(award.awardedPence),
    amountDisbursed: poundsNumber(award.paidPence),
    awardDate: award.awardDate,
    plannedDates: [{ startDate: award.deliveryStartsOn, endDate: award.deliveryEndsOn }],
    recipientOrganization: [
      {
        id: recipientId(award),
        name: award.organisationName,
        ...(award.charityNumber ? { charityNumber: award.charityNumber } : {}),
        ...(award.companyNumber ? { companyNumber: award.companyNumber } : {}),
      },
    ],
    ...(award.forceAreaCode
      ? {
          beneficiaryLocation: [
            {
              name: award.forceAreaName,
              geoCode: award.forceAreaCode,
              geoCodeType: 'PFA',
              countryCode: 'GB',
            },
          ],
        }
      : {}),
    fundingOrganization: [FUNDER],
    grantProgramme: [{ code: award.roundCode, title: award.roundName }],
    fromOpenCall: award.competitive ? 'Yes' : 'No',
  };
}

// The CSV form: the standard's column titles, one row per grant.
export const CSV_COLUMNS: [string, (grant: Grant) => string | number | null | undefined][] = [
  ['Identifier', (g) => g.id],
  ['Title', (g) => g.title],
  ['Description', (g) => g.description],
  ['Currency', (g) => g.currency],
  ['Amount Applied For', (g) => g.amountAppliedFor],
  ['Amount Awarded', (g) => g.amountAwarded],
  ['Amount Disbursed', (g) => g.amountDisbursed],
  ['Award Date', (g) => g.awardDate],
  ['Planned Dates:Start Date', (g) => g.plannedDates[0].startDate],
  ['Planned Dates:End Date', (g) => g.plannedDates[0].endDate],
  ['Recipient Org:Identifier', (g) => g.recipientOrganization[0].id],
  ['Recipient Org:Name', (g) => g.recipientOrganization[0].name],
  ['Recipient Org:Charity Number', (g) => g.recipientOrganization[0].charityNumber],
  ['Recipient Org:Company Number', (g) => g.recipientOrganization[0].companyNumber],
  ['Beneficiary Location:Name', (g) => g.beneficiaryLocation?.[0].name],
  ['Beneficiary Location:Geographic Code', (g) => g.beneficiaryLocation?.[0].geoCode],
  ['Beneficiary Location:Geographic Code Type', (g) => g.beneficiaryLocation?.[0].geoCodeType],
  ['Beneficiary Location:Country Code', (g) => g.beneficiaryLocation?.[0].countryCode],
  ['Funding Org:Identifier', (g) => g.fundingOrganization[0].id],
  ['Funding Org:Name', (g) => g.fundingOrganization[0].name],
  ['Grant Programme:Code', (g) => g.grantProgramme[0].code],
  ['Grant Programme:Title', (g) => g.grantProgramme[0].title],
  ['From An Open Call?', (g) => g.fromOpenCall],
];
