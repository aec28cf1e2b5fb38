import { ApiProblem, expectOk } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import {
  assignmentPath,
  assignmentWithRound,
  type Assignment,
  type Criterion,
  type Round,
} from './assignment-task-list';
import {
  formProblems,
  formValue,
  frame,
  forSignedIn,
  type Portal,
  sendPage,
  type SignedIn,
} from './portal-request';
import type { FieldProblem } from './portal-views';

// Up to this maximum a mark is chosen from radios (0 to the maximum); above it, typed.
const MOST_RADIOS = 10;

// Marking one criterion of an assignment: the mark (radios for small maximums, typed above) and
// why it was given, saved through the API's marks, then back to the task list.
export function assessmentMarkPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

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
