import { ApiProblem, expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { formatLondonZoned } from '../common/london-time';
import { formatPounds } from '../common/money';
import { amountsByYear, statusOf } from './award-views';
import {
  formProblems,
  formValue,
  forSignedIn,
  frame,
  type Portal,
  sendPage,
  type SignedIn,
} from './portal-request';
import type { FieldProblem } from './portal-views';

type Decision = Schemas['DecisionResponseDto'];

export const DECISION_PAGE = '/decisions/{id}';

interface Answer {
  confirm: string;
  reason: string;
}

// An award decision as approvers read it, and the second approval an award above the round's
// approval threshold waits for: confirm it (it is then offered), or do not, with a reason (its
// money goes back to the round). The API refuses the approver who made it, or one tied to the
// bid; the page says so.
export function decisionPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get<{ Params: { id: string } }>(
    '/decisions/:id',
    forSignedIn(portal, async (me, request, reply) =>
      decisionPage(portal, reply, me, await readDecision(me, request.params.id)),
    ),
  );

  pages.post<{ Params: { id: string } }>(
    '/decisions/:id/second-approval',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const answer: Answer = {
        confirm: formValue(request.body, 'confirm'),
        reason: formValue(request.body, 'reason').trim(),
      };
      let problems: FieldProblem[] | undefined;
      if (answer.confirm !== 'yes' && answer.confirm !== 'no') {
        problems = [{ field: 'confirm', message: 'Select yes if you confirm the award' }];
      } else {
        try {
          const decided = await expectOk(
            me.api.POST('/api/v1/decisions/{id}/second-approval', {
              params: { path: { id } },
              body:
                answer.confirm === 'yes'
                  ? { confirm: true }
                  : { confirm: false, reason: answer.reason },
            }),
          );
          return sendDecided(portal, reply, me, decided);
        } catch (error) {
          // Sent twice (a double click): the first answered it; if it stands as this approver's
          // same answer, that is what they are shown.
          if (error instanceof ApiProblem && error.code === 'not-awaiting-second-approval') {
            const current = await readDecision(me, id);
            if (answeredAs(current, me, answer)) {
              return sendDecided(portal, reply, me, current);
            }
          }
          problems = formProblems(error, {
            confirm: 'confirm',
            reason: {
              field: 'reason',
              missing: { value: answer.reason, say: 'Enter the reason you are not approving it' },
            },
          });
          if (!problems) {
            throw error;
          }
          if (error instanceof ApiProblem && error.status === 403) {
            problems = problems.map((problem) => ({ ...problem, field: 'confirm' }));
          }
        }
      }
      return decisionPage(portal, reply, me, await readDecision(me, id), answer, problems);
    }),
  );
}

function readDecision(me: SignedIn, id: string): Promise<Decision> {
  return expectOk(me.api.GET('/api/v1/decisions/{id}', { params: { path: { id } } }));
}

function answeredAs(decision: Decision, me: SignedIn, answer: Answer): boolean {
  return (
    decision.secondApproverName === me.session.user?.name &&
    decision.status === (answer.confirm === 'yes' ? 'offered' : 'not_confirmed')
  );
}

function shown(decision: Decision) {
  return {
    ...decision,
    ...statusOf(decision.status, false),
    requested: formatPounds(decision.requestedPence),
    amount: formatPounds(decision.amountPence),
    amounts: amountsByYear(decision.lines, decision.amountPence),
    decidedAtUkTime: formatLondonZoned(new Date(decision.decidedAt)),
    secondDecidedAtUkTime: decision.secondDecidedAt
      ? formatLondonZoned(new Date(decision.secondDecidedAt))
      : undefined,
    awarded: decision.outcome === 'award',
  };
}

function decisionPage(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  decision: Decision,
  answer: Answer = { confirm: '', reason: '' },
  problems?: FieldProblem[],
): FastifyReply {
  return sendPage(
    portal,
    reply,
    'decision',
    frame(reply, `Award decision for ${decision.reference}`, me.session, { problems }),
    {
      decision: shown(decision),
      // Approvers may answer one waiting; the API decides whether this one may.
      canApprove:
        decision.status === 'pending_second_approval' && me.session.user?.role === 'approver',
      values: answer,
    },
    problems ? 400 : 200,
  );
}

function sendDecided(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  decision: Decision,
): FastifyReply {
  const confirmed = decision.status === 'offered';
  return sendPage(
    portal,
    reply,
    'decision-approved',
    frame(reply, confirmed ? 'Award confirmed' : 'Award not confirmed', me.session),
    { decision: shown(decision), confirmed },
  );
}
