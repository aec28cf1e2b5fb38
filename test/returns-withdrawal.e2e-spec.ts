import { DataSource } from 'typeorm';
import type { Role } from '../src/common/access';
import { expectProblem, type TestApp } from './support/app';
import type { BiddingWorld } from './support/bids';
import { activeAward, quarterReturn, RETURNS_FY, type ReturnsWorld } from './support/returns';

// Finance approving less than claimed (down to nothing on a line), and an award withdrawn in the
// middle of delivery: what was approved stays payable, nothing else is reviewed or overdue, and
// the withdrawn award never reads as completed.
describe('returns: part approvals and an award withdrawn during delivery', () => {
  let setup: ReturnsWorld;
  let world: BiddingWorld;
  let t: TestApp;
  const as = (role: Role) => world.as(role);
  const api = () => t.http();
  const quarter = (n: number) => setup.returns[n - 1].id;
  const read = async (n: number) =>
    (
      await api()
        .get(`/api/v1/returns/${quarter(n)}`)
        .set(world.pcc.headers)
        .expect(200)
    ).body;
  const send = async (n: number, body: object) => {
    await api()
      .patch(`/api/v1/returns/${quarter(n)}`)
      .set(world.pcc.headers)
      .set('if-match', `"${(await read(n)).version}"`)
      .send(body)
      .expect(200);
    await api()
      .post(`/api/v1/returns/${quarter(n)}/submit`)
      .set(world.pcc.headers)
      .expect(200);
  };
  const approve = (n: number, body: object) =>
    api()
      .post(`/api/v1/returns/${quarter(n)}/approve`)
      .set(as('finance'))
      .send(body);

  beforeAll(async () => {
    setup = await activeAward();
    world = setup.world;
    t = world.t;
  }, 90_000);
  afterAll(() => world.close());

  it('saves nothing, and moves no version, when a save sends nothing', async () => {
    const before = await read(1);
    const saved = await api()
      .patch(`/api/v1/returns/${quarter(1)}`)
      .set(world.pcc.headers)
      .set('if-match', `"${before.version}"`)
      .send({})
      .expect(200);
    expect(saved.body.version).toBe(before.version);
  });

  it('sends only the draft the bidder read', async () => {
    const before = await read(1);
    await api()
      .patch(`/api/v1/returns/${quarter(1)}`)
      .set(world.pcc.headers)
      .set('if-match', `"${before.version}"`)
      .send({ narrative: 'Changed by a colleague a moment ago.' })
      .expect(200);
    const stale = await api()
      .post(`/api/v1/returns/${quarter(1)}/submit`)
      .set(world.pcc.headers)
      .set('if-match', `"${before.version}"`);
    expectProblem(stale.body, 412, 'version-mismatch');
    expect(await read(1)).toMatchObject({ status: 'due', submissions: [] });
  });

  it('approves a line down to nothing, once per year and kind, with a reason', async () => {
    await send(1, quarterReturn(setup.interventionId, { capital: 6_000_000, revenue: 1_500_000 }));
    expectProblem((await approve(1, { submission: 2 })).body, 409, 'submission-changed');
    const line = (amountPence: number) => ({
      financialYear: RETURNS_FY,
      kind: 'revenue',
      amountPence,
    });
    const twice = await approve(1, { approvedSpend: [line(0), line(1_500_000)], comment: 'x' });
    expect(twice.status).toBe(422);
    expect(twice.body.errors[0]).toEqual({
      field: 'approvedSpend.1',
      message: '2025/26 revenue appears twice; give one approved amount per year and kind',
    });
    await approve(1, { approvedSpend: [line(-1)], comment: 'x' }).expect(400);
    const approved = await approve(1, {
      submission: 1,
      approvedSpend: [line(0)],
      comment: 'The revenue claimed was for work before the grant started.',
    }).expect(200);
    expect(approved.body.payment).toMatchObject({ amountPence: 6_000_000, status: 'to_make' });
    expect(approved.body.outputs).toEqual([
      expect.objectContaining({ outputTarget: 40, thisQuarter: 10, toDate: 10 }),
    ]);
  });

  it('cancels what is not approved when the award is withdrawn, and keeps it so', async () => {
    await send(2, quarterReturn(setup.interventionId, { capital: 7_500_000 }));
    await send(3, quarterReturn(setup.interventionId, { capital: 7_500_000 }));
    await api()
      .post(`/api/v1/returns/${quarter(3)}/request-changes`)
      .set(as('finance'))
      .send({ comments: 'The Q3 invoices are missing.' })
      .expect(200);
    // Outputs to date count returns sent and not sent back: Q1 and Q2, not Q3.
    expect((await read(2)).outputs[0].toDate).toBe(20);
    await api()
      .post(`/api/v1/awards/${setup.awardId}/withdraw`)
      .set(as('approver'))
      .send({ reason: 'The grant conditions on alley gating consent were breached.' })
      .expect(200);
    const statuses = await Promise.all([1, 2, 3, 4].map(async (n) => (await read(n)).status));
    expect(statuses).toEqual(['approved', 'cancelled', 'cancelled', 'cancelled']);
    const position = (
      await api().get(`/api/v1/awards/${setup.awardId}/position`).set(as('finance')).expect(200)
    ).body;
    expect(position).toMatchObject({ overdueReturns: 0, awardStatus: 'withdrawn' });
    const overdue = await api()
      .get(`/api/v1/returns?awardId=${setup.awardId}&status=overdue`)
      .set(as('finance'))
      .expect(200);
    expect(overdue.body.total).toBe(0);
    expectProblem((await approve(2, {})).body, 409, 'return-not-submitted');
    // What was approved before the withdrawal is still owed, and is paid.
    await api()
      .post(`/api/v1/payments/${(await read(1)).payment.id}/record`)
      .set(setup.payer)
      .send({ paidOn: new Date().toISOString().slice(0, 10), reference: 'BACS-Q1' })
      .expect(200);
    const commands = await t.app
      .get(DataSource)
      .query<{ command: string }[]>(
        `SELECT command FROM audit_events WHERE object_id = $1 ORDER BY occurred_at`,
        [setup.awardId],
      );
    expect(commands.map((row) => row.command)).not.toContain('award.complete');
    const award = await api().get(`/api/v1/awards/${setup.awardId}`).set(as('finance')).expect(200);
    expect(award.body.status).toBe('withdrawn');
  });
});
