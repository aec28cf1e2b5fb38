import type { AwardSummaryDto } from '../src/awards/award-list.dto';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import { expectProblem, type TestApp } from './support/app';
import type { ModeratedRound } from './support/awards';
import type { Bidder, BiddingWorld } from './support/bids';
import {
  clearForPublication,
  decideOffers,
  FY,
  offersWorld,
  type OffersWorld,
  Y,
} from './support/offers';

// GET /awards: who sees which awards, the filters, sort, search and paging, and what each item
// carries for a list screen.
describe('awards: the list', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let offers: OffersWorld;
  let played: ModeratedRound;
  let cleveland: Bidder;
  let P1: BidDto, P3: BidDto, C1: BidDto, C2: BidDto;
  const as = (role: Role) => world.as(role);
  const api = () => t.http();
  const list = async (
    headers: Record<string, string>,
    query: Record<string, string | number> = {},
  ) =>
    (await api().get('/api/v1/awards').set(headers).query(query).expect(200)).body as {
      items: AwardSummaryDto[];
      total: number;
      limit: number;
      offset: number;
    };
  const refs = (items: AwardSummaryDto[]) => items.map((item) => item.reference);

  beforeAll(async () => {
    offers = await offersWorld();
    ({ world, played, cleveland } = offers);
    t = world.t;
    ({ P1, P3, C1, C2 } = offers.bids);
    await clearForPublication(offers, (await decideOffers(offers)).id);
  }, 120_000);
  afterAll(() => world.close());

  it('shows staff the round’s awards before publication, and bidders none of them', async () => {
    const staff = await list(as('finance'), { roundId: played.round.id });
    expect(refs(staff.items)).toEqual([P1, P3, C1, C2].map((bid) => bid.reference).sort());
    expect(staff.items.every((item) => item.publishedAt === null)).toBe(true);
    const mine = await list(world.pcc.headers, { roundId: played.round.id });
    expect(mine).toMatchObject({ items: [], total: 0 });
  });

  describe('once outcomes are published', () => {
    beforeAll(async () => {
      await api()
        .post(`/api/v1/rounds/${played.round.id}/publish-outcomes`)
        .set(as('admin'))
        .expect(200);
    }, 60_000);

    it('shows each bidder their own organisation’s awards only', async () => {
      const pcc = await list(world.pcc.headers, { limit: 100 });
      expect(pcc.items.length).toBeGreaterThan(0);
      expect(pcc.items.every((item) => item.organisationId === P1.organisationId)).toBe(true);
      expect(refs(pcc.items)).toEqual(expect.arrayContaining([P1.reference, P3.reference]));
      expect(refs(pcc.items)).not.toContain(C1.reference);
      const other = await list(cleveland.headers, { roundId: played.round.id });
      expect(refs(other.items)).toEqual([C1.reference, C2.reference].sort());
      expect(other.total).toBe(2);
      // Naming another organisation's award by its search text finds nothing either.
      expect((await list(cleveland.headers, { q: P1.reference })).total).toBe(0);
      const p1 = pcc.items.find((item) => item.reference === P1.reference) as AwardSummaryDto;
      await api().get(`/api/v1/awards/${p1.id}`).set(cleveland.headers).expect(404);
    });

    it('carries what a list screen shows, the next return once accepted', async () => {
      let [p1] = (await list(world.pcc.headers, { q: P1.reference })).items;
      expect(p1).toMatchObject({
        reference: P1.reference,
        bidId: P1.id,
        bidTitle: P1.title,
        organisationId: P1.organisationId,
        organisationName: P1.organisationName,
        roundId: played.round.id,
        roundCode: played.round.code,
        status: 'offered',
        amountPence: P1.requestedPence,
        offerLapsed: false,
        acceptedAt: null,
        nextReturn: null,
      });
      const capital = (P1.costLines ?? []).filter((l) => l.kind === 'capital');
      expect(p1.capitalPence).toBe(capital.reduce((sum, l) => sum + l.amountPence, 0));
      expect(p1.capitalPence + p1.revenuePence).toBe(p1.amountPence);
      // The UK clock with its zone named, as every UK time the API shows.
      expect(p1.offerExpiresUkTime).toMatch(/^\d{1,2} \w+ \d{4} \d{2}:\d{2}:\d{2} (GMT|BST)$/);
      expect(new Date(p1.offerExpiresAt as unknown as string).getTime()).toBeGreaterThan(
        Date.now(),
      );

      await api()
        .post(`/api/v1/awards/${p1.id}/accept`)
        .set(world.pcc.headers)
        .send({
          signatoryName: 'Kim McGuinness',
          signatoryPosition: 'Police and Crime Commissioner',
        })
        .expect(200);
      [p1] = (await list(world.pcc.headers, { q: P1.reference })).items;
      expect(p1.status).toBe('active');
      expect(p1.acceptedAt).not.toBeNull();
      // Delivery starts on 10 May: the first return is Q1 of that financial year.
      expect(p1.nextReturn).toEqual({
        id: expect.any(String),
        quarterLabel: `Q1 ${FY}`,
        financialYear: FY,
        quarter: 1,
        dueOn: `${Y}-07-21`,
        status: 'upcoming',
        overdue: false,
      });
    });

    it('filters by status and round, and refuses a status that is not an award’s', async () => {
      const active = await list(as('approver'), { roundId: played.round.id, status: 'active' });
      expect(refs(active.items)).toEqual([P1.reference]);
      const offered = await list(as('approver'), { roundId: played.round.id, status: 'offered' });
      expect(refs(offered.items)).toEqual([P3, C1, C2].map((bid) => bid.reference).sort());
      const bad = await api()
        .get('/api/v1/awards')
        .set(as('approver'))
        .query({ status: 'rejected' })
        .expect(400);
      expectProblem(bad.body, 400);
      expect(JSON.stringify(bad.body)).toContain('status must be one of pending_second_approval');
    });

    it('sorts by an allowed field either way, with a stable tie-breaker', async () => {
      const byAmount = await list(as('admin'), { roundId: played.round.id, sort: '-amountPence' });
      expect(byAmount.items[0].reference).toBe(P1.reference);
      const amounts = byAmount.items.map((item) => item.amountPence);
      expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
      // P3, C1 and C2 are the same £200,000: the tie is broken the same way every time.
      const again = await list(as('admin'), { roundId: played.round.id, sort: '-amountPence' });
      expect(refs(again.items)).toEqual(refs(byAmount.items));
      const desc = await list(as('admin'), { roundId: played.round.id, sort: '-reference' });
      expect(refs(desc.items)).toEqual(
        [P1, P3, C1, C2]
          .map((bid) => bid.reference)
          .sort()
          .reverse(),
      );
      const bad = await api().get('/api/v1/awards').set(as('admin')).query({ sort: 'colour' });
      expect(bad.status).toBe(400);
      expectProblem(bad.body, 400);
      expect(JSON.stringify(bad.body)).toContain('sort must be one of reference, -reference');
    });

    it('pages without overlap or gaps', async () => {
      const all = await list(as('moderator'), {
        roundId: played.round.id,
        sort: 'organisationName',
      });
      expect(all.total).toBe(4);
      const pages = [];
      for (let offset = 0; offset < 4; offset += 3) {
        const page = await list(as('moderator'), {
          roundId: played.round.id,
          sort: 'organisationName',
          limit: 3,
          offset,
        });
        expect(page).toMatchObject({ total: 4, limit: 3, offset });
        pages.push(...refs(page.items));
      }
      expect(pages).toEqual(refs(all.items));
    });

    it('searches reference, title and organisation name, wildcards taken literally', async () => {
      const byName = await list(as('finance'), {
        roundId: played.round.id,
        q: 'cleveland',
      });
      expect(refs(byName.items)).toEqual([C1.reference, C2.reference].sort());
      const byTitle = await list(as('finance'), { q: P3.title.toUpperCase() });
      expect(refs(byTitle.items)).toContain(P3.reference);
      for (const q of ['%', '_', '\\']) {
        expect((await list(as('finance'), { roundId: played.round.id, q })).total).toBe(0);
      }
      const long = await api()
        .get('/api/v1/awards')
        .set(as('finance'))
        .query({ q: 'x'.repeat(101) })
        .expect(400);
      expectProblem(long.body, 400);
    });

    it('is not for assessors', async () => {
      await api().get('/api/v1/awards').set(as('assessor')).expect(403);
    });
  });
});
