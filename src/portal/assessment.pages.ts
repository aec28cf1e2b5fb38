import {
  ApiProblem,
  expectOk,
  type GrantsClient,
  type Schemas,
} from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import { formatPounds } from '../common/money';
import { formatLondon } from '../common/london-time';
import {
  formProblems,
  formValue,
  frame,
  type Portal,
  sendPage,
  forSignedIn,
  type SignedIn,
} from './portal-request';
import type { FieldProblem } from './portal-views';

type Assignment = Schemas['AssignmentDto'];
type Round = Schemas['RoundDto'];
type Criterion = Round['criteria'][number];

// How an assignment's status reads to its assessor.
const ASSIGNMENT_STATUS_TEXT: Record<Assignment['status'], string> = {
  assigned: 'To do',
  conflict_declared: 'Conflict declared',
  submitted: 'Submitted',
  cancelled: 'Cancelled',
};

// Up to this maximum a mark is chosen from radios (0 to the maximum); above it, typed.
const MOST_RADIOS = 10;

// An assessor's work in the portal: their assignments, and on each the declaration of
// interests, the bid, a mark for each criterion, and the submission (GOV.UK task list pattern).
export function assessmentPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };
  const section = { section: 'assignments' as const };

  pages.get(
    '/assignments',
    forSignedIn(portal, async (me, request, reply) => {
      const list = await expectOk(
        me.api.GET('/api/v1/assignments', { params: { query: { limit: 100 } } }),
      );
      const rounds = await roundsOf(
        me.api,
        list.items.map((item) => item.roundId),
      );
      // The API lists oldest first; the newest work is shown first.
      const assignments = [...list.items].reverse().map((item) => {
        const round = rounds.get(item.roundId);
        return {
          ...item,
          statusText: ASSIGNMENT_STATUS_TEXT[item.status],
          open: item.status === 'assigned',
          roundName: round ? `${round.code}: ${round.name}` : '',
          due: round?.assessmentDueAt ? formatLondon(new Date(round.assessmentDueAt)) : undefined,
        };
      });
      return sendPage(
        portal,
        reply,
        'assignments',
        frame(reply, 'Your assessments', me.session, section),
        { assignments, total: list.total },
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/assignments/:id',
    forSignedIn(portal, async (me, request, reply) => {
      const { assignment, round } = await assignmentWithRound(me, request.params.id);
      return sendPage(
        portal,
        reply,
        'assignment',
        frame(reply, `Assess ${assignment.bidReference}`, me.session, section),
        taskList(assignment, round),
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/assignments/:id/declaration',
    forSignedIn(portal, async (me, request, reply) => {
      const assignment = await readAssignment(me, request.params.id);
      if (assignment.declaration !== null) {
        return reply.redirect(assignmentPath(assignment.id), 303);
      }
      return sendPage(
        portal,
        reply,
        'assignment-declaration',
        frame(reply, 'Declare any conflict of interest', me.session, section),
        { assignment, values: {} },
      );
    }),
  );

  pages.post<{ Params: { id: string } }>(
    '/assignments/:id/declaration',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const values = {
        conflict: formValue(request.body, 'conflict'),
        reason: formValue(request.body, 'reason').trim(),
      };
      let problems: FieldProblem[] | undefined;
      if (values.conflict !== 'yes' && values.conflict !== 'no') {
        problems = [
          { field: 'conflict', message: 'Select yes if you have a conflict of interest' },
        ];
      } else {
        try {
          await expectOk(
            me.api.POST('/api/v1/assignments/{id}/declaration', {
              params: { path: { id } },
              body:
                values.conflict === 'yes'
                  ? { conflict: true, reason: values.reason }
                  : { conflict: false },
            }),
          );
          return await reply.redirect(assignmentPath(id), 303);
        } catch (error) {
          problems = formProblems(error, { conflict: 'conflict', reason: 'reason' });
          if (!problems) {
            throw error;
          }
        }
      }
      const assignment = await readAssignment(me, id);
      return sendPage(
        portal,
        reply,
        'assignment-declaration',
        frame(reply, 'Declare any conflict of interest', me.session, { ...section, problems }),
        { assignment, values, conflictYes: values.conflict === 'yes' },
        400,
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/assignments/:id/bid',
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const assignment = await readAssignment(me, id);
      if (assignment.declaration === null) {
        return reply.redirect(`${assignmentPath(id)}/declaration`, 303);
      }
      const bid = await expectOk(
        me.api.GET('/api/v1/assignments/{id}/bid', { params: { path: { id } } }),
      );
      return sendPage(
        portal,
        reply,
        'assignment-bid',
        frame(reply, `${bid.reference}: ${bid.title}`, me.session, section),
        {
          assignment,
          bid: {
            ...bid,
            requested: formatPounds(bid.requestedPence),
            matchFunding: formatPounds(bid.matchFundingPence),
            interventions: (bid.interventions ?? []).map((item) => ({
              ...item,
              cost: formatPounds(item.costPence),
            })),
          },
        },
      );
    }),
  );

  pages.get<{ Params: { id: string; criterionId: string } }>(
    '/assignments/:id/criteria/:criterionId',
    forSignedIn(portal, async (me, request, reply) => {
      const { assignment, round } = await assignmentWithRound(me, request.params.id);
      const criterion = criterionOf(round, request.params.criterionId);
      if (assignment.status !== 'assigned' || assignment.declaration !== 'no_conflict') {
        return reply.redirect(assignmentPath(assignment.id), 303);
      }
      const saved = assignment.marks.find((mark) => mark.criterionId === criterion.id);
      return sendMarkPage(portal, reply, me, assignment, criterion, {
        mark: saved ? String(saved.mark) : '',
        justification: saved?.justification ?? '',
      });
    }),
  );

  pages.post<{ Params: { id: string; criterionId: string } }>(
    '/assignments/:id/criteria/:criterionId',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const { assignment, round } = await assignmentWithRound(me, request.params.id);
      const criterion = criterionOf(round, request.params.criterionId);
      const values = {
        mark: formValue(request.body, 'mark').trim(),
        justification: formValue(request.body, 'justification').trim(),
      };
      let problems: FieldProblem[] | undefined;
      if (!/^\d{1,3}$/.test(values.mark)) {
        problems = [
          {
            field: 'mark',
            message:
              values.mark === ''
                ? `Give a mark from 0 to ${criterion.maxMark}`
                : `Enter the mark as a whole number from 0 to ${criterion.maxMark}`,
          },
        ];
        if (values.justification === '') {
          problems.push({
            field: 'justification',
            message: 'Write why you gave this mark',
          });
        }
      } else {
        try {
          await expectOk(
            me.api.PUT('/api/v1/assignments/{id}/marks', {
              params: { path: { id: assignment.id } },
              body: {
                marks: [
                  {
                    criterionId: criterion.id,
                    mark: Number(values.mark),
                    justification: values.justification,
                  },
                ],
              },
            }),
          );
          return await reply.redirect(assignmentPath(assignment.id), 303);
        } catch (error) {
          problems = formProblems(error, {
            'marks.0.mark': 'mark',
            'marks.0.justification': 'justification',
            marks: 'mark',
          });
          if (!problems) {
            throw error;
          }
        }
      }
      return sendMarkPage(portal, reply, me, assignment, criterion, values, problems);
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/assignments/:id/check',
    forSignedIn(portal, async (me, request, reply) => {
      const { assignment, round } = await assignmentWithRound(me, request.params.id);
      if (assignment.status !== 'assigned' || assignment.declaration !== 'no_conflict') {
        return reply.redirect(assignmentPath(assignment.id), 303);
      }
      return sendPage(
        portal,
        reply,
        'assignment-check',
        frame(reply, 'Check your marks before you submit', me.session, section),
        checkAnswers(assignment, round),
      );
    }),
  );

  pages.post<{ Params: { id: string } }>(
    '/assignments/:id/submit',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      try {
        await expectOk(
          me.api.POST('/api/v1/assignments/{id}/submit', { params: { path: { id } } }),
        );
        return await reply.redirect(`${assignmentPath(id)}/submitted`, 303);
      } catch (error) {
        const problems = formProblems(error, {});
        if (!problems || !(error instanceof ApiProblem)) {
          throw error;
        }
        const { assignment, round } = await assignmentWithRound(me, id);
        return sendPage(
          portal,
          reply,
          'assignment-check',
          frame(reply, 'Check your marks before you submit', me.session, {
            ...section,
            problems: problems.map((problem) => ({ ...problem, field: '' })),
          }),
          checkAnswers(assignment, round),
          error.status === 422 ? 400 : error.status,
        );
      }
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/assignments/:id/submitted',
    forSignedIn(portal, async (me, request, reply) => {
      const assignment = await readAssignment(me, request.params.id);
      if (assignment.status !== 'submitted') {
        return reply.redirect(assignmentPath(assignment.id), 303);
      }
      return sendPage(
        portal,
        reply,
        'assignment-submitted',
        frame(reply, 'Assessment submitted', me.session, section),
        { assignment },
      );
    }),
  );
}

function assignmentPath(id: string): string {
  return `/assignments/${encodeURIComponent(id)}`;
}

function readAssignment(me: SignedIn, id: string): Promise<Assignment> {
  return expectOk(me.api.GET('/api/v1/assignments/{id}', { params: { path: { id } } }));
}

async function assignmentWithRound(
  me: SignedIn,
  id: string,
): Promise<{ assignment: Assignment; round: Round }> {
  const assignment = await readAssignment(me, id);
  const round = await expectOk(
    me.api.GET('/api/v1/rounds/{id}', { params: { path: { id: assignment.roundId } } }),
  );
  return { assignment, round };
}

// Each distinct round once.
async function roundsOf(api: GrantsClient, ids: string[]): Promise<Map<string, Round>> {
  const unique = [...new Set(ids)];
  const rounds = await Promise.all(
    unique.map((id) => expectOk(api.GET('/api/v1/rounds/{id}', { params: { path: { id } } }))),
  );
  return new Map(rounds.map((round) => [round.id, round]));
}

// A criterion of the round, or the "page not found" page for an address naming none.
function criterionOf(round: Round, id: string): Criterion {
  const criterion = round.criteria.find((one) => one.id === id);
  if (!criterion) {
    throw new ApiProblem(404, undefined);
  }
  return criterion;
}

function sendMarkPage(
  portal: Portal,
  reply: Parameters<typeof sendPage>[1],
  me: SignedIn,
  assignment: Assignment,
  criterion: Criterion,
  values: { mark: string; justification: string },
  problems?: FieldProblem[],
) {
  const radios =
    criterion.maxMark <= MOST_RADIOS
      ? Array.from({ length: criterion.maxMark + 1 }, (_, mark) => ({
          value: String(mark),
          id: mark === 0 ? 'mark' : `mark-${mark}`,
          checked: values.mark === String(mark),
        }))
      : undefined;
  return sendPage(
    portal,
    reply,
    'assignment-mark',
    frame(reply, criterion.title, me.session, { section: 'assignments', problems }),
    { assignment, criterion, radios, values, markLabel: `Your mark (0 to ${criterion.maxMark})` },
    problems ? 400 : 200,
  );
}

// The assignment's tasks in order, each open once the one before allows it.
function taskList(assignment: Assignment, round: Round) {
  const declared = assignment.declaration !== null;
  const open = assignment.status === 'assigned' && assignment.declaration === 'no_conflict';
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
      href: open ? `${base}/bid` : undefined,
      ...(open ? { statusText: 'Available' } : { statusText: 'Cannot start yet', muted: true }),
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
    due: round.assessmentDueAt ? formatLondon(new Date(round.assessmentDueAt)) : undefined,
    tasks: tasks.map((task, index) => ({ ...task, number: index + 1 })),
    conflicted: assignment.status === 'conflict_declared',
    submitted: assignment.status === 'submitted',
    markedCount: marked.size,
    criteriaCount: round.criteria.length,
  };
}

function checkAnswers(assignment: Assignment, round: Round) {
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
