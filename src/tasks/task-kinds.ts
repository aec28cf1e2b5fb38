import type { Role } from '../common/access';
import { londonDateOfSql } from '../common/london-time';

// What a task asks of its user, and what each kind means; each kind is computed by one query
// registered by its module.
export const TASK_KIND_MEANINGS = {
  bid_draft_closing_soon:
    'your organisation’s draft bid in a round closing within the draft reminder’s first step (7 days)',
  bid_draft: 'any other draft bid of your organisation in an open round',
  bid_endorsement:
    '(PCC applicants) a bid in your area waiting for your endorsement, deadline the round’s close',
  offer_to_accept: 'a published grant offer to accept or decline before it lapses',
  return_due: 'a quarterly return whose quarter is over, not yet late',
  return_overdue: 'a return past its due date and not sent (also when sent back)',
  return_changes_requested: 'a return sent back for changes, not yet late',
  assessment_declaration: '(assessors) declare any conflict of interest on an assignment',
  assessment_marks: '(assessors) mark and submit a declared assignment',
  moderation: '(moderators) a divergent bid waiting for its final score',
  second_approval: '(approvers) an award waiting for a second approver other than you',
  return_review: '(finance) a submitted return waiting for review',
  payment_to_make: '(finance) a payment for an approved return not yet made',
} as const;
export type TaskKindName = keyof typeof TASK_KIND_MEANINGS;
export const TASK_KINDS = Object.keys(TASK_KIND_MEANINGS) as TaskKindName[];

// A kind's query, run with $1 = the time now, $2 = the user's id, $3 = the user's organisation
// (null for staff), $4.. = `params`. It returns one row per task with the columns object_type,
// object_id, reference, title (or null), deadline (timestamptz or null) and overdue_days (int).
export interface TaskKind {
  kind: TaskKindName;
  roles: readonly Role[];
  select: string;
  params?: unknown[];
}

// Whole UK calendar days an instant deadline has passed (at least 1 once passed), else 0.
export function overdueDaysSql(deadline: string): string {
  return `CASE WHEN ${deadline} < $1::timestamptz
    THEN GREATEST(1, ${londonDateOfSql('$1::timestamptz')} - ${londonDateOfSql(deadline)})
    ELSE 0 END`;
}
