import { expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { formatLondonZoned } from '../common/london-time';
import { formatPounds } from '../common/money';
import { awaitsEndorsementNow, shown as bidShown } from './bids.pages';
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

type Bid = Schemas['BidDto'];
type AreaBid = Schemas['AreaRankingResponseDto']['bids'][number];

// The page a PCC's endorsement task opens.
export const ENDORSEMENT_BID_PAGE = '/endorsements/bids/{id}';

// How a bid's endorsement reads to its PCC.
export const ENDORSEMENT_TEXT: Record<Bid['endorsement']['state'], string> = {
  not_required: 'Not needed (your own bid)',
  awaiting: 'Waiting for your endorsement',
  endorsed: 'Endorsed',
  declined: 'Not endorsed',
};

// An undecided endorsement reads as waiting only while the API says the bid waits for it: one
// withdrawn or failed first, or in a round past endorsement, can no longer be endorsed.
function endorsementText(state: Bid['endorsement']['state'], awaitingEndorsement: boolean) {
  return state === 'awaiting' && !awaitingEndorsement
    ? 'Not endorsed, no longer open to endorsement'
    : ENDORSEMENT_TEXT[state];
}

// A bid of the PCC's area as its pages read it: the bid, and whether the API says it waits for
// the PCC's endorsement now (from the area's ranking).
type ReadAreaBid = Bid & { awaitingEndorsement: boolean };

const bidPath = (id: string, then = '') => `/endorsements/bids/${encodeURIComponent(id)}${then}`;

// A PCC's side of its area's bids: the bids waiting for its endorsement in each round still
// endorsing, one bid read-only, and endorsing or declining it (with a reason for the bidder).
// The API decides who a PCC is and which bids are its area's: anyone else gets its refusal
// (another area's bid is not found; a bidder who is not a PCC cannot use the pages).
export function endorsementPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get(
    '/endorsements',
    forSignedIn(portal, async (me, request, reply) => {
      const rounds = await expectOk(
        me.api.GET('/api/v1/rounds', { params: { query: { limit: 100 } } }),
      );
      const endorsing = rounds.items.filter((round) => round.endorsing);
      const rankings = await Promise.all(
        endorsing.map((round) =>
          expectOk(
            me.api.GET('/api/v1/rounds/{roundId}/pcc-ranking', {
              params: { path: { roundId: round.id } },
            }),
          ),
        ),
      );
      return sendPage(
        portal,
        reply,
        'endorsements',
        frame(reply, 'Bids to endorse', me.session, { section: 'endorsements' }),
        {
          rounds: endorsing.map((round, index) => ({
            ...round,
            waiting: rankings[index].bids
              .filter((bid) => bid.awaitingEndorsement)
              .map(areaBidShown),
          })),
        },
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/endorsements/bids/:id',
    forSignedIn(portal, async (me, request, reply) => {
      const bid = await areaBid(me, request.params.id);
      return sendPage(
        portal,
        reply,
        'endorsement-bid',
        frame(reply, `${bid.reference}: ${bid.title} (your area’s bid)`, me.session, {
          section: 'endorsements',
        }),
        { bid: endorsementShown(bid) },
      );
    }),
  );

  // Endorsing is a confirm page and its form: one button, nothing to type.
  pages.get<{ Params: { id: string } }>(
    '/endorsements/bids/:id/endorse',
    forSignedIn(portal, async (me, request, reply) =>
      decisionPage(portal, me, reply, 'endorsement-endorse', await areaBid(me, request.params.id)),
    ),
  );

  pages.post<{ Params: { id: string } }>(
    '/endorsements/bids/:id/endorse',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      try {
        // Endorsing twice answers the bid as it stands: a form sent twice endorses once.
        await expectOk(me.api.POST('/api/v1/bids/{id}/endorse', { params: { path: { id } } }));
        return await reply.redirect(bidPath(id, '/decided'), 303);
      } catch (error) {
        const problems = formProblems(error);
        if (!problems) {
          throw error;
        }
        const bid = await areaBid(me, id);
        return decisionPage(portal, me, reply, 'endorsement-endorse', bid, { problems });
      }
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/endorsements/bids/:id/decline',
    forSignedIn(portal, async (me, request, reply) =>
      decisionPage(portal, me, reply, 'endorsement-decline', await areaBid(me, request.params.id)),
    ),
  );

  pages.post<{ Params: { id: string } }>(
    '/endorsements/bids/:id/decline',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const reason = formValue(request.body, 'reason');
      try {
        await expectOk(
          me.api.POST('/api/v1/bids/{id}/decline-endorsement', {
            params: { path: { id } },
            body: { reason },
          }),
        );
        return await reply.redirect(bidPath(id, '/decided'), 303);
      } catch (error) {
        const problems = formProblems(error, {
          reason: {
            field: 'reason',
            missing: { value: reason, say: 'Enter why you are not endorsing this bid' },
          },
        });
        if (!problems) {
          throw error;
        }
        const bid = await areaBid(me, id);
        return decisionPage(portal, me, reply, 'endorsement-decline', bid, { problems, reason });
      }
    }),
  );

  // What was decided: a confirmation panel, or back to the bid while nothing is.
  pages.get<{ Params: { id: string } }>(
    '/endorsements/bids/:id/decided',
    forSignedIn(portal, async (me, request, reply) => {
      const bid = await areaBid(me, request.params.id);
      const { state } = bid.endorsement;
      if (state !== 'endorsed' && state !== 'declined') {
        return reply.redirect(bidPath(bid.id), 303);
      }
      return sendPage(
        portal,
        reply,
        'endorsement-decided',
        frame(
          reply,
          state === 'endorsed' ? `${bid.reference} endorsed` : `${bid.reference} not endorsed`,
          me.session,
          { section: 'endorsements' },
        ),
        { bid: endorsementShown(bid), endorsed: state === 'endorsed' },
      );
    }),
  );
}

// A bid of the signed-in PCC's area. Reading the area's ranking of the bid's round is what
// asks the API whether this person is a PCC (a bidder who is not is refused, 403); the bid
// itself is not found for anyone outside its area.
async function areaBid(me: SignedIn, id: string): Promise<ReadAreaBid> {
  const bid = await expectOk(me.api.GET('/api/v1/bids/{id}', { params: { path: { id } } }));
  return { ...bid, awaitingEndorsement: await awaitsEndorsementNow(me, bid) };
}

function decisionPage(
  portal: Portal,
  me: SignedIn,
  reply: FastifyReply,
  page: 'endorsement-endorse' | 'endorsement-decline',
  bid: ReadAreaBid,
  refused: { problems?: FieldProblem[]; reason?: string } = {},
): FastifyReply {
  const title =
    page === 'endorsement-endorse'
      ? `Endorse ${bid.reference}`
      : `Decline to endorse ${bid.reference}`;
  return sendPage(
    portal,
    reply,
    page,
    frame(reply, title, me.session, { section: 'endorsements', problems: refused.problems }),
    // A refused reason is kept as typed.
    { bid: endorsementShown(bid), reason: refused.reason ?? '' },
    refused.problems ? 400 : 200,
  );
}

// A bid as the PCC's pages show it: the bidder's answers, and where its endorsement stands.
function endorsementShown(bid: ReadAreaBid) {
  return {
    ...bidShown(bid),
    endorsementText: endorsementText(bid.endorsement.state, bid.awaitingEndorsement),
    awaiting: bid.awaitingEndorsement,
    decidedAtUkTime: bid.endorsement.decidedAt
      ? formatLondonZoned(new Date(bid.endorsement.decidedAt))
      : '',
  };
}

// A bid of the area's list, with its link and money in pounds.
export function areaBidShown(bid: AreaBid) {
  return {
    ...bid,
    href: bidPath(bid.id),
    requested: formatPounds(bid.requestedPence),
    endorsementText: endorsementText(bid.endorsement, bid.awaitingEndorsement),
  };
}
