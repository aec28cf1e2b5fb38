import type { AssignmentStatus } from './assignment.entity';

// Assignments that count towards a bid's number of assessors and an assessor's load in a round.
export const COUNTING_STATUSES: AssignmentStatus[] = ['assigned', 'submitted'];

// Where an assessment stands, as SQL over `assessment_assignments a JOIN bids b JOIN
// funding_rounds r` (and `bid_scores s`), declared once for the reminder scan and the task list.

// Assigned and not yet submitted or declared a conflict, on a bid still being assessed.
export const ASSESSMENT_OUTSTANDING_SQL = `a.status = 'assigned' AND b.status = 'in_assessment'
  AND r.status = 'assessment'`;

// Before the bid is read, its assessor declares whether they have a conflict of interest.
export const DECLARATION_OUTSTANDING_SQL = `${ASSESSMENT_OUTSTANDING_SQL} AND a.declaration IS NULL`;

// Declared free of conflict: marks are due.
export const MARKS_OUTSTANDING_SQL = `${ASSESSMENT_OUTSTANDING_SQL} AND a.declaration = 'no_conflict'`;

// Scores spread past the round's threshold and no final score yet: a moderator must set it.
export const AWAITING_MODERATION_SQL = `s.divergent AND s.final_basis IS NULL
  AND b.status = 'in_assessment'`;
