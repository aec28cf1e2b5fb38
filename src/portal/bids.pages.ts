import { ApiProblem, expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import { AWARD_READERS } from '../awards/award-lifecycle';
import { formatPounds } from '../common/money';
import { bidTaskList } from './bid-task-list';
import type { PortalUser } from './portal-sessions';
import {
  formProblems,
  formValue,
  frame,
  type Portal,
  sendPage,
  forSignedIn,
  ifMatchOf,
  type SignedIn,
} from './portal-request';

type Bid = Schemas['BidDto'];

// How a bid's status reads to its bidder.
const BID_STATUS_TEXT: Record<Bid['status'], string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  eligibility_failed: 'Not eligible',
  in_assessment: 'Being assessed',
  moderated: 'Assessed',
  awarded: 'Awarded',
  unsuccessful: 'Unsuccessful',
  withdrawn: 'Withdrawn',
};

// The link to a decided bid's outcome, in its reader's words (outcomeReader).
const OUTCOME_LINK_TEXT = {
  bidder: {
    awarded: 'Read the outcome and your grant offer',
    unsuccessful: 'Read the outcome and feedback',
  },
  staff: { awarded: 'Read the outcome', unsuccessful: 'Read the outcome and feedback given' },
} as const;

// A bidder's bids: their organisation's list, one bid (a draft's task list, or its answers), and
// changing its first section (the others are in bid-sections.pages.ts).
export function bidPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get(
    '/bids',
    forSignedIn(portal, async (me, request, reply) => {
      const list = await expectOk(
        me.api.GET('/api/v1/bids', { params: { query: { limit: 100 } } }),
      );
      // A bidder sees their organisation's bids; staff, every bid the API lets them read.
      const bidder = me.session.user?.role === 'applicant';
      const heading = bidder ? 'Your bids' : 'Bids';
      return sendPage(
        portal,
        reply,
        'bids',
        frame(reply, heading, me.session, { section: 'bids' }),
        {
          heading,
          bidder,
          bids: list.items.map(shown),
          total: list.total,
        },
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/bids/:id',
    forSignedIn(portal, async (me, request, reply) => {
      const bid = await expectOk(
        me.api.GET('/api/v1/bids/{id}', { params: { path: { id: request.params.id } } }),
      );
      // A draft is a task list of its sections; any other bid a summary of its answers.
      const documents =
        bid.status === 'draft'
          ? await expectOk(
              me.api.GET('/api/v1/bids/{id}/documents', { params: { path: { id: bid.id } } }),
            )
          : undefined;
      const reader = outcomeReader(me.session.user, bid);
      // The area's PCC, come from the email asking for its endorsement, is sent on to it while
      // the bid waits for it (not once withdrawn, say), as the API says.
      const awaitsYourEndorsement =
        me.session.user?.organisationType === 'pcc' &&
        bid.endorsement.state === 'awaiting' &&
        (await awaitsEndorsementNow(me, bid));
      return sendPage(
        portal,
        reply,
        'bid',
        frame(reply, `${bid.reference}: ${bid.title}`, me.session, { section: 'bids' }),
        {
          bid: shown(bid),
          tasks: documents ? bidTaskList(bid, documents.items.length) : undefined,
          // The receipt is the bidder's own: no other organisation gets it.
          receipt: Boolean(bid.submittedAt) && isOwnBid(me.session.user, bid),
          // A decided bid's outcome, for those the API gives it to.
          outcomeLink:
            reader && (bid.status === 'awarded' || bid.status === 'unsuccessful')
              ? OUTCOME_LINK_TEXT[reader][bid.status]
              : undefined,
          awaitsYourEndorsement,
        },
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/bids/:id/about',
    forSignedIn(portal, async (me, request, reply) => {
      const bid = await expectOk(
        me.api.GET('/api/v1/bids/{id}', { params: { path: { id: request.params.id } } }),
      );
      return sendPage(
        portal,
        reply,
        'bid-about',
        frame(reply, 'About your project', me.session, { section: 'bids' }),
        {
          bid,
          values: { title: bid.title, summary: bid.summary ?? '' },
          version: bid.version,
        },
      );
    }),
  );

  pages.post<{ Params: { id: string } }>(
    '/bids/:id/about',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const values = {
        title: formValue(request.body, 'title').trim(),
        summary: formValue(request.body, 'summary').trim(),
      };
      try {
        await expectOk(
          me.api.PATCH('/api/v1/bids/{id}', {
            params: { path: { id } },
            body: values,
            // The version the form was made from: someone else's change since is refused (412).
            headers: ifMatchOf(request.body),
          }),
        );
        return await reply.redirect(`/bids/${encodeURIComponent(id)}`, 303);
      } catch (error) {
        const stale = error instanceof ApiProblem && error.status === 412;
        const problems = stale
          ? [
              {
                field: 'title',
                message:
                  'Someone else changed this bid after you opened this page. Its current answers are shown: check them, make your change again and save.',
              },
            ]
          : formProblems(error, { title: 'title', summary: 'summary' });
        if (!problems) {
          throw error;
        }
        const bid = await expectOk(me.api.GET('/api/v1/bids/{id}', { params: { path: { id } } }));
        return sendPage(
          portal,
          reply,
          'bid-about',
          frame(reply, 'About your project', me.session, { section: 'bids', problems }),
          {
            bid,
            // A stale form shows what the bid holds now; a refused one keeps what was typed.
            values: stale ? { title: bid.title, summary: bid.summary ?? '' } : values,
            version: bid.version,
          },
          stale ? 409 : 400,
        );
      }
    }),
  );
}

// Whether the bid is the signed-in bidder's own organisation's: its receipt is theirs alone (the
// area's PCC reads its other bids, staff read submitted ones). A session from before the
// organisation was kept in it counts an applicant's readable bid as their own.
export function isOwnBid(user: PortalUser | undefined, bid: Pick<Bid, 'organisationId'>): boolean {
  return (
    user?.role === 'applicant' && (user.organisationId ?? bid.organisationId) === bid.organisationId
  );
}

// Who reads the bid's published outcome, as GET /bids/{id}/outcome decides: its bidder's
// organisation, and staff of a role that reads awards (AWARD_READERS: not assessors). Any other
// organisation, the area's PCC reading a council's bid say, is refused it (404): undefined.
export function outcomeReader(
  user: PortalUser | undefined,
  bid: Pick<Bid, 'organisationId'>,
): 'bidder' | 'staff' | undefined {
  if (!user || user.role === 'applicant') {
    return isOwnBid(user, bid) ? 'bidder' : undefined;
  }
  return (AWARD_READERS as readonly string[]).includes(user.role) ? 'staff' : undefined;
}

// Whether the API says the bid waits for the signed-in PCC's endorsement now (submitted,
// undecided, in a round still endorsing): its area's ranking of the bid's round answers it. A
// bidder who is not a PCC is refused the ranking (403).
export async function awaitsEndorsementNow(
  me: SignedIn,
  bid: Pick<Bid, 'id' | 'roundId'>,
): Promise<boolean> {
  const ranking = await expectOk(
    me.api.GET('/api/v1/rounds/{roundId}/pcc-ranking', {
      params: { path: { roundId: bid.roundId } },
    }),
  );
  return ranking.bids.find((entry) => entry.id === bid.id)?.awaitingEndorsement ?? false;
}

// A bid as its pages show it: status in words, money in pounds.
export function shown(bid: Bid) {
  return {
    ...bid,
    statusText: BID_STATUS_TEXT[bid.status],
    draft: bid.status === 'draft',
    requested: formatPounds(bid.requestedPence),
    matchFunding: formatPounds(bid.matchFundingPence),
    costLines: (bid.costLines ?? []).map((line) => ({
      ...line,
      amount: formatPounds(line.amountPence),
    })),
  };
}
