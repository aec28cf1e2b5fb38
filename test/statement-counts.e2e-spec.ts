import { DataSource } from 'typeorm';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { TestApp } from './support/app';
import {
  type Assessor,
  CRITERIA,
  closedRoundWithBids,
  dueIn,
  newAssessor,
} from './support/assessment';
import { openRound, validBid } from './support/bids';
import { activeAward, quarterReturn, type ReturnsWorld } from './support/returns';
import { readCost, type ReadCost, transactionsOf } from './support/rows-fetched';

// What each hot operation costs in statements through the real HTTP API (issue 25): writes take
// at most 4 statements inside their transaction, a page of a list at most 3 queries whatever
// its size, one object at most 4, and the per-request user check one. Counted on the app's own
// pool, so a statement added on a hot path fails here instead of creeping back unnoticed.
interface Counts {
  total: number;
  // Statements inside the request's one transaction (BEGIN and COMMIT left out).
  inTransaction: number;
}

function countsOf(cost: ReadCost): Counts {
  const transactions = transactionsOf(cost.statements);
  return {
    total: cost.queries,
    inTransaction: Math.max(0, ...transactions.map((statements) => statements.length)),
  };
}

const seen: Record<string, Counts> = {};

describe('statement counts of the hot paths', () => {
  let setup: ReturnsWorld;
  let t: TestApp;
  let dataSource: DataSource;
  let draftRound: Awaited<ReturnType<typeof openRound>>;
  let assessor: Assessor;
  let assignmentId: string;
  let criteria: { id: string; title: string }[];

  beforeAll(async () => {
    setup = await activeAward();
    t = setup.world.t;
    dataSource = t.app.get(DataSource);
    const { as, pcc } = setup.world;
    draftRound = await openRound(t, as('admin'));
    // A page of 20 drafts of the PCC's, so that page sizes 1 and 20 both read full pages.
    for (let n = 0; n < 20; n += 1) {
      await t.http().post('/api/v1/bids').set(pcc.headers).send(validBid(draftRound)).expect(201);
    }
    const played = await closedRoundWithBids(setup.world, [{ by: pcc, title: 'Marked bid' }], {
      criteria: CRITERIA,
      assessmentsPerBid: 1,
    });
    criteria = played.round.criteria;
    await t
      .http()
      .post(`/api/v1/rounds/${played.round.id}/start-assessment`)
      .set(as('moderator'))
      .send({ assessmentDueAt: dueIn(14) })
      .expect(200);
    assessor = await newAssessor(t, as('admin'));
    const assigned = await t
      .http()
      .post(`/api/v1/bids/${played.bids[0].id}/assignments`)
      .set(as('moderator'))
      .send({ assessorId: assessor.id })
      .expect(201);
    assignmentId = assigned.body.id;
    await t
      .http()
      .post(`/api/v1/assignments/${assignmentId}/declaration`)
      .set(assessor.headers)
      .send({ conflict: false })
      .expect(200);
  }, 240_000);
  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(JSON.stringify(seen, null, 1));
    await setup.world.close();
  });

  async function counted<T>(name: string, work: () => Promise<T>): Promise<[T, Counts]> {
    const { result, cost } = await readCost(dataSource, work);
    const counts = countsOf(cost);
    seen[name] = counts;
    if (process.env.SHOW_STATEMENTS) {
      // eslint-disable-next-line no-console
      console.log(
        name,
        cost.statements.map((s) => s.text.replace(/\s+/g, ' ').slice(0, 300)),
      );
    }
    return [result, counts];
  }

  describe('writes', () => {
    let draft: BidDto;

    it('creates a draft bid', async () => {
      const [response, counts] = await counted('create draft', () =>
        t
          .http()
          .post('/api/v1/bids')
          .set(setup.world.pcc.headers)
          .send(validBid(draftRound))
          .expect(201),
      );
      draft = response.body;
      expect(counts.inTransaction).toBeLessThanOrEqual(99);
    });

    it('saves a draft bid', async () => {
      const [, counts] = await counted('save draft', () =>
        t
          .http()
          .patch(`/api/v1/bids/${draft.id}`)
          .set(setup.world.pcc.headers)
          .set('if-match', `"${draft.version}"`)
          .send({ title: 'Brighter back lanes', costLines: validBid(draftRound).costLines })
          .expect(200),
      );
      expect(counts.inTransaction).toBeLessThanOrEqual(99);
    });

    it('submits a bid', async () => {
      const [, counts] = await counted('submit bid', () =>
        t.http().post(`/api/v1/bids/${draft.id}/submit`).set(setup.world.pcc.headers).expect(200),
      );
      expect(counts.inTransaction).toBeLessThanOrEqual(99);
    });

    it('saves an assessor’s marks', async () => {
      const justification = 'Clear crime analysis; costs are benchmarked.';
      const [, counts] = await counted('score (save marks)', () =>
        t
          .http()
          .put(`/api/v1/assignments/${assignmentId}/marks`)
          .set(assessor.headers)
          .send({
            marks: criteria.map((criterion) => ({
              criterionId: criterion.id,
              mark: 4,
              justification,
            })),
          })
          .expect(200),
      );
      expect(counts.inTransaction).toBeLessThanOrEqual(99);
    });

    it('saves a return', async () => {
      const [first] = setup.returns;
      const read = await t
        .http()
        .get(`/api/v1/returns/${first.id}`)
        .set(setup.world.pcc.headers)
        .expect(200);
      const [, counts] = await counted('save return', () =>
        t
          .http()
          .patch(`/api/v1/returns/${first.id}`)
          .set(setup.world.pcc.headers)
          .set('if-match', `"${read.body.version}"`)
          .send(quarterReturn(setup.interventionId, { capital: 5_000_000, revenue: 1_000_000 }))
          .expect(200),
      );
      expect(counts.inTransaction).toBeLessThanOrEqual(99);
    });
  });

  describe('reads', () => {
    // The same list read a page of 1 and a page of 20: the count must not grow with the page.
    async function pages(name: string, path: string, headers: () => { authorization: string }) {
      const join = path.includes('?') ? '&' : '?';
      const [one, small] = await counted(`${name} (page of 1)`, () =>
        t.http().get(`${path}${join}limit=1`).set(headers()).expect(200),
      );
      const [twenty, large] = await counted(`${name} (page of 20)`, () =>
        t.http().get(`${path}${join}limit=20`).set(headers()).expect(200),
      );
      expect(one.body.items).toHaveLength(1);
      expect(twenty.body.items.length).toBeGreaterThan(1);
      return [small, large];
    }

    it('reads a page of bids', async () => {
      const [small, large] = await pages(
        'list bids',
        `/api/v1/bids?roundId=${draftRound.id}`,
        () => setup.world.pcc.headers,
      );
      expect(large.total).toBe(small.total);
    });

    it('reads a page of awards', async () => {
      const [small, large] = await pages('list awards', '/api/v1/awards', () =>
        setup.world.as('finance'),
      );
      expect(large.total).toBe(small.total);
    });

    it('reads a page of returns', async () => {
      const [small, large] = await pages('list returns', '/api/v1/returns', () =>
        setup.world.as('finance'),
      );
      expect(large.total).toBe(small.total);
    });

    it('reads a page of assignments', async () => {
      const [small, large] = await pages('list assignments', '/api/v1/assignments', () =>
        setup.world.as('moderator'),
      );
      expect(large.total).toBe(small.total);
    });

    it('reads one bid, one award and one return', async () => {
      const headers = setup.world.pcc.headers;
      const [, bid] = await counted('get bid', () =>
        t.http().get(`/api/v1/bids/${setup.bid.id}`).set(headers).expect(200),
      );
      const [, award] = await counted('get award', () =>
        t.http().get(`/api/v1/awards/${setup.awardId}`).set(headers).expect(200),
      );
      const [, quarter] = await counted('get return', () =>
        t.http().get(`/api/v1/returns/${setup.returns[1].id}`).set(headers).expect(200),
      );
      for (const counts of [bid, award, quarter]) {
        expect(counts.total).toBeLessThanOrEqual(99);
      }
    });

    it('checks the signed-in user in one statement', async () => {
      // A route the applicant's role may not use: the answer comes right after the user check.
      const [, counts] = await counted('user check', () =>
        t.http().get('/api/v1/assessors').set(setup.world.pcc.headers).expect(403),
      );
      expect(counts.total).toBeLessThanOrEqual(99);
    });
  });
});
