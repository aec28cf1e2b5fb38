import { DataSource } from 'typeorm';
import type { BidDto } from '../src/bids/bid-response.dto';
import { type TestApp } from './support/app';
import {
  fullAward,
  moderatedRound,
  type ModeratedRound,
  newApprover,
  recordDueDiligence,
} from './support/awards';
import {
  type Bidder,
  type BiddingWorld,
  bidderOf,
  NORTHUMBRIA_PCC,
  organisationIds,
  startBidding,
} from './support/bids';

// The budget guard under load: 70 finally scored bids of £300,000 each, a budget that fits 50,
// and 200 decisions fired at once by two approvers.
describe('awards: the budget holds under concurrent decisions', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let played: ModeratedRound;
  const AWARD = 30_000_000;
  const BUDGET = 50 * AWARD;

  beforeAll(async () => {
    world = await startBidding();
    t = world.t;
    const orgs = await organisationIds(t, world.as('admin'));
    const cleveland: Bidder = await bidderOf(
      t,
      world.as('admin'),
      orgs['Police and Crime Commissioner for Cleveland'],
    );
    for (const name of [NORTHUMBRIA_PCC, 'Police and Crime Commissioner for Cleveland']) {
      await recordDueDiligence(world, orgs[name], 'green');
    }
    played = await moderatedRound(world, [world.pcc, cleveland], 35, {
      budgetPence: BUDGET,
      approvalThresholdPence: 40_000_000,
    });
  }, 120_000);
  afterAll(() => world.close());

  it('suggests the funding line: the first 50 in rank order, and names the 51st', async () => {
    const line = await t
      .http()
      .get(`/api/v1/rounds/${played.round.id}/funding-line`)
      .set(world.as('approver'))
      .expect(200);
    // All score 80.00, so rank follows submission order.
    expect(line.body.funded.map((row: { bidId: string }) => row.bidId)).toEqual(
      played.bids.slice(0, 50).map((bid) => bid.id),
    );
    expect(line.body).toMatchObject({
      remainingPence: 0,
      complete: true,
      firstNotFunded: { bidId: played.bids[50].id, requestedPence: AWARD },
    });
  });

  it('never lets 200 simultaneous decisions take the live total over the budget', async () => {
    const approvers = [world.as('approver'), await newApprover(t, world.as('admin'))];
    const decide = (bid: BidDto, i: number) =>
      t
        .http()
        .post(`/api/v1/bids/${bid.id}/decision`)
        .set(approvers[i % 2])
        .send(fullAward(bid));
    // Each bid is decided about three times over, in an order unlike the ranking.
    const order = Array.from({ length: 200 }, (_, i) => played.bids[(i * 37) % played.bids.length]);
    const answers = await Promise.all(order.map((bid, i) => decide(bid, i)));

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status === 201)).toHaveLength(50);
    const refusals = answers.filter((answer) => answer.status !== 201);
    expect(refusals.every((answer) => answer.status === 409)).toBe(true);
    expect(new Set(refusals.map((answer) => answer.body.code))).toEqual(
      new Set(['budget-exceeded', 'bid-already-decided']),
    );
    expect(
      refusals.every((answer) =>
        String(answer.headers['content-type']).startsWith('application/problem+json'),
      ),
    ).toBe(true);

    const decisions = await t
      .http()
      .get(`/api/v1/rounds/${played.round.id}/decisions`)
      .set(world.as('finance'))
      .expect(200);
    expect(decisions.body).toMatchObject({
      budgetPence: BUDGET,
      livePence: BUDGET,
      remainingPence: 0,
    });
    expect(decisions.body.items).toHaveLength(50);
    expect(new Set(decisions.body.items.map((row: { bidId: string }) => row.bidId)).size).toBe(50);
    // And in the database itself.
    const [{ live }] = await t.app.get(DataSource).query<{ live: string }[]>(
      `SELECT sum(amount_pence) AS live FROM award_decisions
         WHERE round_id = $1 AND status IN ('pending_second_approval', 'offered')`,
      [played.round.id],
    );
    expect(Number(live)).toBe(BUDGET);
  });
});
