import { DataSource } from 'typeorm';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { CreateBidDto } from '../src/bids/bid.dto';
import type { Role } from '../src/common/access';
import { startApp, TestApp, tokensByRole } from './support/app';
import { Bidder, bidderOf, openRound, organisationIds } from './support/bids';
import { largestBid, largestRound } from './support/largest-shapes';
import { readCost } from './support/rows-fetched';

const MB = 1_048_576;

// What a bid reads back as: what was sent, in the order sent, with the server's parts added.
function expectSameContent(read: BidDto, sent: CreateBidDto): void {
  const { roundId, interventions, ...rest } = sent;
  expect(read.roundId).toBe(roundId);
  expect(read).toEqual(expect.objectContaining(rest));
  expect(read.interventions.map(({ id: _id, ...intervention }) => intervention)).toEqual(
    interventions,
  );
}

// Reads with many lines of each kind: each list of lines is gathered on its own, so a read costs
// what the bid holds, not the product of its list lengths.
describe('bids: reads of the largest bids', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let council: Bidder;
  let tokens: Record<Role, string>;
  let round: Awaited<ReturnType<typeof openRound>>;

  beforeAll(async () => {
    t = await startApp({ processRole: 'api' });
    dataSource = t.app.get(DataSource);
    tokens = await tokensByRole(t);
    const admin = { authorization: `Bearer ${tokens.admin}` };
    const orgs = await organisationIds(t, admin);
    council = await bidderOf(t, admin, orgs['Newcastle upon Tyne City Council']);
    round = await openRound(t, admin, largestRound());
  });
  afterAll(() => t.close());

  const create = async (body: CreateBidDto): Promise<BidDto> =>
    (await t.http().post('/api/v1/bids').set(council.headers).send(body).expect(201)).body;

  it('reads back the largest round whole', async () => {
    const admin = { authorization: `Bearer ${tokens.admin}` };
    const { body } = await t.http().get(`/api/v1/rounds/${round.id}`).set(admin).expect(200);
    const sent = largestRound();
    expect(body.name).toBe(sent.name);
    expect(body.crimeFocus).toEqual(sent.crimeFocus);
    expect(body.interventionTaxonomy).toEqual(sent.interventionTaxonomy);
    expect(body.yearCaps).toEqual(round.yearCaps);
    expect(
      body.criteria.map(
        (c: { title: string; guidance: string; weight: number; maxMark: number }) => ({
          title: c.title,
          guidance: c.guidance,
          weight: c.weight,
          maxMark: c.maxMark,
        }),
      ),
    ).toEqual(sent.criteria);
  });

  it('takes the largest bid the API allows and reads it back whole and equal', async () => {
    const sent = largestBid(round);
    expect(sent.costLines).toHaveLength(20);
    const created = await create(sent);
    expectSameContent(created, sent);
    const { body } = await t.http().get(`/api/v1/bids/${created.id}`).set(council.headers);
    expectSameContent(body, sent);
    const page = await t
      .http()
      .get(`/api/v1/bids?roundId=${round.id}&limit=100`)
      .set(council.headers)
      .expect(200);
    expectSameContent(
      page.body.items.find((bid: BidDto) => bid.id === created.id),
      sent,
    );
  });

  it('reads a bid of 4 cost lines, 50 match-funding lines and 50 interventions with bounded work', async () => {
    const sent = { ...largestBid(round), costLines: largestBid(round).costLines?.slice(0, 4) };
    const bid = await create(sent);
    const { result, cost } = await readCost(dataSource, () =>
      t.http().get(`/api/v1/bids/${bid.id}`).set(council.headers).expect(200),
    );
    expectSameContent(result.body, sent);
    // One bid row carrying its 104 lines, plus the reader's user and organisation.
    expect(cost.rows).toBeLessThanOrEqual(3);
    expect(cost.bytes).toBeLessThan(2 * Buffer.byteLength(JSON.stringify(result.body)));
    expect(cost.rssGrowthBytes).toBeLessThan(50 * MB);
  });

  it('reads a page of 100 such bids in a handful of queries, with bounded work', async () => {
    const fat = largestBid(round);
    const body: CreateBidDto = {
      roundId: round.id,
      title: 'One of many',
      costLines: fat.costLines?.slice(0, 4),
      matchFunding: fat.matchFunding?.map((line) => ({ ...line, source: 'Council' })),
      interventions: fat.interventions?.map((intervention) => ({
        ...intervention,
        description: 'Lighting',
        evidence: '',
        outputMeasure: null,
        outputTarget: null,
      })),
    };
    const { id: pageRound } = await openRound(
      t,
      { authorization: `Bearer ${tokens.admin}` },
      largestRound({ crimeFocus: [], interventionTaxonomy: [] }),
    );
    for (let batch = 0; batch < 10; batch += 1) {
      await Promise.all(Array.from({ length: 10 }, () => create({ ...body, roundId: pageRound })));
    }
    const { result, cost } = await readCost(dataSource, () =>
      t.http().get(`/api/v1/bids?roundId=${pageRound}&limit=100`).set(council.headers).expect(200),
    );
    expect(result.body.items).toHaveLength(100);
    for (const item of result.body.items as BidDto[]) {
      expect([
        item.costLines?.length,
        item.matchFunding?.length,
        item.interventions.length,
      ]).toEqual([4, 50, 50]);
    }
    // The reader, the page's ids with the total, then the bids each in one row with its 104
    // lines as JSON.
    expect(cost.queries).toBeLessThanOrEqual(3);
    expect(cost.rows).toBeLessThanOrEqual(1 + 100 + 100);
    expect(cost.rssGrowthBytes).toBeLessThan(50 * MB);
  }, 180_000);
});
