import type { AssignmentDto } from '../src/assessment/assessment-response.dto';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import type { TestApp } from './support/app';
import {
  type Assessor,
  AssessorDesk,
  type ClosedRound,
  closedRoundWithBids,
  dueIn,
  newAssessor,
} from './support/assessment';
import { type BiddingWorld, startBidding } from './support/bids';

// Commands that race: the locks must leave one answer, never a doubled or half-made one.
describe('assessment: simultaneous commands', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let played: ClosedRound;
  let [first, second]: BidDto[] = [];
  let c1: Assessor, c2: Assessor, c3: Assessor;
  const as = (role: Role) => world.as(role);
  const autoAssign = (assessorIds: string[]) =>
    t
      .http()
      .post(`/api/v1/rounds/${played.round.id}/assignments/auto`)
      .set(as('moderator'))
      .send({ assessorIds });
  const holders = async (bid: BidDto) =>
    (await t.http().get(`/api/v1/assignments?bidId=${bid.id}`).set(as('moderator')).expect(200))
      .body.items as AssignmentDto[];

  beforeAll(async () => {
    world = await startBidding();
    t = world.t;
    [c1, c2, c3] = await Promise.all([1, 2, 3].map(() => newAssessor(t, as('admin'))));
    played = await closedRoundWithBids(
      world,
      ['Alley gates', 'Street lighting'].map((title) => ({ by: world.pcc, title })),
      { assessmentsPerBid: 2, divergenceThreshold: 10 },
    );
    [first, second] = played.bids;
    await t
      .http()
      .post(`/api/v1/rounds/${played.round.id}/start-assessment`)
      .set(as('moderator'))
      .send({ assessmentDueAt: dueIn(14) })
      .expect(200);
  }, 60_000);
  afterAll(() => world.close());

  it('fills each bid once when two moderators run auto-assignment together', async () => {
    const panel = [c1.id, c2.id];
    const runs = await Promise.all([autoAssign(panel), autoAssign(panel)]);
    expect(runs.map((run) => run.status)).toEqual([200, 200]);
    expect(runs.map((run) => run.body.assignments.length).sort()).toEqual([0, 4]);
    for (const bid of [first, second]) {
      expect((await holders(bid)).map((row) => row.assessorId).sort()).toEqual(panel.sort());
    }
  });

  it('scores a bid once when its last two assessments are submitted together', async () => {
    const desk = new AssessorDesk(t, played);
    const ids: string[] = [];
    for (const [who, marks] of [
      [c1, [5, 5]],
      [c2, [2, 2]],
    ] as [Assessor, number[]][]) {
      const { id } = await desk.assignmentOn(who, first);
      await desk.declareNoConflict(who, id);
      await t
        .http()
        .put(`/api/v1/assignments/${id}/marks`)
        .set(who.headers)
        .send({
          marks: [
            { criterionId: desk.criterion('Strategic case'), mark: marks[0], justification: 'x' },
            { criterionId: desk.criterion('Value for money'), mark: marks[1], justification: 'y' },
          ],
        })
        .expect(200);
      ids.push(id);
    }
    const submits = await Promise.all(
      ids.map((id, i) =>
        t.http().post(`/api/v1/assignments/${id}/submit`).set([c1, c2][i].headers),
      ),
    );
    expect(submits.map((response) => response.status)).toEqual([200, 200]);
    const scores = await t
      .http()
      .get(`/api/v1/rounds/${played.round.id}/scores`)
      .set(as('moderator'))
      .expect(200);
    // 100.00 and 40.00: mean 70.00, spread 60 above 10, so flagged.
    expect(scores.body.find((row: { bidId: string }) => row.bidId === first.id)).toMatchObject({
      assessmentsSubmitted: 2,
      mean: '70.00',
      spread: '60.00',
      needsModeration: true,
    });
    const audit = await t
      .http()
      .get(`/api/v1/audit-events?objectType=bid&objectId=${first.id}&limit=100`)
      .set(as('admin'))
      .expect(200);
    const commands = audit.body.items.map((event: { command: string }) => event.command);
    expect(commands.filter((command: string) => command === 'bid.flag-divergent')).toHaveLength(1);
  });

  it('leaves no open assignment on a bid withdrawn while assignment runs', async () => {
    // c2 steps back from the second bid, so auto-assignment has a place to fill there.
    const { id } = await new AssessorDesk(t, played).assignmentOn(c2, second);
    await t
      .http()
      .post(`/api/v1/assignments/${id}/declaration`)
      .set(c2.headers)
      .send({ conflict: true, reason: 'My partner works for the bidder.' })
      .expect(200);
    const withdrawal = t
      .http()
      .post(`/api/v1/bids/${second.id}/withdraw`)
      .set(world.pcc.headers)
      .send({ reason: 'Funded locally instead.' });
    const [withdrawn, assigned] = await Promise.all([withdrawal, autoAssign([c3.id])]);
    expect([withdrawn.status, assigned.status]).toEqual([200, 200]);
    const rows = await holders(second);
    expect(rows.filter((row) => row.status === 'assigned')).toEqual([]);
    // c1's unfinished assignment, and c3's if assignment won the race, were cancelled.
    expect(rows.find((row) => row.assessorId === c1.id)?.status).toBe('cancelled');
  });
});
