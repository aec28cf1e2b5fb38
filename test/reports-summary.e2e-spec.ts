import type { Role } from '../src/common/access';
import { formatLondonZoned } from '../src/common/london-time';
import type { SpendSummaryDto } from '../src/reports/spend-summary.dto';
import { DEFAULT_AS_AT_LAG_MS } from '../src/reports/spend-summary.rules';
import { expectProblem, type TestApp } from './support/app';
import { NORTHUMBRIA_PCC, organisationIds, type BiddingWorld } from './support/bids';
import { NOT_INSTANTS } from './support/factories';
import { buildExport, twoYearRound, type ReturnsWorld } from './support/reports';

// A round's spend summary over two financial years (see twoYearRound), read back to the penny;
// and as at an earlier moment, the same figures after later returns and payments.
describe('reports: the round spend summary', () => {
  let setup: ReturnsWorld;
  let world: BiddingWorld;
  let t: TestApp;
  const as = (role: Role) => world.as(role);
  const api = () => t.http();
  // As at now unless a query says otherwise (with no asAt at all, a summary is of a few seconds
  // ago: see the test of the default below).
  const summary = async (query = '', role: Role = 'finance'): Promise<SpendSummaryDto> =>
    (
      await api()
        .get(
          `/api/v1/rounds/${setup.roundId}/spend-summary${query || `?asAt=${new Date().toISOString()}`}`,
        )
        .set(as(role))
        .expect(200)
    ).body;

  let earlier = '';
  let before: SpendSummaryDto;

  beforeAll(async () => {
    setup = await twoYearRound(async (started) => {
      setup = started;
      world = started.world;
      t = world.t;
      earlier = new Date().toISOString();
      before = await summary(`?asAt=${earlier}`);
    });
    world = setup.world;
    t = world.t;
  }, 90_000);
  afterAll(() => world.close());

  it('reads every figure back to the penny, and the same figures as at an earlier moment', async () => {
    expect(setup.returns.map((r) => `${r.quarter}`)).toEqual(['4', '1', '2', '3']);
    const now = await summary();
    // The moment as the exports' rows state it: the UK clock with its zone, to the second.
    expect(now.asAtLondon).toBe(formatLondonZoned(new Date(now.asAt)));
    expect(now.asAtLondon).toMatch(/^\d{1,2} \w+ \d{4} \d{2}:\d{2}:\d{2} (GMT|BST)$/);
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
    const inFuture = (await api().get(`${path}?asAt=${future}`).set(as('finance'))).body;
    expectProblem(inFuture, 422, 'as-at-in-future');
    // Now as finance reads it: the UK clock, zone named, not an ISO instant.
    expect(inFuture.errors).toEqual([
      {
        field: 'asAt',
        message: expect.stringMatching(
          /^give a moment no later than now \(\d{1,2} [A-Z][a-z]+ \d{4} \d\d:\d\d:\d\d (GMT|BST)\)$/,
        ),
      },
    ]);
    await api().get(`${path}?asAt=yesterday`).set(as('finance')).expect(400);
    for (const asAt of NOT_INSTANTS) {
      const refused = await api().get(path).query({ asAt }).set(as('finance'));
      expectProblem(refused.body, 400, 'validation-failed');
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'asAt' })]);
    }
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

  it('shows the organisation by the name it had at the moment asked for', async () => {
    const id = (await organisationIds(t, as('admin')))[NORTHUMBRIA_PCC];
    const rename = (name: string) =>
      api().patch(`/api/v1/organisations/${id}`).set(as('admin')).send({ name }).expect(200);
    const renamed = 'Police, Fire and Crime Commissioner for Northumbria';
    const beforeRename = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await rename(renamed);
    try {
      const then = await summary(`?asAt=${beforeRename}`);
      expect(then.awards.items.map((a) => a.organisationName)).toEqual([NORTHUMBRIA_PCC]);
      const now = await summary();
      expect(now.awards.items.map((a) => a.organisationName)).toEqual([renamed]);
      // The file as at before the rename has the old name, and nowhere the new one.
      const csv = (await buildExport(world, setup.roundId, 'csv', beforeRename)).file.toString();
      expect(csv).toContain(NORTHUMBRIA_PCC);
      expect(csv).not.toContain(renamed);
    } finally {
      // Other suites of this worker find the demo organisation by its name.
      await rename(NORTHUMBRIA_PCC);
    }
  });

  it('reads a summary asked for without asAt as at a few seconds ago, the same when read again', async () => {
    const path = `/api/v1/rounds/${setup.roundId}/spend-summary`;
    const asked = Date.now();
    const read = (await api().get(path).set(as('finance')).expect(200)).body as SpendSummaryDto;
    const answered = Date.now();
    const asAt = Date.parse(read.asAt);
    expect(asAt).toBeGreaterThanOrEqual(asked - DEFAULT_AS_AT_LAG_MS);
    expect(asAt).toBeLessThanOrEqual(answered - DEFAULT_AS_AT_LAG_MS);
    const again = (await api().get(path).query({ asAt: read.asAt }).set(as('finance')).expect(200))
      .body as SpendSummaryDto;
    expect(again).toEqual(read);
  });

  it('counts a withdrawn award as what was approved, the rest released, nothing pending', async () => {
    await api()
      .post(`/api/v1/awards/${setup.awardId}/withdraw`)
      .set(as('approver'))
      .send({ reason: 'The project stopped when the contractor went into administration.' })
      .expect(200);
    const after = await summary();
    expect(after.totals.round).toEqual({
      awards: 1,
      awardedPence: 30_000_000,
      claimedPence: 15_000_000,
      approvedPence: 15_000_000,
      paidPence: 15_000_000,
      forecastPence: 0,
      releasedPence: 15_000_000,
      remainingPence: 0,
    });
    expect(after.awards.items[0]).toMatchObject({
      status: 'withdrawn',
      overdueReturns: 0,
      underspendRisk: false,
    });
  });
});
