import { ApiProblem, expectOk } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import { formatPounds } from '../common/money';
import { amountsByYear, readAward, readOutcome, shownAward, statusOf } from './award-views';
import { streamFromApi } from './portal-api';
import { frame, forSignedIn, type Portal, sendPage } from './portal-request';

// After the decision: the organisation's awards, one award with its outcome and feedback, the
// offer letter (streamed through from the API), and a bid's outcome (what was decided: the
// award as decided with a link to the award, or the reason when it was not funded, and the
// feedback). Answering the offer is in award-offer.pages.ts.
// Staff the API lets read awards (finance, approvers, moderators, admins) see the same pages
// read only; anyone the API refuses gets its 404 or 403 page.
export function awardPages(portal: Portal, pages: FastifyInstance): void {
  pages.get(
    '/awards',
    forSignedIn(portal, async (me, request, reply) => {
      const list = await expectOk(
        me.api.GET('/api/v1/awards', {
          params: { query: { limit: 100, sort: '-publishedAt' } },
        }),
      );
      return sendPage(
        portal,
        reply,
        'awards',
        frame(reply, me.session.user?.role === 'applicant' ? 'Your awards' : 'Awards', me.session, {
          section: 'awards',
        }),
        {
          awards: list.items.map((award) => ({
            ...award,
            ...statusOf(award.status, award.offerLapsed),
            amount: formatPounds(award.amountPence),
          })),
          total: list.total,
        },
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/awards/:id',
    forSignedIn(portal, async (me, request, reply) => {
      const award = await readAward(me, request.params.id);
      const shown = shownAward(award, me);
      const [outcome, position] = await Promise.all([
        readOutcome(me, award.bidId),
        shown.accepted
          ? expectOk(
              me.api.GET('/api/v1/awards/{id}/position', { params: { path: { id: award.id } } }),
            ).catch((error: unknown) => {
              // A closed-out round's position is no longer kept: the page goes without it.
              if (error instanceof ApiProblem && error.status === 409) {
                return undefined;
              }
              throw error;
            })
          : undefined,
      ]);
      return sendPage(
        portal,
        reply,
        'award',
        frame(reply, `${award.reference}: grant award`, me.session, { section: 'awards' }),
        {
          award: shown,
          outcome,
          position: position && {
            paid: formatPounds(position.total.paidPence),
            approved: formatPounds(position.total.approvedPence),
            released: formatPounds(position.total.releasedPence),
            remaining: formatPounds(position.total.remainingPence),
            returns: position.returns.map((scheduled) => ({
              ...scheduled,
              name: `Q${scheduled.quarter} ${scheduled.financialYear}`,
            })),
          },
        },
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/awards/:id/offer-letter',
    forSignedIn(portal, async (me, request, reply) =>
      streamFromApi(
        portal.app,
        request,
        me.tokens,
        `/api/v1/awards/${encodeURIComponent(request.params.id)}/offer-letter`,
        reply,
      ),
    ),
  );

  pages.get<{ Params: { id: string } }>(
    '/bids/:id/outcome',
    forSignedIn(portal, async (me, request, reply) => {
      const outcome = await readOutcome(me, request.params.id);
      if (!outcome) {
        // Not published yet: as far as the bidder can tell, there is no outcome page.
        throw new ApiProblem(404, undefined);
      }
      // An award's outcome is what was decided; the award's own page shows its terms now.
      const awarded = outcome.outcome === 'awarded';
      // The API gives an applicant only their own organisation's outcome: one reading it is its
      // bidder, spoken to. Anyone else is staff (AWARD_READERS), who read of the bid, and of its
      // award on the award's page (GET /awards/{id} lets them, published or not).
      const bidder = me.session.user?.role === 'applicant';
      return sendPage(
        portal,
        reply,
        'bid-outcome',
        frame(
          reply,
          `${outcome.reference}: the outcome of ${bidder ? 'your' : 'the'} bid`,
          me.session,
          { section: 'bids' },
        ),
        {
          outcome,
          awarded,
          bidder,
          decided: awarded ? amountsByYear(outcome.lines, outcome.amountPence) : undefined,
          requested: formatPounds(outcome.requestedPence),
        },
      );
    }),
  );
}
