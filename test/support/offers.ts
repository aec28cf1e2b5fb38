import type { BidDto } from '../../src/bids/bid-response.dto';
import {
  fullAward,
  moderatedRound,
  type ModeratedRound,
  newApproverAccount,
  partAward,
  recordDueDiligence,
} from './awards';
import {
  type Bidder,
  type BiddingWorld,
  bidderOf,
  NORTHUMBRIA_PCC,
  organisationIds,
  startBidding,
} from './bids';

const CLEVELAND_PCC = 'Police and Crime Commissioner for Cleveland';
// Delivery from 10 May next year to 20 January the year after: the four financial quarters of
// the financial year starting next April, all still ahead whenever the suite runs.
export const Y = new Date().getUTCFullYear() + 1;
export const Z = Y + 1;
export const FY = `${Y}/${String(Z % 100).padStart(2, '0')}`;

export interface OffersWorld {
  world: BiddingWorld;
  played: ModeratedRound;
  cleveland: Bidder;
  secondApprover: { authorization: string };
  // The same approver's email and password, for signing in to the portal.
  secondApproverAccount: { email: string; password: string };
  // Northumbria PCC's bids P1-P3, then Cleveland PCC's C1-C3 (C3 never scored).
  bids: Record<'P1' | 'P2' | 'P3' | 'C1' | 'C2' | 'C3', BidDto>;
}

// Two PCCs with green due diligence, three bids each, all scored but the last; awards above
// £250,000 need a second approver, offers are open 14 days, returns due 21 days after quarter end.
export async function offersWorld(): Promise<OffersWorld> {
  const world = await startBidding();
  const { t, as } = world;
  const orgs = await organisationIds(t, as('admin'));
  const cleveland = await bidderOf(t, as('admin'), orgs[CLEVELAND_PCC]);
  await recordDueDiligence(world, orgs[NORTHUMBRIA_PCC], 'green');
  await recordDueDiligence(world, orgs[CLEVELAND_PCC], 'green');
  const { headers: secondApprover, ...secondApproverAccount } = await newApproverAccount(
    t,
    as('admin'),
  );
  const played = await moderatedRound(
    world,
    [world.pcc, cleveland],
    3,
    {
      deliveryStartsOn: `${Y}-05-10`,
      deliveryEndsOn: `${Z}-01-20`,
      returnDueDays: 21,
      offerAcceptanceDays: 14,
      approvalThresholdPence: 25_000_000,
    },
    1,
  );
  const [P1, P2, P3, C1, C2, C3] = played.bids;
  return {
    world,
    played,
    cleveland,
    secondApprover,
    secondApproverAccount,
    bids: { P1, P2, P3, C1, C2, C3 },
  };
}

// The decisions: P1 awarded in full (£300,000, waiting for its second approver), P2 rejected
// with feedback, P3, C1 and C2 part awards of £200,000. Answers P1's decision.
export async function decideOffers({
  world,
  bids,
}: OffersWorld): Promise<{ id: string; status: string }> {
  const decide = (bid: BidDto, body: object) =>
    world.t
      .http()
      .post(`/api/v1/bids/${bid.id}/decision`)
      .set(world.as('approver'))
      .send(body)
      .expect(201);
  const p1 = await decide(bids.P1, fullAward(bids.P1));
  await decide(bids.P2, {
    outcome: 'reject',
    reason: 'Below the funding line once the budget was allocated.',
    feedback: 'The problem profile was strong; the evaluation plan lacked a baseline.',
  });
  for (const bid of [bids.P3, bids.C1, bids.C2]) {
    await decide(bid, partAward(bid));
  }
  return p1.body;
}

// What stops publication, cleared: a second approver confirms P1 (unless `p1DecisionId` is
// undefined), and C3, never scored, fails eligibility.
export async function clearForPublication(
  { world, bids, secondApprover }: OffersWorld,
  p1DecisionId: string | undefined,
): Promise<void> {
  const api = () => world.t.http();
  // Undefined when the test gives the second approval itself (in the portal, say).
  if (p1DecisionId) {
    await api()
      .post(`/api/v1/decisions/${p1DecisionId}/second-approval`)
      .set(secondApprover)
      .send({ confirm: true })
      .expect(200);
  }
  await api()
    .post(`/api/v1/bids/${bids.C3.id}/fail-eligibility`)
    .set(world.as('moderator'))
    .send({ reason: 'The target area is outside the PCC area.' })
    .expect(200);
}
