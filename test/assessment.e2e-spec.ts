import type { AssignmentDto } from '../src/assessment/assessment-response.dto';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import type { TestApp } from './support/app';
import { expectProblem } from './support/app';
import {
  type Assessor,
  AssessorDesk,
  type ClosedRound,
  closedRoundWithBids,
  dueIn,
  newAssessor,
} from './support/assessment';
import { type BiddingWorld, organisationIds, startBidding } from './support/bids';
import { eventually, type TestSmtpServer } from './support/smtp';

// One round played from the end of bidding to its ranking: opening assessment, a conflict-free
// automatic assignment, a declared conflict and its reassignment, blind scoring, a divergent bid
// moderated, and the ranking with its running total.
describe('assessment: a round played from closing to ranking', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let smtp: TestSmtpServer;
  let played: ClosedRound;
  // Bids A and C are the Northumbria PCC's own, B is Newcastle's (endorsed), D Middlesbrough's
  // (never endorsed by Cleveland's PCC). C was drafted before B (a lower reference) but
  // submitted after it.
  let [A, C, B, D]: BidDto[] = [];
  let a1: Assessor, a2: Assessor, a3: Assessor, a4: Assessor;
  const as = (role: Role) => world.as(role);
  const moderator = () => as('moderator');

  beforeAll(async () => {
    world = await startBidding();
    ({ t, smtp } = world);
    [a1, a2, a3, a4] = await Promise.all([1, 2, 3, 4].map(() => newAssessor(t, as('admin'))));
    const { pcc, council, otherCouncil } = world;
    played = await closedRoundWithBids(
      world,
      [
        { by: pcc, title: 'Alley gates for Byker' },
        { by: pcc, title: 'Target hardening in Walker' },
        { by: council, title: 'Lighting for Heaton', endorsedBy: pcc },
        { by: otherCouncil, title: 'CCTV for Middlesbrough centre' },
      ],
      { assessmentsPerBid: 2, budgetPence: 70_000_000, qualityThreshold: 75 },
      [0, 2, 1, 3],
    );
    [A, C, B, D] = played.bids;
    expect(C.reference < B.reference).toBe(true);
  }, 60_000);
  afterAll(() => world.close());

  const desk = () => new AssessorDesk(t, played);
  const assignmentsOf = (who: Assessor) => desk().assignmentsOf(who);
  const assignmentOn = (who: Assessor, bid: BidDto) => desk().assignmentOn(who, bid);
  const declareNoConflict = (who: Assessor, id: string) => desk().declareNoConflict(who, id);
  const score = (who: Assessor, bid: BidDto, marks: [number, number]) =>
    desk().score(who, bid, marks);

  it('opens assessment: endorsed and PCC bids go in, the unendorsed bid fails eligibility', async () => {
    await t
      .http()
      .post(`/api/v1/rounds/${played.round.id}/start-assessment`)
      .set(as('approver'))
      .send({ assessmentDueAt: dueIn(14) })
      .expect(403);
    const opened = await t
      .http()
      .post(`/api/v1/rounds/${played.round.id}/start-assessment`)
      .set(moderator())
      .send({ assessmentDueAt: dueIn(14) })
      .expect(200);
    expect(opened.body.round.status).toBe('assessment');
    expect(opened.body.inAssessment).toBe(3);
    expect(opened.body.eligibilityFailed).toEqual([
      {
        bidId: D.id,
        reference: D.reference,
        reason: expect.stringMatching(/endorse/i),
      },
    ]);
    const d = await t.http().get(`/api/v1/bids/${D.id}`).set(world.otherCouncil.headers);
    expect(d.body).toMatchObject({ status: 'eligibility_failed' });
    expect(d.body.eligibilityFailureReason).toMatch(/endorse/i);
  });

  it('assigns automatically with even loads, never to the assessor tied to the bidder', async () => {
    const orgs = await organisationIds(t, as('admin'));
    await t
      .http()
      .put('/api/v1/assessors/me/affiliations')
      .set(a3.headers)
      .send({ organisationIds: [orgs['Newcastle upon Tyne City Council']], forceAreaCodes: [] })
      .expect(200);

    const auto = await t
      .http()
      .post(`/api/v1/rounds/${played.round.id}/assignments/auto`)
      .set(moderator())
      .send({ assessorIds: [a1.id, a2.id, a3.id] })
      .expect(200);
    expect(auto.body.shortfalls).toEqual([]);
    const rows = auto.body.assignments as AssignmentDto[];
    const holders = (bid: BidDto) =>
      rows
        .filter((row) => row.bidId === bid.id)
        .map((row) => row.assessorId)
        .sort();
    expect(holders(B)).toEqual([a1.id, a2.id].sort());
    expect(holders(A)).toContain(a3.id);
    expect(holders(C)).toContain(a3.id);
    expect(holders(A)).toHaveLength(2);
    expect(holders(C)).toHaveLength(2);
    expect(holders(D)).toEqual([]);
    for (const who of [a1, a2, a3]) {
      expect(rows.filter((row) => row.assessorId === who.id)).toHaveLength(2);
    }
    // Every assessor is told by email; a second run finds nothing to do.
    await eventually(() =>
      expect(smtp.to(a3.email).map((m) => m.subject)).toEqual(
        expect.arrayContaining([
          `Bid ${A.reference} is assigned to you for assessment`,
          `Bid ${C.reference} is assigned to you for assessment`,
        ]),
      ),
    );
    const again = await t
      .http()
      .post(`/api/v1/rounds/${played.round.id}/assignments/auto`)
      .set(moderator())
      .send({})
      .expect(200);
    expect(again.body).toEqual({ assignments: [], shortfalls: [] });
    // By hand: the affiliated assessor is refused, and so is a third assessor for B.
    const assign = (assessorId: string) =>
      t
        .http()
        .post(`/api/v1/bids/${B.id}/assignments`)
        .set(moderator())
        .send({ assessorId })
        .expect(409);
    expect((await assign(a3.id)).body.code).toBe('assessor-affiliated');
    expect((await assign(a4.id)).body.code).toBe('bid-fully-assigned');
  });

  it('keeps the bid closed until a declaration; a declared conflict tells moderators and the bid is reassigned', async () => {
    const onA = await assignmentOn(a3, A);
    const unread = await t.http().get(`/api/v1/assignments/${onA.id}/bid`).set(a3.headers);
    expectProblem(unread.body, 409, 'declaration-required');

    const declared = await t
      .http()
      .post(`/api/v1/assignments/${onA.id}/declaration`)
      .set(a3.headers)
      .send({ conflict: true, reason: 'I advised the OPCC while this bid was written.' })
      .expect(200);
    expect(declared.body).toMatchObject({ status: 'conflict_declared', declaration: 'conflict' });
    const closed = await t.http().get(`/api/v1/assignments/${onA.id}/bid`).set(a3.headers);
    expectProblem(closed.body, 409, 'assignment-conflicted');
    const marks = await t
      .http()
      .put(`/api/v1/assignments/${onA.id}/marks`)
      .set(a3.headers)
      .send({ marks: [] });
    expectProblem(marks.body, 409, 'assignment-conflicted');
    await eventually(() =>
      expect(smtp.to('moderator@demo.test').map((m) => m.subject)).toContain(
        `Reassign bid ${A.reference}: ${a3.name} declared a conflict`,
      ),
    );
    const mail = smtp
      .to('moderator@demo.test')
      .find((m) => m.subject.startsWith(`Reassign bid ${A.reference}`));
    expect(mail?.text).toContain('I advised the OPCC while this bid was written.');

    // The conflicted assessor is never picked again for that bid; the lightest free one is.
    const refill = await t
      .http()
      .post(`/api/v1/rounds/${played.round.id}/assignments/auto`)
      .set(moderator())
      .send({ assessorIds: [a1.id, a2.id, a3.id, a4.id] })
      .expect(200);
    expect(refill.body.assignments).toHaveLength(1);
    expect(refill.body.assignments[0]).toMatchObject({ bidId: A.id, assessorId: a4.id });
    const byHand = await t
      .http()
      .post(`/api/v1/bids/${A.id}/assignments`)
      .set(moderator())
      .send({ assessorId: a3.id })
      .expect(409);
    expect(byHand.body.detail).toMatch(/declared a conflict/);

    // Declaring no conflict opens the bid as submitted.
    const onB = await assignmentOn(a1, B);
    await declareNoConflict(a1, onB.id);
    const read = await t.http().get(`/api/v1/assignments/${onB.id}/bid`).set(a1.headers);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: B.id, title: 'Lighting for Heaton' });
  });

  it('scores blind: nobody sees the others’ marks before submitting their own', async () => {
    const onB1 = await assignmentOn(a1, B);
    const onB2 = await assignmentOn(a2, B);
    await declareNoConflict(a2, onB2.id);
    const blind = await t.http().get(`/api/v1/bids/${B.id}/assessments`).set(a1.headers);
    expectProblem(blind.body, 403, 'assessment-blind');

    const first = await score(a1, B, [5, 5]);
    expect(first).toMatchObject({ status: 'submitted', score: '100.00', scoreHundredths: 10_000 });
    // a2 has not submitted: still blind, and a1's assignment is not theirs to read.
    expectProblem(
      (await t.http().get(`/api/v1/bids/${B.id}/assessments`).set(a2.headers)).body,
      403,
      'assessment-blind',
    );
    await t.http().get(`/api/v1/assignments/${onB1.id}`).set(a2.headers).expect(404);
    // a1 sees the submitted assessments, their own so far.
    const seen = await t.http().get(`/api/v1/bids/${B.id}/assessments`).set(a1.headers);
    expect(seen.status).toBe(200);
    expect(seen.body.assessments.map((row: AssignmentDto) => row.assessorId)).toEqual([a1.id]);
    expect(seen.body.score).toMatchObject({ assessmentsSubmitted: 1, finalScore: null });
  });

  it('flags the divergent bid for moderation and scores the others on their mean', async () => {
    // B: 100.00 and 12 + 16 = 28.00: spread 72 > 20.
    await score(a2, B, [1, 2]);
    await eventually(() =>
      expect(smtp.to('moderator@demo.test').map((m) => m.subject)).toContain(
        `Bid ${B.reference} needs moderation: assessors differ by 72.00 points`,
      ),
    );
    let scored = 0;
    for (const [who, bid] of [
      [a4, A],
      ...[a1, a2].map((who) => [who, A] as const),
      [a3, C],
      ...[a1, a2].map((who) => [who, C] as const),
    ] as [Assessor, BidDto][]) {
      const held = (await assignmentsOf(who)).find(
        (row) => row.bidId === bid.id && row.status === 'assigned',
      );
      if (held) {
        await declareNoConflict(who, held.id);
        // A: 5,4 = 92.00 and 4,4 = 80.00; C: 4,4 = 80.00 and 4,2 = 64.00.
        const marks: [number, number] =
          bid === A ? (who === a4 ? [4, 4] : [5, 4]) : who === a3 ? [4, 4] : [4, 2];
        await score(who, bid, marks);
        scored += 1;
      }
    }
    expect(scored).toBe(4);

    const scores = await t
      .http()
      .get(`/api/v1/rounds/${played.round.id}/scores`)
      .set(moderator())
      .expect(200);
    const byRef = Object.fromEntries(
      scores.body.map((row: { reference: string }) => [row.reference, row]),
    );
    expect(byRef[A.reference]).toMatchObject({
      mean: '86.00',
      spread: '12.00',
      divergent: false,
      finalScore: '86.00',
      finalBasis: 'mean',
      status: 'moderated',
    });
    expect(byRef[B.reference]).toMatchObject({
      mean: '64.00',
      spread: '72.00',
      divergent: true,
      needsModeration: true,
      finalScore: null,
      status: 'in_assessment',
    });
    expect(byRef[C.reference]).toMatchObject({ mean: '72.00', finalScore: '72.00' });
    expect(byRef[D.reference]).toBeUndefined();

    const pending = await t
      .http()
      .get(`/api/v1/rounds/${played.round.id}/ranking`)
      .set(as('approver'))
      .expect(200);
    expect(pending.body.complete).toBe(false);
    expect(pending.body.awaitingFinalScore.map((row: { bidId: string }) => row.bidId)).toEqual([
      B.id,
    ]);

    // A moderated score needs a reason.
    const bare = await t
      .http()
      .post(`/api/v1/bids/${B.id}/moderation`)
      .set(moderator())
      .send({ decision: 'set-score', score: 72 })
      .expect(400);
    expect(bare.body.errors).toContainEqual({
      field: 'reason',
      message: 'reason is required and must be text',
    });
    expect(new Set(bare.body.errors.map((e: { field: string }) => e.field))).toEqual(
      new Set(['reason']),
    );
    const moderated = await t
      .http()
      .post(`/api/v1/bids/${B.id}/moderation`)
      .set(moderator())
      .send({
        decision: 'set-score',
        score: 72,
        reason: 'The second assessor missed the council’s match funding letter.',
      })
      .expect(200);
    expect(moderated.body).toMatchObject({
      finalScore: '72.00',
      finalScoreHundredths: 7_200,
      finalBasis: 'moderated',
      needsModeration: false,
      moderationReason: 'The second assessor missed the council’s match funding letter.',
    });
  });

  it('ranks by final score, earlier submission first on a tie, with a running total against the budget', async () => {
    const ranking = await t
      .http()
      .get(`/api/v1/rounds/${played.round.id}/ranking`)
      .set(as('approver'))
      .expect(200);
    expect(ranking.body).toMatchObject({
      budgetPence: 70_000_000,
      qualityThreshold: 75,
      complete: true,
      awaitingFinalScore: [],
    });
    // B and C both have 72.00: B was submitted first, though C's reference is lower. Each
    // requested £300,000.
    expect(
      ranking.body.items.map((row: Record<string, unknown>) => [
        row.rank,
        row.reference,
        row.finalScore,
        row.runningTotalPence,
        row.remainingBudgetPence,
        row.withinBudget,
        row.aboveQualityThreshold,
      ]),
    ).toEqual([
      [1, A.reference, '86.00', 30_000_000, 40_000_000, true, true],
      [2, B.reference, '72.00', 60_000_000, 10_000_000, true, false],
      [3, C.reference, '72.00', 90_000_000, -20_000_000, false, false],
    ]);
    // The same data gives the same order.
    const again = await t
      .http()
      .get(`/api/v1/rounds/${played.round.id}/ranking`)
      .set(moderator())
      .expect(200);
    expect(again.body).toEqual(ranking.body);
    for (const role of ['applicant', 'finance', 'assessor'] as Role[]) {
      await t.http().get(`/api/v1/rounds/${played.round.id}/ranking`).set(as(role)).expect(403);
    }
  });
});
