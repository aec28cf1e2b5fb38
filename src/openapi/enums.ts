import { RETENTION_KIND_MEANINGS, RETENTION_KINDS } from '../retention/retention.rules';
import { TASK_KIND_MEANINGS } from '../tasks/task-kinds';

// Every enum in the API, named once (generated clients get one type each) and with what each
// value means. Matched to the document by its exact list of values (schema-types.ts).
export interface EnumEntry {
  name: string;
  values: readonly (string | number)[];
  description: string;
  meanings: Record<string, string>;
}

const entry = (
  name: string,
  description: string,
  meanings: Record<string, string>,
  values: readonly (string | number)[] = Object.keys(meanings),
): EnumEntry => ({ name, values, description, meanings });

export const ENUMS: EnumEntry[] = [
  entry(
    'RetentionKind',
    'A kind of record holding personal data, kept for its own period',
    RETENTION_KIND_MEANINGS,
    RETENTION_KINDS,
  ),
  entry('TaskKind', 'What a task asks of its user (GET /me/tasks)', TASK_KIND_MEANINGS),
  entry('TaskObjectType', 'What a task is about', {
    bid: 'a bid',
    award: 'an award (its offer)',
    delivery_return: 'a quarterly return',
    assessment_assignment: 'an assessor’s assignment',
    return_payment: 'a payment of an approved return',
  }),
  entry('DocumentOwnerType', 'What a supporting document is attached to', {
    bid: 'a bid (letters of support, maps, budgets)',
    return: 'a quarterly return (evidence of spend)',
  }),
  entry('DocumentScanStatus', 'Where a document is in its virus scan', {
    pending: 'not yet scanned: only its uploader sees it',
    clean: 'scanned, nothing found: everyone who may read its bid or return sees it',
    infected:
      'malware found: its bytes were deleted, it is not attached, and its uploader was told',
  }),
  entry('EmailStatus', 'Where an email is in the outbox', {
    pending: 'waiting to be sent',
    sending: 'being handed to the mail server',
    sent: 'accepted by the mail server',
    failed: 'gave up after the allowed attempts; an administrator may retry it',
  }),
  entry('OrganisationType', 'The kind of bidding organisation', {
    pcc: 'Police and Crime Commissioner (or equivalent) for a force area',
    local_authority: 'a local council',
    btp: 'British Transport Police',
    cso: 'civil society organisation (charity or community group)',
  }),
  entry('Role', 'What a user may do', {
    applicant: 'drafts and submits bids and returns for their organisation',
    assessor: 'marks the bids assigned to them',
    moderator: 'assigns assessors and moderates divergent marks',
    approver: 'decides awards (a second approver confirms large ones)',
    finance: 'reviews returns, records payments and runs exports',
    admin: 'manages users, organisations and rounds',
  }),
  entry('UserStatus', 'Whether a user can sign in', {
    invited: 'has not yet accepted the invitation and chosen a password',
    active: 'can sign in',
    deactivated: 'can no longer sign in',
  }),
  entry('RoundStatus', 'Where a funding round is in its life', {
    draft: 'being set up; not visible to bidders',
    open: 'published; taking bids until it closes',
    closed: 'no longer taking bids',
    assessment: 'bids are being assessed',
    decided: 'outcomes are decided',
    delivery: 'awarded projects are being delivered and report returns',
    closed_out: 'finished',
  }),
  entry('AwardType', 'How a round awards its money', {
    competitive: 'bids are assessed, marked and ranked',
    direct: 'bids are checked against the scheme terms and awarded directly',
  }),
  entry('BidLimitScope', 'What the round’s bid limit counts', {
    pcc_area: 'bids per police force area',
    applicant: 'bids per applicant organisation',
  }),
  entry('SpendKind', 'The kind of spending', {
    capital: 'capital spending (equipment, building works)',
    revenue: 'revenue spending (staff, running costs)',
  }),
  entry('MatchFundingKind', 'How match funding is given', {
    cash: 'money',
    in_kind: 'goods, staff time or services, valued in pence',
  }),
  entry('EndorsementState', 'The PCC’s endorsement of a bid in their area', {
    not_required: 'the bid needs no endorsement',
    awaiting: 'waiting for the PCC',
    endorsed: 'the PCC endorsed it',
    declined: 'the PCC declined to endorse it',
  }),
  entry('BidStatus', 'Where a bid is in its life', {
    draft: 'being written; only its organisation sees it',
    submitted: 'submitted and frozen',
    eligibility_failed: 'failed the eligibility check',
    in_assessment: 'being assessed',
    moderated: 'its score is final',
    awarded: 'funding was awarded',
    unsuccessful: 'not funded',
    withdrawn: 'withdrawn by the bidder',
  }),
  entry('AssignmentStatus', 'Where an assessor’s assignment is', {
    assigned: 'waiting for the assessor',
    conflict_declared: 'the assessor declared a conflict of interest; the assignment ended',
    submitted: 'the marks are submitted',
    cancelled: 'cancelled',
  }),
  entry('ConflictDeclaration', 'An assessor’s declaration of interests on a bid', {
    no_conflict: 'no conflict of interest',
    conflict: 'a conflict of interest, with a reason',
  }),
  entry('FinalScoreBasis', 'Where a bid’s final score comes from', {
    mean: 'the mean of the assessors’ scores',
    moderated: 'a score set by a moderator',
  }),
  entry('ModerationDecision', 'A moderator’s decision on a divergent bid', {
    'accept-mean': 'keep the mean of the assessors’ scores',
    'set-score': 'set the score, with a reason',
  }),
  entry('DecisionOutcome', 'An approver’s decision on a bid', {
    award: 'award funding',
    reject: 'reject, with a reason and feedback for the bidder',
  }),
  entry('AwardStatus', 'Where an award decision is in its life', {
    pending_second_approval: 'waiting for a second approver',
    offered: 'offered to the bidder, who may accept until the deadline',
    accepted: 'accepted by the bidder',
    active: 'being delivered',
    completed: 'delivery finished',
    declined: 'declined by the bidder',
    withdrawn: 'withdrawn by the Home Office',
    not_confirmed: 'the second approver did not confirm it',
    rejected: 'the bid was rejected',
  }),
  entry('VariationStatus', 'Where a variation of an active award is', {
    requested: 'asked for by the award’s organisation, waiting for an approver',
    pending_second_approval:
      'approved once, above the approval threshold: waiting for a second approver',
    approved: 'in effect from its approval moment',
    refused: 'refused by an approver, with a reason',
    withdrawn: 'taken back by the award’s organisation',
  }),
  entry('Rating', 'A red, amber or green rating', {
    red: 'serious concern',
    amber: 'some concern',
    green: 'no concern',
  }),
  entry('BidOutcome', 'A bid’s published outcome', {
    awarded: 'funding was awarded',
    unsuccessful: 'not funded',
  }),
  entry(
    'Quarter',
    'A quarter of the financial year (1 April to 31 March)',
    { 1: 'April to June', 2: 'July to September', 3: 'October to December', 4: 'January to March' },
    [1, 2, 3, 4],
  ),
  entry('ReturnStatus', 'Where a delivery return is', {
    upcoming: 'its quarter has not ended',
    due: 'waiting for the bidder',
    submitted: 'waiting for finance to review it',
    approved: 'approved; its payment is released',
    changes_requested: 'sent back to the bidder with changes to make',
    cancelled: 'not needed (the award ended)',
  }),
  entry(
    'ReturnListStatus',
    'A delivery return status to filter by; overdue is due and past its date',
    {
      upcoming: 'its quarter has not ended',
      due: 'waiting for the bidder',
      overdue: 'due and past its due date',
      submitted: 'waiting for finance to review it',
      approved: 'approved; its payment is released',
      changes_requested: 'sent back to the bidder with changes to make',
      cancelled: 'not needed (the award ended)',
    },
  ),
  entry('MilestoneStatus', 'Progress on a milestone', {
    not_started: 'not started',
    on_track: 'on track',
    delayed: 'delayed',
    complete: 'complete',
  }),
  entry('ReviewOutcome', 'Finance’s review of a submitted return', {
    approved: 'approved',
    changes_requested: 'sent back with changes to make',
  }),
  entry('OutstandingKind', 'What keeps a round from closing out', {
    award: 'an award not finished (waiting for approval, offered, accepted or active)',
    return: 'a quarterly return neither approved nor cancelled',
    payment: 'a payment of an approved return not yet made',
  }),
  entry('PaymentStatus', 'Whether a payment has been made', {
    to_make: 'released and waiting to be paid',
    made: 'paid',
  }),
  entry('SpendAwardStatus', 'An award’s status in the spend summary', {
    active: 'being delivered',
    completed: 'delivery finished',
    withdrawn: 'withdrawn',
  }),
  entry('ExportFormat', 'The file format of an export', {
    csv: 'comma-separated values',
    xlsx: 'Excel workbook',
    html: 'printable web page',
  }),
  entry('ExportStatus', 'Where an export is', {
    queued: 'waiting for a worker',
    running: 'being built',
    done: 'ready to download',
    failed: 'could not be built',
    expired: 'removed after its retention period',
  }),
  entry('SecondFactorMethod', 'A way to give the second factor', {
    totp: 'a six-digit code from an authenticator app',
    'recovery-code': 'one of the recovery codes given at enrolment',
  }),
  entry('SignInMethod', 'How a session was signed in', {
    password: 'a password',
    'second-factor': 'a password and a second factor',
    sso: 'single sign-on',
  }),
  entry('OpenDataFormat', 'The format of the 360Giving data', {
    json: '360Giving JSON',
    csv: '360Giving CSV',
  }),
];
