import { randomUUID } from 'node:crypto';
import { expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import { formatLondonZoned } from '../common/london-time';
import { formatPounds } from '../common/money';
import { isOpeningLater, isWindowOpen } from '../rounds/round-lifecycle';
import {
  formProblems,
  formValue,
  frame,
  type Portal,
  sendPage,
  forSignedIn,
  idempotencyKeyOf,
} from './portal-request';

// Funding rounds as bidders meet them: the rounds open now, one round's rules, and starting a
// bid in it.
export function roundPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get(
    '/rounds',
    forSignedIn(portal, async (me, request, reply) => {
      const open = await expectOk(
        me.api.GET('/api/v1/rounds', { params: { query: { status: 'open', limit: 100 } } }),
      );
      return sendPage(
        portal,
        reply,
        'rounds',
        frame(reply, 'Funding rounds open for bids', me.session, { section: 'rounds' }),
        {
          rounds: open.items.map((round) => ({
            ...round,
            cap: formatPounds(round.capPerBidPence),
          })),
        },
      );
    }),
  );

  pages.get<{ Params: { id: string } }>(
    '/rounds/:id',
    forSignedIn(portal, async (me, request, reply) => {
      const round = await expectOk(
        me.api.GET('/api/v1/rounds/{id}', { params: { path: { id: request.params.id } } }),
      );
      return sendPage(
        portal,
        reply,
        'round',
        frame(reply, round.name, me.session, { section: 'rounds' }),
        {
          round: roundFacts(round),
          // A new key per page shown: a form sent twice (a double click) starts one bid.
          startKey: randomUUID(),
          canStart: takingBids(round),
        },
      );
    }),
  );

  pages.post<{ Params: { id: string } }>(
    '/rounds/:id/bids',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const title = formValue(request.body, 'title').trim();
      const roundId = request.params.id;
      try {
        const bid = await expectOk(
          me.api.POST('/api/v1/bids', {
            body: { roundId, title },
            headers: idempotencyKeyOf(request.body, 'startKey'),
          }),
        );
        return await reply.redirect(`/bids/${encodeURIComponent(bid.id)}`, 303);
      } catch (error) {
        const problems = formProblems(error, { title: 'title', roundId: 'title' });
        if (!problems) {
          throw error;
        }
        const round = await expectOk(
          me.api.GET('/api/v1/rounds/{id}', { params: { path: { id: roundId } } }),
        );
        return sendPage(
          portal,
          reply,
          'round',
          frame(reply, round.name, me.session, { section: 'rounds', problems }),
          { round: roundFacts(round), startKey: randomUUID(), canStart: true, values: { title } },
          400,
        );
      }
    }),
  );
}

// Whether the round takes the bidder's bids now: the round lifecycle's rule, with the
// organisation's own close time (a deadline extension's, if any).
function takingBids(round: Schemas['RoundDto'], now = new Date()): boolean {
  const window = { status: round.status, opensAt: new Date(round.opensAt) };
  return isWindowOpen(window, new Date(round.yourClosesAt ?? round.closesAt), now);
}

// A round's rules as a bidder reads them, money in pounds; one that opens later says when.
function roundFacts(round: Schemas['RoundDto'], now = new Date()) {
  const opensAt = new Date(round.opensAt);
  return {
    ...round,
    opensLater: isOpeningLater({ status: round.status, opensAt }, now)
      ? formatLondonZoned(opensAt)
      : undefined,
    cap: formatPounds(round.capPerBidPence),
    yearCaps: round.yearCaps.map((cap) => ({ ...cap, cap: formatPounds(cap.capPence) })),
  };
}
