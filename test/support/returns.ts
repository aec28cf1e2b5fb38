import type { BidDto } from '../../src/bids/bid-response.dto';
import { payerHeaders } from './app';
import type { CreateBidDto } from '../../src/bids/bid.dto';
import type { ReturnDto } from '../../src/returns/return-response.dto';
import { fullAward, moderatedRound, recordDueDiligence } from './awards';
import { type BiddingWorld, NORTHUMBRIA_PCC, organisationIds, startBidding } from './bids';

// The financial year 2025/26, already over whenever the suite runs: every quarter's return is
// open at once, and the reminder scans are run as at chosen days of that year.
export const RETURNS_FY = '2025/26';
export const QUARTER_DUE = { 1: '2025-07-30', 2: '2025-10-30', 3: '2026-01-30', 4: '2026-04-30' };

export interface ReturnsWorld {
  world: BiddingWorld;
  roundId: string;
  bid: BidDto;
  awardId: string;
  // The four returns, Q1 to Q4.
  returns: { id: string; quarter: number; dueOn: string; status: string }[];
  interventionId: string;
  // A second finance officer, who records the payments of returns demo finance approved.
  payer: { authorization: string };
}

// The Northumbria PCC's bid for £250,000 capital and £50,000 revenue in 2025/26, awarded in full
// and accepted: bidding opened in March 2025, delivery runs through the financial year, returns
// are due 30 days after quarter end, variance above 10% needs explaining, payments are due
// 30 days after approval. `shape` changes the delivery period and the bid's cost lines.
export async function activeAward(
  shape: {
    opensAt?: string;
    deliveryStartsOn?: string;
    deliveryEndsOn?: string;
    costLines?: CreateBidDto['costLines'];
  } = {},
): Promise<ReturnsWorld> {
  const world = await startBidding();
  const { t, as } = world;
  const orgs = await organisationIds(t, as('admin'));
  await recordDueDiligence(world, orgs[NORTHUMBRIA_PCC], 'green');
  const { round, bids } = await moderatedRound(
    world,
    [world.pcc],
    1,
    {
      opensAt: shape.opensAt ?? '2025-03-03T09:00:00.000Z',
      deliveryStartsOn: shape.deliveryStartsOn ?? '2025-04-01',
      deliveryEndsOn: shape.deliveryEndsOn ?? '2026-03-31',
      returnDueDays: 30,
      varianceThresholdPercent: 10,
      paymentDays: 30,
      approvalThresholdPence: 50_000_000,
    },
    0,
    shape.costLines ? { costLines: shape.costLines } : {},
  );
  const [bid] = bids;
  const api = () => t.http();
  await api()
    .post(`/api/v1/bids/${bid.id}/decision`)
    .set(as('approver'))
    .send(fullAward(bid))
    .expect(201);
  await api().post(`/api/v1/rounds/${round.id}/publish-outcomes`).set(as('admin')).expect(200);
  const outcome = await api()
    .get(`/api/v1/bids/${bid.id}/outcome`)
    .set(world.pcc.headers)
    .expect(200);
  const awardId = outcome.body.awardId as string;
  const accepted = await api()
    .post(`/api/v1/awards/${awardId}/accept`)
    .set(world.pcc.headers)
    .send({ signatoryName: 'Kim McGuinness', signatoryPosition: 'Police and Crime Commissioner' })
    .expect(200);
  return {
    world,
    roundId: round.id,
    bid,
    awardId,
    returns: accepted.body.returns,
    interventionId: bid.interventions[0].id,
    payer: await payerHeaders(t),
  };
}

// A complete return for the quarter: the spend given, outputs, a milestone, a risk, a narrative.
export function quarterReturn(
  interventionId: string,
  spend: { capital?: number; revenue?: number },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    spend: (['capital', 'revenue'] as const)
      .filter((kind) => spend[kind] !== undefined)
      .map((kind) => ({ financialYear: RETURNS_FY, kind, amountPence: spend[kind] })),
    matchFundingSpentPence: 1_500_000,
    outputs: [{ interventionId, achieved: 10 }],
    milestones: [
      { title: 'Columns installed', status: 'on_track', rag: 'green', comment: 'Ten a quarter' },
    ],
    risks: [
      {
        description: 'Supplier delays',
        rag: 'amber',
        mitigation: 'Framework supplier, early order',
      },
    ],
    narrative: 'Lighting columns installed in the back lanes as planned.',
    ...extra,
  };
}

export type { ReturnDto };
