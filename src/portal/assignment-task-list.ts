import { expectOk, type Schemas } from '@safer-streets-grants/client';
import { formatLondonZoned } from '../common/london-time';
import type { SignedIn } from './portal-request';

// An assessor's assignment as its pages show it: reading it (with its round), its task list and
// its marks to check before submitting. The one place an assignment's tasks are derived.

export type Assignment = Schemas['AssignmentDto'];
export type Round = Schemas['RoundDto'];
export type Criterion = Round['criteria'][number];

// How an assignment's status reads to its assessor.
export const ASSIGNMENT_STATUS_TEXT: Record<Assignment['status'], string> = {
  assigned: 'To do',
  conflict_declared: 'Conflict declared',
  submitted: 'Submitted',
  cancelled: 'Cancelled',
};

export function assignmentPath(id: string): string {
  return `/assignments/${encodeURIComponent(id)}`;
}

export function readAssignment(me: SignedIn, id: string): Promise<Assignment> {
  return expectOk(me.api.GET('/api/v1/assignments/{id}', { params: { path: { id } } }));
}

export async function assignmentWithRound(
  me: SignedIn,
  id: string,
): Promise<{ assignment: Assignment; round: Round }> {
  const assignment = await readAssignment(me, id);
  const round = await expectOk(
    me.api.GET('/api/v1/rounds/{id}', { params: { path: { id: assignment.roundId } } }),
  );
  return { assignment, round };
}

// The assignment's tasks in order, each open once the one before allows it.
export function taskList(assignment: Assignment, round: Round) {
  const declared = assignment.declaration !== null;
  const open = assignment.status === 'assigned' && assignment.declaration === 'no_conflict';
  // The bid stays readable once the marks are in (the API lets its assessor read it then too).
  const readable = open || assignment.status === 'submitted';
  const base = assignmentPath(assignment.id);
  const marked = new Map(assignment.marks.map((mark) => [mark.criterionId, mark]));
  const criteria = [...round.criteria]
    .sort((a, b) => a.position - b.position)
    .map((criterion) => ({
      title: `Mark: ${criterion.title}`,
      href: open ? `${base}/criteria/${criterion.id}` : undefined,
      hint: `Out of ${criterion.maxMark}, ${criterion.weight}% of the score`,
      ...(marked.has(criterion.id)
        ? { statusText: 'Completed' }
        : open
          ? { statusText: 'Not yet started', tag: 'govuk-tag--blue' }
          : { statusText: 'Cannot start yet', muted: true }),
    }));
  const complete = round.criteria.every((criterion) => marked.has(criterion.id));
  const tasks = [
    {
      title: 'Declare any conflict of interest',
      href: declared ? undefined : `${base}/declaration`,
      ...(declared
        ? { statusText: 'Completed' }
        : { statusText: 'Not yet started', tag: 'govuk-tag--blue' }),
    },
    {
      title: 'Read the bid',
      href: readable ? `${base}/bid` : undefined,
      ...(readable ? { statusText: 'Available' } : { statusText: 'Cannot start yet', muted: true }),
    },
    ...criteria,
    {
      title: 'Check your marks and submit',
      href: open && complete ? `${base}/check` : undefined,
      ...(assignment.status === 'submitted'
        ? { statusText: 'Completed' }
        : open && complete
          ? { statusText: 'Not yet started', tag: 'govuk-tag--blue' }
          : { statusText: 'Cannot start yet', muted: true }),
    },
  ];
  return {
    assignment,
    roundName: `${round.code}: ${round.name}`,
    due: round.assessmentDueAt ? formatLondonZoned(new Date(round.assessmentDueAt)) : undefined,
    tasks: tasks.map((task, index) => ({ ...task, number: index + 1 })),
    conflicted: assignment.status === 'conflict_declared',
    submitted: assignment.status === 'submitted',
    markedCount: marked.size,
    criteriaCount: round.criteria.length,
  };
}

export function checkAnswers(assignment: Assignment, round: Round) {
  const marked = new Map(assignment.marks.map((mark) => [mark.criterionId, mark]));
  return {
    assignment,
    rows: [...round.criteria]
      .sort((a, b) => a.position - b.position)
      .map((criterion) => ({
        criterion,
        mark: marked.get(criterion.id),
        href: `${assignmentPath(assignment.id)}/criteria/${criterion.id}`,
      })),
  };
}
