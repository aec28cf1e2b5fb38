import { DataSource } from 'typeorm';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { TestApp } from './support/app';
import {
  moderatedRound,
  type ModeratedRound,
  partAward,
  recordDueDiligence,
} from './support/awards';
import { type BiddingWorld, NORTHUMBRIA_PCC, organisationIds, startBidding } from './support/bids';

// Racing commands after the decisions: publishing against bid withdrawals, and acceptance
// against withdrawal of the same award. Whatever order they land in, the outcome is one that
// some serial order gives, and nothing answers 5xx.
describe('awards: publication and acceptance under racing commands', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let played: ModeratedRound;
  const api = () => t.http();

  beforeAll(async () => {
    world = await startBidding();
    t = world.t;
    const orgs = await organisationIds(t, world.as('admin'));
    await recordDueDiligence(world, orgs[NORTHUMBRIA_PCC], 'green');
    played = await moderatedRound(world, [world.pcc], 12, { approvalThresholdPence: 50_000_000 });
    for (const bid of played.bids) {
      await api()
        .post(`/api/v1/bids/${bid.id}/decision`)
        .set(world.as('approver'))
        .send(partAward(bid))
        .expect(201);
    }
  }, 120_000);
  afterAll(() => world.close());

  const decisionOf = async (bid: BidDto) =>
    (
      await t.app
        .get(DataSource)
        .query<{ id: string; status: string }[]>(
          `SELECT id, status FROM award_decisions WHERE bid_id = $1 AND status <> 'not_confirmed'`,
          [bid.id],
        )
    )[0];

  it('publishes either before or after each racing withdrawal, never half of both', async () => {
    const racing = played.bids.slice(0, 4);
    const [published, ...withdrawals] = await Promise.all([
      api().post(`/api/v1/rounds/${played.round.id}/publish-outcomes`).set(world.as('admin')),
      ...racing.map((bid) =>
        api()
          .post(`/api/v1/bids/${bid.id}/withdraw`)
          .set(world.pcc.headers)
          .send({ reason: 'Withdrawn while outcomes were going out.' }),
      ),
    ]);
    expect(published.status).toBe(200);
    let withdrawn = 0;
    for (const [index, bid] of racing.entries()) {
      const response = withdrawals[index];
      expect([200, 409]).toContain(response.status);
      const read = await api().get(`/api/v1/bids/${bid.id}`).set(world.pcc.headers).expect(200);
      const decision = await decisionOf(bid);
      if (response.status === 200) {
        withdrawn += 1;
        // Withdrawn before publication: its award went back and it was not told an outcome.
        expect([read.body.status, decision.status]).toEqual(['withdrawn', 'withdrawn']);
      } else {
        expect(response.body.code).toBe('bid-not-withdrawable');
        expect([read.body.status, decision.status]).toEqual(['awarded', 'offered']);
      }
    }
    expect(published.body.awarded).toBe(played.bids.length - withdrawn);
  });

  it('lets acceptance and withdrawal of one award land in either order, with returns to match', async () => {
    const offers = [];
    for (const bid of played.bids) {
      const decision = await decisionOf(bid);
      if (decision.status === 'offered') {
        offers.push(decision.id);
      }
    }
    expect(offers.length).toBeGreaterThanOrEqual(8);
    const results = await Promise.all(
      offers.map((id) =>
        Promise.all([
          api()
            .post(`/api/v1/awards/${id}/accept`)
            .set(world.pcc.headers)
            .send({ signatoryName: 'Alex Morgan', signatoryPosition: 'Chief Finance Officer' }),
          api()
            .post(`/api/v1/awards/${id}/withdraw`)
            .set(world.as('approver'))
            .send({ reason: 'Withdrawn while the bidder accepted.' }),
        ]),
      ),
    );
    for (const [index, [accepted, withdrawal]] of results.entries()) {
      expect([200, 409]).toContain(accepted.status);
      // Withdrawal always succeeds: an offered award and an active one can both be withdrawn.
      expect(withdrawal.status).toBe(200);
      const { body } = await api().get(`/api/v1/awards/${offers[index]}`).set(world.pcc.headers);
      expect(body.status).toBe('withdrawn');
      if (accepted.status === 200) {
        // Accepted first: its four returns were scheduled, then cancelled by the withdrawal.
        expect(body.returns.map((r: { status: string }) => r.status)).toEqual(
          body.returns.map(() => 'cancelled'),
        );
        expect(body.returns.length).toBeGreaterThan(0);
      } else {
        expect(accepted.body.code).toBe('offer-not-open');
        expect(body.returns).toEqual([]);
      }
    }
  });
});
