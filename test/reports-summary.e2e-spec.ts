import type { Role } from '../src/common/access';
import type { SpendSummaryDto } from '../src/reports/spend-summary.dto';
import { expectProblem, type TestApp } from './support/app';
import type { BiddingWorld } from './support/bids';
import { activeAward, type ReturnsWorld } from './support/returns';

// A round's spend summary over two financial years: an award delivered January to December 2025
// (2024/25 Q4, then 2025/26 Q1-Q3) of £100,000 capital in 2024/25 and £150,000 capital plus
// £50,000 revenue in 2025/26, its returns in every state, read back to the penny; and as at an
// earlier moment, the same figures after later returns and payments.
describe('reports: the round spend summary', () => {
  let setup: ReturnsWorld;
  let world: BiddingWorld;
  let t: TestApp;
  const as = (role: Role) => world.as(role);
  const api = () => t.http();
  const quarter = (n: number) => setup.returns[n - 1].id;
  const line = (financialYear: string, kind: 'capital' | 'revenue', amountPence: number) => ({
    financialYear,
    kind,
    amountPence,
  });
  const send = async (n: number, body: object) => {
    const read = await api()
      .get(`/api/v1/returns/${quarter(n)}`)
      .set(world.pcc.headers);
    await api()
      .patch(`/api/v1/returns/${quarter(n)}`)
      .set(world.pcc.headers)
      .set('if-match', read.headers.etag)
      .send({
        outputs: [{ interventionId: setup.interventionId, achieved: 5 }],
        narrative: 'Lighting columns going in as planned.',
        ...body,
      })
      .expect(200);
    await api()
      .post(`/api/v1/returns/${quarter(n)}/submit`)
      .set(world.pcc.headers)
      .expect(200);
  };
  const approveAndPay = async (n: number, pay = true) => {
    const approved = await api()
      .post(`/api/v1/returns/${quarter(n)}/approve`)
      .set(as('finance'))
      .send({})
      .expect(200);
    if (pay) {
      await api()
        .post(`/api/v1/payments/${approved.body.payment.id}/record`)
        .set(as('finance'))
        .send({ paidOn: new Date().toISOString().slice(0, 10), reference: `BACS-${n}` })
        .expect(200);
    }
  };
  const summary = async (query = '', role: Role = 'finance'): Promise<SpendSummaryDto> =>
    (
      await api()
        .get(`/api/v1/rounds/${setup.roundId}/spend-summary${query}`)
        .set(as(role))
        .expect(200)
    ).body;

  beforeAll(async () => {
    setup = await activeAward({
      opensAt: '2024-12-02T09:00:00.000Z',
      deliveryStartsOn: '2025-01-01',
      deliveryEndsOn: '2025-12-31',
      costLines: [
        line('2024/25', 'capital', 10_000_000),
        line('2025/26', 'capital', 15_000_000),
        line('2025/26', 'revenue', 5_000_000),
      ],
    });
    world = setup.world;
    t = world.t;
  }, 90_000);
  afterAll(() => world.close());

  it('reads every figure back to the penny, and the same figures as at an earlier moment', async () => {
    expect(setup.returns.map((r) => `${r.quarter}`)).toEqual(['4', '1', '2', '3']);
    // 2024/25 Q4: £90,000 of £100,000; the year closes and £10,000 is released.
    await send(1, { spend: [line('2024/25', 'capital', 9_000_000)] });
    await approveAndPay(1);
    // 2025/26 Q1: £50,000 capital and £10,000 revenue, approved, not yet paid.
    await send(2, {
      spend: [line('2025/26', 'capital', 5_000_000), line('2025/26', 'revenue', 1_000_000)],
      forecast: [{ ...line('2025/26', 'capital', 5_000_000), quarter: 2 }],
    });
    await approveAndPay(2, false);
    const earlier = new Date().toISOString();
    const before = await summary(`?asAt=${earlier}`);

    // Later: Q1 paid; Q2 sent (£40,000, -40% explained) with a forecast for Q3; Q3 overdue.
    const payments = await api()
      .get(`/api/v1/payments?roundId=${setup.roundId}&status=to_make`)
      .set(as('finance'))
      .expect(200);
    await api()
      .post(`/api/v1/payments/${payments.body.items[0].id}/record`)
      .set(as('finance'))
      .send({ paidOn: new Date().toISOString().slice(0, 10), reference: 'BACS-2' })
      .expect(200);
    await send(3, {
      spend: [line('2025/26', 'capital', 4_000_000)],
      varianceExplanation: 'Installation moved to the autumn.',
      forecast: [
        { ...line('2025/26', 'capital', 6_000_000), quarter: 3 },
        { ...line('2025/26', 'revenue', 4_000_000), quarter: 3 },
      ],
    });

    const now = await summary();
    expect(now.totals.round).toEqual({
      awards: 1,
      awardedPence: 30_000_000,
      claimedPence: 19_000_000,
      approvedPence: 15_000_000,
      paidPence: 15_000_000,
      forecastPence: 10_000_000,
      releasedPence: 1_000_000,
      remainingPence: 14_000_000,
    });
    expect(now.totals.byYearAndKind).toEqual([
      expect.objectContaining({
        ...{ financialYear: '2024/25', kind: 'capital', awardedPence: 10_000_000 },
        ...{ claimedPence: 9_000_000, paidPence: 9_000_000, releasedPence: 1_000_000 },
        remainingPence: 0,
      }),
      expect.objectContaining({
        ...{ financialYear: '2025/26', kind: 'capital', awardedPence: 15_000_000 },
        ...{ claimedPence: 9_000_000, approvedPence: 5_000_000, forecastPence: 6_000_000 },
        remainingPence: 10_000_000,
      }),
      expect.objectContaining({
        ...{ financialYear: '2025/26', kind: 'revenue', awardedPence: 5_000_000 },
        ...{ claimedPence: 1_000_000, paidPence: 1_000_000, forecastPence: 4_000_000 },
        remainingPence: 4_000_000,
      }),
    ]);
    expect(now.totals.byForceArea).toEqual([
      expect.objectContaining({ forceAreaCode: 'E23000007', forceAreaName: 'Northumbria' }),
    ]);
    expect(now.totals.byApplicantType).toEqual([
      expect.objectContaining({ applicantType: 'pcc', awardedPence: 30_000_000 }),
    ]);
    const [award] = now.awards.items;
    expect(award).toMatchObject({
      reference: setup.bid.reference,
      status: 'active',
      overdueReturns: 1,
      underspendRisk: false,
    });
    expect(
      award.quarters.map((q) => [q.financialYear, q.quarter, q.profilePence, q.variancePercent]),
    ).toEqual([
      ['2024/25', 4, 10_000_000, -10],
      ['2025/26', 1, 6_666_666, -10],
      ['2025/26', 2, 6_666_666, -40],
      ['2025/26', 3, 6_666_668, null],
    ]);
    expect(award.quarters[3]).toMatchObject({ overdue: true, forecastPence: 10_000_000 });

    // As at the earlier moment: Q1 approved but unpaid, Q2 not sent, its forecast then.
    const again = await summary(`?asAt=${earlier}`);
    expect(again).toEqual(before);
    expect(again.totals.round).toMatchObject({
      claimedPence: 15_000_000,
      approvedPence: 15_000_000,
      paidPence: 9_000_000,
      forecastPence: 5_000_000,
    });
    expect(again.awards.items[0].overdueReturns).toBe(2);
  });

  it('answers who may read it, and refuses what it cannot answer', async () => {
    await summary('', 'moderator');
    await summary('', 'approver');
    await summary('', 'admin');
    const path = `/api/v1/rounds/${setup.roundId}/spend-summary`;
    await api().get(path).set(world.pcc.headers).expect(403);
    await api().get(path).set(as('assessor')).expect(403);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expectProblem((await api().get(`${path}?asAt=${future}`).set(as('finance'))).body, 422);
    await api().get(`${path}?asAt=yesterday`).set(as('finance')).expect(400);
    await api()
      .get('/api/v1/rounds/6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a/spend-summary')
      .set(as('finance'))
      .expect(404);
    // A round with no accepted awards: a valid, empty summary.
    const rounds = await api().get('/api/v1/rounds?limit=100').set(as('finance')).expect(200);
    const open = rounds.body.items.find((r: { code: string }) => r.code === 'SSF-DEMO');
    const empty = (
      await api().get(`/api/v1/rounds/${open.id}/spend-summary`).set(as('finance')).expect(200)
    ).body as SpendSummaryDto;
    expect(empty.awards).toMatchObject({ items: [], total: 0 });
    expect(empty.totals.round).toMatchObject({ awards: 0, awardedPence: 0, remainingPence: 0 });
  });
});
