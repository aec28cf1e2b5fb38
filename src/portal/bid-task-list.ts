import type { Schemas } from '@safer-streets-grants/client';

type Bid = Schemas['BidDto'];

export type SectionStatus = 'completed' | 'in_progress' | 'not_started';

// A bid's sections as its bidder writes them, each with the answers whose presence says how far
// along it is. The one place a section's status is derived from what the bid holds.
export const BID_SECTIONS = [
  { slug: 'about', name: 'About your project', answers: (bid: Bid) => [bid.title, bid.summary] },
  { slug: 'area', name: 'The area', answers: (bid: Bid) => [bid.targetLsoas] },
  {
    slug: 'crime',
    name: 'The crime problem',
    answers: (bid: Bid) => [bid.problemProfile, bid.primaryCrimeType, bid.theoryOfChange],
  },
  { slug: 'interventions', name: 'Interventions', answers: (bid: Bid) => [bid.interventions] },
  { slug: 'costs', name: 'Costs', answers: (bid: Bid) => [bid.costLines] },
  { slug: 'match-funding', name: 'Match funding', answers: (bid: Bid) => [bid.matchFunding] },
  {
    slug: 'partners',
    name: 'Partners and consultation',
    answers: (bid: Bid) => [bid.partners, bid.consultation],
  },
  {
    slug: 'delivery',
    name: 'Delivery plan',
    answers: (bid: Bid) => [bid.milestones, bid.risks, bid.evaluationApproach],
  },
] as const;

const given = (answer: unknown) =>
  Array.isArray(answer)
    ? answer.length > 0
    : typeof answer === 'string'
      ? answer.trim() !== ''
      : answer !== null && answer !== undefined;

// Completed when every answer is given, not yet started when none is, in progress between.
export function sectionStatus(answers: readonly unknown[]): SectionStatus {
  const count = answers.filter(given).length;
  return count === answers.length ? 'completed' : count === 0 ? 'not_started' : 'in_progress';
}

// How a status reads in a GOV.UK task list: Completed as plain text, the others as tags.
const STATUS_SHOWN: Record<SectionStatus, { text: string; tag?: string }> = {
  completed: { text: 'Completed' },
  in_progress: { text: 'In progress', tag: 'govuk-tag--light-blue' },
  not_started: { text: 'Not yet started', tag: 'govuk-tag--blue' },
};

export interface TaskListRow {
  name: string;
  href: string;
  status: SectionStatus;
  statusText: string;
  tag?: string;
}

// The draft bid's task list: its sections, then its documents and the check before submitting.
export function bidTaskList(bid: Bid, documentCount: number): TaskListRow[] {
  const base = `/bids/${encodeURIComponent(bid.id)}`;
  const row = (name: string, href: string, status: SectionStatus): TaskListRow => ({
    name,
    href,
    status,
    statusText: STATUS_SHOWN[status].text,
    tag: STATUS_SHOWN[status].tag,
  });
  return [
    ...BID_SECTIONS.map((section) =>
      row(section.name, `${base}/${section.slug}`, sectionStatus(section.answers(bid))),
    ),
    row('Documents', `${base}/documents`, documentCount > 0 ? 'completed' : 'not_started'),
    row('Check and submit', `${base}/check`, 'not_started'),
  ];
}
