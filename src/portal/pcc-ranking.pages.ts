import { ApiProblem, expectOk } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { areaBidShown } from './endorsement.pages';
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

const positionField = (position: number) => `priority-${position}`;

// A PCC ranks its area's bids in a round: one choice of bid per priority, highest first, so the
// order is set without JavaScript and a bid chosen twice or left out is the API's refusal,
// shown at the priority it is about.
export function pccRankingPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get<{ Params: { roundId: string }; Querystring: { saved?: string } }>(
    '/endorsements/rounds/:roundId/ranking',
    forSignedIn(portal, async (me, request, reply) =>
      rankingPage(portal, me, reply, request.params.roundId, {
        saved: request.query.saved === '1',
      }),
    ),
  );

  pages.post<{ Params: { roundId: string } }>(
    '/endorsements/rounds/:roundId/ranking',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const { roundId } = request.params;
      // The priorities as chosen, in order; the blank ones left out of what the API is sent,
      // each sent bid remembering its priority (for where a refusal is shown).
      const body = (request.body ?? {}) as Record<string, unknown>;
      const chosen: string[] = [];
      for (let position = 1; positionField(position) in body && position <= 50; position++) {
        chosen.push(formValue(body, positionField(position)));
      }
      const sent = chosen.flatMap((bidId, index) =>
        bidId ? [{ bidId, position: index + 1 }] : [],
      );
      try {
        await expectOk(
          me.api.PUT('/api/v1/rounds/{roundId}/pcc-ranking', {
            params: { path: { roundId } },
            body: { bidIds: sent.map((entry) => entry.bidId) },
          }),
        );
        return await reply.redirect(
          `/endorsements/rounds/${encodeURIComponent(roundId)}/ranking?saved=1`,
          303,
        );
      } catch (error) {
        const problems = rankingProblems(error, chosen, sent);
        if (!problems) {
          throw error;
        }
        return rankingPage(portal, me, reply, roundId, { problems, chosen });
      }
    }),
  );
}

async function rankingPage(
  portal: Portal,
  me: SignedIn,
  reply: FastifyReply,
  roundId: string,
  shown: { saved?: boolean; problems?: FieldProblem[]; chosen?: string[] },
): Promise<FastifyReply> {
  const [round, ranking] = await Promise.all([
    expectOk(me.api.GET('/api/v1/rounds/{id}', { params: { path: { id: roundId } } })),
    expectOk(me.api.GET('/api/v1/rounds/{roundId}/pcc-ranking', { params: { path: { roundId } } })),
  ]);
  // What to rank is the API's word: each bid it marks rankable.
  const toRank = ranking.bids.filter((bid) => bid.rankable);
  const saved = toRank.filter((bid) => bid.pccRank !== null).map(areaBidShown);
  // The saved order first (the API lists ranked bids first), then the unranked by reference.
  const current = shown.chosen ?? toRank.map((bid) => bid.id);
  const positions = toRank.map((_, index) => ({
    id: positionField(index + 1),
    label: index === 0 ? 'Priority 1 (highest)' : `Priority ${index + 1}`,
    options: toRank.map((bid) => ({
      value: bid.id,
      text: `${bid.reference}: ${bid.title} (${bid.organisationName})`,
      selected: current[index] === bid.id,
    })),
  }));
  return sendPage(
    portal,
    reply,
    'pcc-ranking',
    frame(reply, `Rank your area’s bids in ${round.code}`, me.session, {
      section: 'endorsements',
      problems: shown.problems,
    }),
    {
      round,
      savedNow: shown.saved,
      saved,
      positions,
      canRank: ranking.canRank,
      notRanked: ranking.bids.filter((bid) => !bid.rankable).map(areaBidShown),
    },
    shown.problems ? 400 : 200,
  );
}

// The API's refusal at the priorities it is about, in words: a bid chosen twice or not one to
// rank at its priority; a bid left out (or a refusal of the whole ranking, the round past
// ranking say) at the first priority left blank, or the first.
function rankingProblems(
  error: unknown,
  chosen: string[],
  sent: { position: number }[],
): FieldProblem[] | undefined {
  const blank = positionField(chosen.indexOf('') + 1 || 1);
  const problems = formProblems(error, () => blank);
  const errors = error instanceof ApiProblem ? (error.problem?.errors ?? []) : [];
  if (!problems || errors.length === 0) {
    return problems;
  }
  return errors.map(({ field, message }) => {
    const index = /^bidIds\.(\d+)$/.exec(field)?.[1];
    const position = index === undefined ? undefined : sent[Number(index)]?.position;
    return position === undefined
      ? {
          field: blank,
          message: message
            .replace(/^(each of )?bidIds\b/, 'Your ranking')
            .replace(/^(?=[a-z])/, 'Your ranking '),
        }
      : { field: positionField(position), message: `Priority ${position} ${message}` };
  });
}
