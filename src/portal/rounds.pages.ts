import { randomUUID } from 'node:crypto';
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
          canStart: round.status === 'open' && me.session.user?.role === 'applicant',
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

// A round's rules as a bidder reads them, money in pounds.
function roundFacts(round: Schemas['RoundDto']) {
  return {
    ...round,
    cap: formatPounds(round.capPerBidPence),
    yearCaps: round.yearCaps.map((cap) => ({ ...cap, cap: formatPounds(cap.capPence) })),
  };
}
