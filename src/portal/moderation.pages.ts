import { expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import { formatPounds } from '../common/money';
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

type BidScore = Schemas['BidScoreDto'];

const FINAL_BASIS_TEXT: Record<NonNullable<BidScore['finalBasis']>, string> = {
  mean: "the assessors' mean",
  moderated: 'a moderated score',
};

// Moderators in the portal: the bids whose assessors' scores are too far apart, and the form
// that sets such a bid's final score. The API has no list of divergent bids across rounds, so
// the list is made from every round in assessment the moderator can read (GET /rounds with
// status assessment), each round's scores (GET /rounds/{id}/scores) kept where the bid still
// needs moderation.
export function moderationPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };
  const section = { section: 'moderation' as const };

  pages.get(
    '/moderation',
    forSignedIn(portal, async (me, request, reply) => {
      const rounds = await expectOk(
        me.api.GET('/api/v1/rounds', { params: { query: { status: 'assessment', limit: 100 } } }),
      );
      const scored = await Promise.all(
        rounds.items.map(async (round) => ({
          round,
          scores: await expectOk(
            me.api.GET('/api/v1/rounds/{id}/scores', { params: { path: { id: round.id } } }),
          ),
        })),
      );
      const bids = scored.flatMap(({ round, scores }) =>
        scores
          .filter((score) => score.needsModeration)
          .map((score) => ({ ...score, roundName: `${round.code}: ${round.name}` })),
      );
      return sendPage(
        portal,
        reply,
        'moderation',
        frame(reply, 'Bids to moderate', me.session, section),
        { bids, roundCount: rounds.items.length },
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/moderation/bids/:id',
    forSignedIn(portal, async (me, request, reply) => {
      return sendModerationPage(portal, reply, me, request.params.id, { decision: '' });
    }),
  );

  pages.post<{ Params: { id: string } }>(
    '/moderation/bids/:id',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const values = {
        decision: formValue(request.body, 'decision'),
        score: formValue(request.body, 'score').trim(),
        reason: formValue(request.body, 'reason').trim(),
      };
      let problems: FieldProblem[] | undefined;
      const score = Number(values.score);
      if (values.decision !== 'accept-mean' && values.decision !== 'set-score') {
        problems = [{ field: 'decision', message: 'Select how the final score is set' }];
      } else if (
        values.decision === 'set-score' &&
        !(/^\d{1,3}(\.\d{1,2})?$/.test(values.score) && score <= 100)
      ) {
        problems = [
          {
            field: 'score',
            message:
              values.score === ''
                ? 'Enter the agreed score'
                : 'Enter the agreed score as a number from 0 to 100, with at most two decimal places, like 64.5',
          },
        ];
      } else {
        try {
          await expectOk(
            me.api.POST('/api/v1/bids/{id}/moderation', {
              params: { path: { id } },
              body:
                values.decision === 'set-score'
                  ? { decision: 'set-score', score, reason: values.reason }
                  : {
                      decision: 'accept-mean',
                      ...(values.reason ? { reason: values.reason } : {}),
                    },
            }),
          );
          return await reply.redirect(`/moderation/bids/${encodeURIComponent(id)}`, 303);
        } catch (error) {
          problems = formProblems(error, {
            decision: 'decision',
            score: 'score',
            reason: 'reason',
          });
          if (!problems) {
            throw error;
          }
        }
      }
      return sendModerationPage(portal, reply, me, id, values, problems);
    }),
  );
}

async function sendModerationPage(
  portal: Portal,
  reply: Parameters<typeof sendPage>[1],
  me: SignedIn,
  bidId: string,
  values: { decision: string; score?: string; reason?: string },
  problems?: FieldProblem[],
) {
  const { score, assessments } = await expectOk(
    me.api.GET('/api/v1/bids/{id}/assessments', { params: { path: { id: bidId } } }),
  );
  return sendPage(
    portal,
    reply,
    'moderation-bid',
    frame(reply, `Moderate ${score.reference}`, me.session, { section: 'moderation', problems }),
    {
      score: {
        ...score,
        requested: formatPounds(score.requestedPence),
        basisText: score.finalBasis ? FINAL_BASIS_TEXT[score.finalBasis] : undefined,
      },
      assessments,
      values,
      setScore: values.decision === 'set-score',
      // Only a bid with every assessment in and no final score yet can be moderated.
      canModerate: score.assessmentsOutstanding === 0 && score.finalScore === null,
    },
    problems ? 400 : 200,
  );
}
