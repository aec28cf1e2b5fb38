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

// Funding rounds as bidders meet them: the rounds open now and those opening later, one round's
// rules, and starting a bid in it.
export function roundPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get(
    '/rounds',
    forSignedIn(portal, async (me, request, reply) => {
      const open = await expectOk(
        me.api.GET('/api/v1/rounds', {
          params: { query: { status: 'open', sort: 'closesAt', limit: 100 } },
        }),
      );
      return sendPage(
        portal,
        reply,
        'rounds',
        frame(reply, 'Funding rounds open for bids', me.session, { section: 'rounds' }),
        { rounds: biddingRounds(open.items) },
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

// A round's bidding window as this bidder has it: the organisation's own close time (a deadline
// extension's, if any).
function windowOf(round: Schemas['RoundDto']) {
  return {
    window: { status: round.status, opensAt: new Date(round.opensAt) },
    closesAt: new Date(round.yourClosesAt ?? round.closesAt),
  };
}

// Whether the round takes the bidder's bids now: the round lifecycle's rule.
function takingBids(round: Schemas['RoundDto'], now = new Date()): boolean {
  const { window, closesAt } = windowOf(round);
  return isWindowOpen(window, closesAt, now);
}

// When a round that is open but not begun yet opens, on the UK clock with its zone.
function opensLater(round: Schemas['RoundDto'], now: Date): string | undefined {
  const { window } = windowOf(round);
  return isOpeningLater(window, now) ? formatLondonZoned(window.opensAt) : undefined;
}

// The open rounds as the list shows them: taking bids now, closing soonest first, then opening
// later, opening soonest first. One whose window is over (still open until the programme team
// closes it) takes no more bids and is left out.
function biddingRounds(rounds: Schemas['RoundDto'][], now = new Date()) {
  const timed = rounds.map((round) => ({ round, ...windowOf(round) }));
  const taking = timed
    .filter(({ window, closesAt }) => isWindowOpen(window, closesAt, now))
    .sort((a, b) => a.closesAt.getTime() - b.closesAt.getTime());
  const later = timed
    .filter(({ window }) => isOpeningLater(window, now))
    .sort((a, b) => a.window.opensAt.getTime() - b.window.opensAt.getTime());
  return [...taking, ...later].map(({ round, closesAt }) => ({
    ...round,
    opensLater: opensLater(round, now),
    closes: formatLondonZoned(closesAt),
    extended: closesAt.getTime() !== new Date(round.closesAt).getTime(),
    cap: formatPounds(round.capPerBidPence),
  }));
}

// A round's rules as a bidder reads them, money in pounds; one that opens later says when.
function roundFacts(round: Schemas['RoundDto'], now = new Date()) {
  return {
    ...round,
    opensLater: opensLater(round, now),
    cap: formatPounds(round.capPerBidPence),
    yearCaps: round.yearCaps.map((cap) => ({ ...cap, cap: formatPounds(cap.capPence) })),
  };
}
