import type { Role } from '../src/common/access';
import { startApp, type TestApp, tokensByRole } from './support/app';

// The demo's delivery round, as the README tells people to try it: the PCC's award active, Q1
// approved and paid, Q2 waiting for finance, Q3 and Q4 overdue.
describe('returns: the demo delivery round', () => {
  let t: TestApp;
  let tokens: Record<Role, string>;
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });

  beforeAll(async () => {
    t = await startApp({ processRole: 'api' });
    tokens = await tokensByRole(t);
  });
  afterAll(() => t.close());

  it('shows the returns and the award position to the bidder and to finance', async () => {
    const rounds = await t.http().get('/api/v1/rounds?limit=100').set(as('finance')).expect(200);
    const round = rounds.body.items.find((r: { code: string }) => r.code === 'SSF-DEMO-R');
    // In delivery, as its name says: its award can be varied and the round closed out.
    expect(round).toMatchObject({
      status: 'delivery',
      deliveryStartsOn: '2025-04-01',
      deliveryEndsOn: '2026-03-31',
    });
    const listed = await t
      .http()
      .get(`/api/v1/returns?roundId=${round.id}`)
      .set(as('applicant'))
      .expect(200);
    expect(
      listed.body.items.map((r: { quarter: number; status: string; overdue: boolean }) => [
        r.quarter,
        r.status,
        r.overdue,
      ]),
    ).toEqual([
      [1, 'approved', false],
      [2, 'submitted', false],
      [3, 'due', true],
      [4, 'due', true],
    ]);
    const waiting = await t
      .http()
      .get(`/api/v1/returns?roundId=${round.id}&status=submitted`)
      .set(as('finance'))
      .expect(200);
    expect(waiting.body.items.map((r: { awardReference: string }) => r.awardReference)).toEqual([
      'SSF-DEMO-R-0001',
    ]);
    const position = await t
      .http()
      .get(`/api/v1/awards/${waiting.body.items[0].awardId}/position`)
      .set(as('applicant'))
      .expect(200);
    expect(position.body.total).toMatchObject({
      awardedPence: 33_385_228,
      claimedPence: 8_200_000 + 8_550_000,
      approvedPence: 8_200_000,
      paidPence: 8_200_000,
      remainingPence: 33_385_228 - 8_200_000,
    });
    expect(position.body.overdueReturns).toBe(2);
  });

  it('shows a return’s variance as the spend summary shows that quarter’s', async () => {
    const rounds = await t.http().get('/api/v1/rounds?limit=100').set(as('finance')).expect(200);
    const round = rounds.body.items.find((r: { code: string }) => r.code === 'SSF-DEMO-R');
    const waiting = await t
      .http()
      .get(`/api/v1/returns?roundId=${round.id}&status=submitted`)
      .set(as('finance'))
      .expect(200);
    const [q2] = waiting.body.items;
    const read = await t.http().get(`/api/v1/returns/${q2.id}`).set(as('finance')).expect(200);
    // £85,500 against a profile of £83,463.07 is +2.44%: 2, halves away from zero.
    expect(read.body.variance).toMatchObject({
      profilePence: 8_346_307,
      actualPence: 8_550_000,
      percent: 2,
    });
    const summary = await t
      .http()
      .get(`/api/v1/rounds/${round.id}/spend-summary?asAt=${new Date().toISOString()}`)
      .set(as('finance'))
      .expect(200);
    const quarter = summary.body.awards.items[0].quarters.find(
      (q: { financialYear: string; quarter: number }) =>
        q.financialYear === read.body.financialYear && q.quarter === read.body.quarter,
    );
    expect(quarter.variancePercent).toBe(read.body.variance.percent);
  });
});
