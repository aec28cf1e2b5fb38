import { ApiProblem, expectOk, type GrantsClient } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import { formatPounds } from '../common/money';
import { formatLondonZoned } from '../common/london-time';
import {
  ASSIGNMENT_STATUS_TEXT,
  assignmentPath,
  assignmentWithRound,
  checkAnswers,
  readAssignment,
  type Round,
  taskList,
} from './assignment-task-list';
import {
  formProblems,
  formValue,
  frame,
  type Portal,
  sendPage,
  forSignedIn,
} from './portal-request';
import type { FieldProblem } from './portal-views';

// An assessor's work in the portal: their assignments, and on each the declaration of
// interests, the bid, and the submission (GOV.UK task list pattern); marking each criterion is
// in assessment-marks.pages.ts.
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
          due: round?.assessmentDueAt
            ? formatLondonZoned(new Date(round.assessmentDueAt))
            : undefined,
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

// Each distinct round once.
async function roundsOf(api: GrantsClient, ids: string[]): Promise<Map<string, Round>> {
  const unique = [...new Set(ids)];
  const rounds = await Promise.all(
    unique.map((id) => expectOk(api.GET('/api/v1/rounds/{id}', { params: { path: { id } } }))),
  );
  return new Map(rounds.map((round) => [round.id, round]));
}
