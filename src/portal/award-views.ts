import { ApiProblem, expectOk, type Schemas } from '@safer-streets-grants/client';
import { formatLondonZoned } from '../common/london-time';
import { formatPounds } from '../common/money';
import type { SignedIn } from './portal-request';

type Award = Schemas['AwardDto'];
type AwardStatus = Award['status'];
type CostLine = Award['lines'][number];

// How an award's status reads to the organisation it was offered to (written once: the list,
// the award's page and the outcome link use it).
export const AWARD_STATUS_TEXT: Record<AwardStatus, string> = {
  pending_second_approval: 'Waiting for a second approval',
  offered: 'Offered: waiting to be accepted',
  accepted: 'Offer accepted',
  active: 'Offer accepted: in delivery',
  completed: 'Completed',
  declined: 'Offer declined',
  withdrawn: 'Withdrawn by the programme',
  not_confirmed: 'Not confirmed',
  rejected: 'Not funded',
};

const AWARD_STATUS_TAG: Partial<Record<AwardStatus, string>> = {
  offered: 'govuk-tag--blue',
  accepted: 'govuk-tag--green',
  active: 'govuk-tag--green',
  declined: 'govuk-tag--red',
  withdrawn: 'govuk-tag--red',
};

// The statuses in which the offer has been accepted (its position and returns then exist).
const ACCEPTED: AwardStatus[] = ['accepted', 'active', 'completed'];

export function statusOf(status: AwardStatus, lapsed: boolean) {
  return lapsed
    ? { statusText: 'Offer lapsed: not accepted by its deadline', statusTag: 'govuk-tag--red' }
    : {
        statusText: AWARD_STATUS_TEXT[status],
        statusTag: AWARD_STATUS_TAG[status] ?? 'govuk-tag--grey',
      };
}

// The amounts by financial year (capital and revenue side by side) and the total, in pounds.
export function amountsByYear(lines: CostLine[], totalPence: number) {
  const years = [...new Set(lines.map((line) => line.financialYear))].sort();
  const sum = (year: string | undefined, kind: CostLine['kind']) =>
    lines
      .filter((line) => (year === undefined || line.financialYear === year) && line.kind === kind)
      .reduce((total, line) => total + line.amountPence, 0);
  return {
    years: years.map((year) => ({
      year,
      capital: formatPounds(sum(year, 'capital')),
      revenue: formatPounds(sum(year, 'revenue')),
      total: formatPounds(sum(year, 'capital') + sum(year, 'revenue')),
    })),
    capital: formatPounds(sum(undefined, 'capital')),
    revenue: formatPounds(sum(undefined, 'revenue')),
    total: formatPounds(totalPence),
  };
}

// One award as the portal shows it, with whether this person may answer its offer: only the
// organisation's applicants may, while it is open; staff read it as it stands.
export function shownAward(award: Award, me: SignedIn) {
  const open = award.status === 'offered' && !award.offerLapsed;
  return {
    ...award,
    ...statusOf(award.status, award.offerLapsed),
    amounts: amountsByYear(award.lines, award.amountPence),
    publishedAtUkTime: award.publishedAt ? formatLondonZoned(new Date(award.publishedAt)) : '',
    acceptedAtUkTime: award.acceptedAt ? formatLondonZoned(new Date(award.acceptedAt)) : '',
    closedAtUkTime: award.closedAt ? formatLondonZoned(new Date(award.closedAt)) : '',
    open,
    answerable: open && me.session.user?.role === 'applicant',
    accepted: ACCEPTED.includes(award.status),
    letter: award.publishedAt !== null,
  };
}

export async function readAward(me: SignedIn, id: string): Promise<Award> {
  return expectOk(me.api.GET('/api/v1/awards/{id}', { params: { path: { id } } }));
}

// The bid's published outcome, or undefined while outcomes are not published (the API's 409):
// the award's page is still shown, without the feedback.
export async function readOutcome(
  me: SignedIn,
  bidId: string,
): Promise<Schemas['OutcomeDto'] | undefined> {
  try {
    return await expectOk(
      me.api.GET('/api/v1/bids/{id}/outcome', { params: { path: { id: bidId } } }),
    );
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 409) {
      return undefined;
    }
    throw error;
  }
}
