import { ApiProblem, expectOk } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import type { FieldProblem } from './portal-views';
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
import type { Bid, Round, Values } from './bid-section-kit';
import { SECTIONS } from './bid-section-forms';

const STALE =
  'Someone else changed this bid after you opened this page. Its current answers are shown: check them, make your change again and save.';

// The pages of the bid's sections after "About your project" (bids.pages.ts): the area, the crime
// problem, interventions, costs, match funding, partners and the delivery plan. Each section's
// form (bid-section-forms.ts, bid-money-forms.ts) says what it shows and how it reads a post.
export function bidSectionPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };
  for (const section of SECTIONS) {
    const page = `bid-${section.slug}`;
    const show = (
      reply: Parameters<typeof sendPage>[1],
      me: SignedIn,
      bid: Bid,
      round: Round,
      values: Values,
      problems?: FieldProblem[],
      status = 200,
    ) =>
      sendPage(
        portal,
        reply,
        page,
        frame(reply, section.heading, me.session, { section: 'bids', problems }),
        {
          bid,
          heading: section.heading,
          values,
          version: bid.version,
          ...section.more?.(bid, round, values),
        },
        status,
      );

    pages.get<{ Params: { id: string } }>(
      `/bids/:id/${section.slug}`,
      forSignedIn(portal, async (me, request, reply) => {
        const { bid, round } = await bidAndRound(me, request.params.id);
        return show(reply, me, bid, round, section.valuesOf(bid, round));
      }),
    );

    pages.post<{ Params: { id: string } }>(
      `/bids/:id/${section.slug}`,
      protect,
      forSignedIn(portal, async (me, request, reply) => {
        const id = request.params.id;
        const { round } = await bidAndRound(me, id);
        const form = section.read(request.body, round);
        const stay = formValue(request.body, 'then') === 'stay';
        let problems = form.problems;
        let stale = false;
        if (problems.length === 0) {
          try {
            await expectOk(
              me.api.PATCH('/api/v1/bids/{id}', {
                params: { path: { id } },
                body: form.changes,
                // The version the form was made from: someone else's change since is refused.
                headers: ifMatchOf(request.body),
              }),
            );
            const back = `/bids/${encodeURIComponent(id)}${stay ? `/${section.slug}` : ''}`;
            return await reply.redirect(back, 303);
          } catch (error) {
            stale = error instanceof ApiProblem && error.status === 412;
            const refused = stale
              ? [{ field: section.firstField, message: STALE }]
              : formProblems(error, form.fieldOf);
            if (!refused) {
              throw error;
            }
            problems = refused;
          }
        }
        const { bid } = await bidAndRound(me, id);
        // A stale form shows what the bid holds now; a refused one keeps what was typed.
        const values = stale ? section.valuesOf(bid, round) : form.values;
        return show(reply, me, bid, round, values, problems, stale ? 409 : 400);
      }),
    );
  }
}

async function bidAndRound(me: SignedIn, id: string): Promise<{ bid: Bid; round: Round }> {
  const bid = await expectOk(me.api.GET('/api/v1/bids/{id}', { params: { path: { id } } }));
  const round = await expectOk(
    me.api.GET('/api/v1/rounds/{id}', { params: { path: { id: bid.roundId } } }),
  );
  return { bid, round };
}
