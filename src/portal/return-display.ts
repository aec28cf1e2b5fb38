import { ApiProblem, expectOk, type Schemas } from '@safer-streets-grants/client';
import { formatLondonZoned, formatUkDate } from '../common/london-time';
import { formatPounds } from '../common/money';
import { formProblems, ifMatchOf, type SignedIn } from './portal-request';
import type { FieldProblem } from './portal-views';

type Milestone = Schemas['ReturnMilestoneDto'];

// A milestone's and a risk's standing in words, as the forms offer them and the pages show them.
export const MILESTONE_STATUS_TEXT: Record<Milestone['status'], string> = {
  not_started: 'Not started',
  on_track: 'On track',
  delayed: 'Delayed',
  complete: 'Complete',
};
export const RAG_TEXT: Record<Milestone['rag'], string> = {
  red: 'Red',
  amber: 'Amber',
  green: 'Green',
};

// A quarterly return as every returns page shows it, whoever reads it: finance reviewing it, or
// the bidder writing, checking or reading it back.

export type Return = Schemas['ReturnDto'];
type Summary = Schemas['ReturnSummaryDto'];

// How a return's status reads.
const RETURN_STATUS_TEXT: Record<Return['status'], string> = {
  upcoming: 'Not due yet',
  due: 'Due',
  submitted: 'Waiting for review',
  approved: 'Approved',
  changes_requested: 'Sent back for changes',
  cancelled: 'Cancelled',
};

// A due return past its due date reads as overdue; one sent back keeps saying so.
function statusText(found: { status: Return['status']; overdue: boolean }): string {
  return found.status === 'due' && found.overdue ? 'Overdue' : RETURN_STATUS_TEXT[found.status];
}

export const STALE =
  'Someone else saved this return after you opened this page, so your changes were not saved. Its current answers are shown: make your changes again and save.';

export const KIND_TEXT = { capital: 'Capital', revenue: 'Revenue' } as const;

// A return the signed-in person writes: theirs (the API shows a bidder only their own
// organisation's), and still with them: not yet sent, or sent back for changes.
export function writingReturn(me: SignedIn, found: Return): boolean {
  return me.session.user?.role === 'applicant' && found.withBidder;
}

export async function readReturn(me: SignedIn, id: string): Promise<Return> {
  return expectOk(me.api.GET('/api/v1/returns/{id}', { params: { path: { id } } }));
}

export function latest(found: Return): Return['submissions'][number] | undefined {
  return found.submissions.at(-1);
}

// A return as its page shows it: status in words, money in pounds, times in UK time. What it
// claims is its latest submission's, or (before one, or `asWritten` for the bidder checking what
// they are about to send again) the draft the bidder is writing.
export function shown(found: Return, { asWritten = false } = {}) {
  const submission = asWritten ? undefined : latest(found);
  const content = submission?.content ?? found.draft;
  const spend = submission
    ? submission.spend
    : found.draft.spend.map((line) => ({
        ...line,
        claimedPence: line.amountPence,
        approvedPence: null,
      }));
  return {
    ...found,
    statusText: statusText(found),
    quarterName: `Q${found.quarter} ${found.financialYear}`,
    dueText: formatUkDate(found.dueOn),
    periodText: `${formatUkDate(found.periodStartsOn)} to ${formatUkDate(found.periodEndsOn)}`,
    submittedAtUkTime: submission ? formatLondonZoned(new Date(submission.submittedAt)) : undefined,
    spend: spend.map((line) => ({
      ...line,
      kindText: KIND_TEXT[line.kind],
      claimed: formatPounds(line.claimedPence),
      approved: line.approvedPence === null ? 'Not yet reviewed' : formatPounds(line.approvedPence),
    })),
    claimedTotal: formatPounds(spend.reduce((sum, line) => sum + line.claimedPence, 0)),
    matchFunding: formatPounds(content.matchFundingSpentPence),
    narrative: content.narrative,
    varianceExplanation: content.varianceExplanation,
    milestones: content.milestones.map((milestone) => ({
      ...milestone,
      statusText: MILESTONE_STATUS_TEXT[milestone.status],
      ragText: RAG_TEXT[milestone.rag],
    })),
    risks: content.risks.map((risk) => ({ ...risk, ragText: RAG_TEXT[risk.rag] })),
    variance: {
      ...found.variance,
      profile: formatPounds(found.variance.profilePence),
      actual: formatPounds(found.variance.actualPence),
    },
    reviews: found.submissions
      .filter((one) => one.outcome !== null)
      .map((one) => ({
        number: one.number,
        outcomeText: one.outcome === 'approved' ? 'Approved' : 'Sent back for changes',
        comment: one.reviewComment,
        reviewedAtUkTime: one.reviewedAt ? formatLondonZoned(new Date(one.reviewedAt)) : '',
        payable: one.payablePence === null ? undefined : formatPounds(one.payablePence),
      })),
    paymentText: found.payment
      ? found.payment.status === 'made'
        ? `${formatPounds(found.payment.amountPence)} paid on ${found.payment.paidOn ? formatUkDate(found.payment.paidOn) : ''} (reference ${found.payment.paymentReference ?? ''})`
        : `${formatPounds(found.payment.amountPence)} to be paid by ${formatUkDate(found.payment.dueOn)}`
      : undefined,
  };
}

// A row of a returns list.
export function listed(summary: Summary) {
  return {
    ...summary,
    claimed: summary.claimedPence === null ? '' : formatPounds(summary.claimedPence),
    approved: summary.approvedPence === null ? '' : formatPounds(summary.approvedPence),
    submittedAtUkTime: summary.submittedAt ? formatLondonZoned(new Date(summary.submittedAt)) : '',
    dueText: formatUkDate(summary.dueOn),
    statusText: statusText(summary),
  };
}

// Where the award stands: per year and kind, and as a whole.
export async function awardPosition(me: SignedIn, awardId: string) {
  const position = await expectOk(
    me.api.GET('/api/v1/awards/{id}/position', { params: { path: { id: awardId } } }),
  );
  return {
    lines: position.lines.map((line) => positionLine(line)),
    total: positionLine(position.total, 'Whole award'),
    toPay: formatPounds(position.toPayPence),
    overdueReturns: position.overdueReturns,
    // The money lines as the API gives them, for a form that needs the award's cells.
    cells: position.lines,
    // Every return of the award, for a form that asks about the quarters still to come.
    schedule: position.returns,
  };
}

// One line of the award's position; the whole award's total is named by the caller.
function positionLine(line: Schemas['PositionLineDto'], name?: string) {
  return {
    name: name ?? `${line.financialYear} ${KIND_TEXT[line.kind]}`,
    awarded: formatPounds(line.awardedPence),
    claimed: formatPounds(line.claimedPence),
    approved: formatPounds(line.approvedPence),
    paid: formatPounds(line.paidPence),
    released: formatPounds(line.releasedPence),
    remaining: formatPounds(line.remainingPence),
  };
}

// How a bidder's save of their return's draft went: saved; stale, with the return as it is now
// (a colleague saved it meanwhile); sent (submitted from another tab: its page says where it
// stands); or refused, with the API's refusals as the form shows them.
export type DraftSave =
  | { outcome: 'saved' }
  | { outcome: 'stale'; current: Return }
  | { outcome: 'sent' }
  | { outcome: 'refused'; problems: FieldProblem[] };

// The draft saved through the API with the version the form (`body`) was made from. `fieldOf`
// maps the API's field names to the form's. Another organisation's return is the not-found page.
export async function saveDraft(
  me: SignedIn,
  id: string,
  body: unknown,
  changes: Schemas['SaveReturnDto'],
  fieldOf: (apiField: string) => string | undefined,
): Promise<DraftSave> {
  try {
    await expectOk(
      me.api.PATCH('/api/v1/returns/{id}', {
        params: { path: { id } },
        headers: ifMatchOf(body),
        body: changes,
      }),
    );
    return { outcome: 'saved' };
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 412) {
      return { outcome: 'stale', current: await readReturn(me, id) };
    }
    if (error instanceof ApiProblem && error.code === 'return-frozen') {
      return { outcome: 'sent' };
    }
    const problems = formProblems(error, fieldOf);
    if (!problems || (error instanceof ApiProblem && [403, 404].includes(error.status))) {
      throw error;
    }
    return { outcome: 'refused', problems };
  }
}
