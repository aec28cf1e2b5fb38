import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AssignmentDto } from '../src/assessment/assessment-response.dto';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import { formatLondonZoned } from '../src/common/london-time';
import { ReminderScanService } from '../src/notifications/reminder-scan.service';
import { expectProblem, type TestApp } from './support/app';
import {
  type Assessor,
  type ClosedRound,
  closedRoundWithBids,
  dueIn,
  newAssessor,
} from './support/assessment';
import {
  type BiddingWorld,
  NORTHUMBRIA_PCC,
  openRound,
  organisationIds,
  startBidding,
} from './support/bids';
import { NOT_INSTANTS } from './support/factories';
import { eventually } from './support/smtp';

// Every refusal of the issue, each followed by a read that shows nothing changed; then the
// reminder to assessors whose work is not in as the deadline nears.
describe('assessment: bad input and roles', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let played: ClosedRound;
  let [P1, P2, P3]: BidDto[] = [];
  let b1: Assessor, b2: Assessor;
  let onP1: AssignmentDto;
  let onP3: AssignmentDto;
  const as = (role: Role) => world.as(role);
  const dueAt = dueIn(10);

  beforeAll(async () => {
    world = await startBidding();
    t = world.t;
    [b1, b2] = await Promise.all([newAssessor(t, as('admin')), newAssessor(t, as('admin'))]);
    const { pcc } = world;
    played = await closedRoundWithBids(
      world,
      ['Alley gates', 'Street lighting', 'Home security'].map((title) => ({ by: pcc, title })),
      { assessmentsPerBid: 1 },
    );
    [P1, P2, P3] = played.bids;
  }, 60_000);
  afterAll(() => world.close());

  const criterion = (title: string) =>
    played.round.criteria.find((row) => row.title === title)?.id as string;
  const mark = (title: string, value: unknown, justification: unknown = 'Well evidenced.') => ({
    criterionId: criterion(title),
    mark: value,
    justification,
  });
  const saveMarks = (who: Assessor, id: string, marks: unknown[]) =>
    t.http().put(`/api/v1/assignments/${id}/marks`).set(who.headers).send({ marks });
  const read = async (id: string): Promise<AssignmentDto> =>
    (await t.http().get(`/api/v1/assignments/${id}`).set(as('moderator')).expect(200)).body;

  it('has a demo round in assessment whose bids wait for the demo assessor', async () => {
    const mine = await t.http().get('/api/v1/assignments').set(as('assessor')).expect(200);
    expect(
      mine.body.items
        .filter((row: AssignmentDto) => row.bidReference.startsWith('SSF-DEMO-A-'))
        .map((row: AssignmentDto) => [row.bidReference, row.status, row.declaration])
        .sort(),
    ).toEqual([
      ['SSF-DEMO-A-0001', 'assigned', null],
      ['SSF-DEMO-A-0002', 'assigned', null],
    ]);
  });

  it('refuses to open assessment before the round closes, with a past deadline, or twice', async () => {
    const start = (body: object) =>
      t
        .http()
        .post(`/api/v1/rounds/${played.round.id}/start-assessment`)
        .set(as('moderator'))
        .send(body);
    const pastDue = new Date(Date.now() - 60_000);
    const past = await start({ assessmentDueAt: pastDue.toISOString() });
    expectProblem(past.body, 422, 'assessment-deadline-past');
    // The moment is read back on the UK clock with its zone named, not as ISO.
    expect(past.body.errors).toEqual([
      { field: 'assessmentDueAt', message: `${formatLondonZoned(pastDue)} has passed` },
    ]);
    expectProblem((await start({ assessmentDueAt: 'next Friday' })).body, 400);
    // ISO 8601 shapes that are not one instant with its offset (week dates, the basic format, an
    // hour alone) are the client's mistake, named as such.
    for (const assessmentDueAt of NOT_INSTANTS) {
      const refused = await start({ assessmentDueAt });
      expectProblem(refused.body, 400, 'validation-failed');
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'assessmentDueAt' })]);
    }
    const round = await t
      .http()
      .get(`/api/v1/rounds/${played.round.id}`)
      .set(as('moderator'))
      .expect(200);
    expect(round.body.status).toBe('closed');

    const stillOpen = await openRound(t, as('admin'));
    const early = await t
      .http()
      .post(`/api/v1/rounds/${stillOpen.id}/start-assessment`)
      .set(as('moderator'))
      .send({ assessmentDueAt: dueAt });
    expectProblem(early.body, 409, 'round-command-refused');

    const opened = await start({ assessmentDueAt: dueAt }).expect(200);
    expect(opened.body).toMatchObject({ inAssessment: 3, eligibilityFailed: [] });
    expectProblem((await start({ assessmentDueAt: dueAt })).body, 409, 'round-command-refused');
  });

  it('lets a moderator fail a bid on eligibility with a reason, and no one else', async () => {
    const fail = (headers: { authorization: string }, body: object, id = P2.id) =>
      t.http().post(`/api/v1/bids/${id}/fail-eligibility`).set(headers).send(body);
    const reason = 'The lead organisation is not the accountable body for the target area.';
    for (const role of ['applicant', 'finance', 'assessor', 'approver'] as Role[]) {
      await fail(as(role), { reason }).expect(403);
    }
    expectProblem((await fail(as('moderator'), { reason: '   ' })).body, 400);
    await fail(as('moderator'), { reason }, randomUUID()).expect(404);
    const bidNow = async () =>
      (await t.http().get(`/api/v1/bids/${P2.id}`).set(world.pcc.headers).expect(200)).body;
    expect(await bidNow()).toMatchObject({ status: 'in_assessment' });

    await fail(as('moderator'), { reason }).expect(200);
    expect(await bidNow()).toMatchObject({
      status: 'eligibility_failed',
      eligibilityFailureReason: reason,
    });
    expectProblem((await fail(as('moderator'), { reason })).body, 409);
    // A failed bid takes no assessors.
    const assigned = await t
      .http()
      .post(`/api/v1/bids/${P2.id}/assignments`)
      .set(as('moderator'))
      .send({ assessorId: b1.id });
    expectProblem(assigned.body, 409, 'bid-not-in-assessment');
  });

  it('refuses every assessment route to applicants and finance', async () => {
    const id = randomUUID();
    const roundId = played.round.id;
    const calls: [string, string, object?][] = [
      ['post', `/api/v1/rounds/${roundId}/start-assessment`, { assessmentDueAt: dueAt }],
      ['post', `/api/v1/rounds/${roundId}/assignments/auto`, {}],
      ['post', `/api/v1/bids/${P1.id}/assignments`, { assessorId: b1.id }],
      ['get', `/api/v1/bids/${P1.id}/assessments`],
      ['get', `/api/v1/rounds/${roundId}/scores`],
      ['post', `/api/v1/bids/${P1.id}/moderation`, { decision: 'accept-mean' }],
      ['get', `/api/v1/rounds/${roundId}/ranking`],
      ['get', '/api/v1/assignments'],
      ['get', `/api/v1/assignments/${id}`],
      ['post', `/api/v1/assignments/${id}/declaration`, { conflict: false }],
      ['get', `/api/v1/assignments/${id}/bid`],
      ['put', `/api/v1/assignments/${id}/marks`, { marks: [] }],
      ['post', `/api/v1/assignments/${id}/submit`],
      ['get', '/api/v1/assessors'],
      ['get', '/api/v1/assessors/me'],
      ['put', '/api/v1/assessors/me/affiliations', { organisationIds: [], forceAreaCodes: [] }],
    ];
    for (const role of ['applicant', 'finance'] as Role[]) {
      for (const [method, url, body] of calls) {
        const request = t.http()[method as 'get' | 'post' | 'put'](url).set(as(role));
        const response = await (body ? request.send(body) : request);
        expect([url, response.status]).toEqual([url, 403]);
      }
    }
    const assignments = await t
      .http()
      .get(`/api/v1/assignments?roundId=${roundId}`)
      .set(as('moderator'))
      .expect(200);
    expect(assignments.body.total).toBe(0);
  });

  it('refuses marks before the declaration, on another assessor’s assignment, and out of the rules', async () => {
    onP1 = (
      await t
        .http()
        .post(`/api/v1/bids/${P1.id}/assignments`)
        .set(as('moderator'))
        .send({ assessorId: b1.id })
        .expect(201)
    ).body;
    onP3 = (
      await t
        .http()
        .post(`/api/v1/bids/${P3.id}/assignments`)
        .set(as('moderator'))
        .send({ assessorId: b2.id })
        .expect(201)
    ).body;
    // An assessor tied to the force area is refused by hand too.
    const b3 = await newAssessor(t, as('admin'));
    await t
      .http()
      .put('/api/v1/assessors/me/affiliations')
      .set(b3.headers)
      .send({ organisationIds: [], forceAreaCodes: ['E23000007'], note: 'Northumbria OPCC 2024' })
      .expect(200);
    const tied = await t
      .http()
      .post(`/api/v1/bids/${P3.id}/assignments`)
      .set(as('moderator'))
      .send({ assessorId: b3.id });
    expectProblem(tied.body, 409, 'assessor-affiliated');
    expect(tied.body.detail).toMatch(/force area E23000007/);
    // A tie declared after the assignment rules out declaring no conflict.
    const orgs = await organisationIds(t, as('admin'));
    await t
      .http()
      .put('/api/v1/assessors/me/affiliations')
      .set(b2.headers)
      .send({ organisationIds: [orgs[NORTHUMBRIA_PCC]], forceAreaCodes: [] })
      .expect(200);
    const noConflict = await t
      .http()
      .post(`/api/v1/assignments/${onP3.id}/declaration`)
      .set(b2.headers)
      .send({ conflict: false });
    expectProblem(noConflict.body, 409, 'affiliation-declared');
    expect(await read(onP3.id)).toMatchObject({ declaration: null, status: 'assigned' });

    const good = [mark('Strategic case', 4)];
    expectProblem((await saveMarks(b1, onP1.id, good)).body, 409, 'declaration-required');

    // Not b2's assignment: it does not exist for them.
    await saveMarks(b2, onP1.id, good).expect(404);
    await t
      .http()
      .post(`/api/v1/assignments/${onP1.id}/declaration`)
      .set(b2.headers)
      .send({ conflict: false })
      .expect(404);
    await t.http().get(`/api/v1/assignments/${onP1.id}/bid`).set(b2.headers).expect(404);
    const noReason = await t
      .http()
      .post(`/api/v1/assignments/${onP1.id}/declaration`)
      .set(b1.headers)
      .send({ conflict: true });
    expectProblem(noReason.body, 400);
    expect(await read(onP1.id)).toMatchObject({ declaration: null, status: 'assigned' });

    const declared = await t
      .http()
      .post(`/api/v1/assignments/${onP1.id}/declaration`)
      .set(b1.headers)
      .send({ conflict: false })
      .expect(200);
    const again = await t
      .http()
      .post(`/api/v1/assignments/${onP1.id}/declaration`)
      .set(b1.headers)
      .send({ conflict: true, reason: 'Changed my mind.' });
    expectProblem(again.body, 409, 'already-declared');
    expect(again.body.detail).toBe(
      `You declared no conflict on this assignment on ${formatLondonZoned(new Date(declared.body.declaredAt as string))}; a declaration cannot be changed.`,
    );
    const saved = (await saveMarks(b1, onP1.id, good).expect(200)).body as AssignmentDto;
    // A real criterion, of another round.
    const otherRound = await openRound(t, as('admin'));
    const { body: other } = await t
      .http()
      .get(`/api/v1/rounds/${otherRound.id}`)
      .set(as('admin'))
      .expect(200);
    const otherRoundCriterion = {
      criterionId: other.criteria[0].id,
      mark: 1,
      justification: 'Fine.',
    };
    const refusals: [unknown[], number, string][] = [
      [[mark('Strategic case', 6)], 422, 'marks.0.mark'],
      [[mark('Value for money', 3), mark('Strategic case', 9)], 422, 'marks.1.mark'],
      [[mark('Strategic case', -1)], 400, 'marks.0.mark'],
      [[mark('Strategic case', 2.5)], 400, 'marks.0.mark'],
      [[mark('Strategic case', '4')], 400, 'marks.0.mark'],
      [[mark('Strategic case', 3, '  ')], 400, 'marks.0.justification'],
      [[{ criterionId: criterion('Strategic case'), mark: 3 }], 400, 'marks.0.justification'],
      [[otherRoundCriterion], 422, 'marks.0.criterionId'],
      [[mark('Strategic case', 3), mark('Strategic case', 2)], 422, 'marks.1.criterionId'],
    ];
    for (const [marks, status, field] of refusals) {
      const response = await saveMarks(b1, onP1.id, marks);
      expectProblem(response.body, status);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const after = await read(onP1.id);
    expect(after.version).toBe(saved.version);
    expect(after.marks.map((m) => [m.criterionTitle, m.mark])).toEqual([['Strategic case', 4]]);

    // Submitting with a criterion unmarked names it.
    const incomplete = await t.http().post(`/api/v1/assignments/${onP1.id}/submit`).set(b1.headers);
    expectProblem(incomplete.body, 422, 'assessment-incomplete');
    expect(incomplete.body.errors[0].message).toMatch(/"Value for money" has no mark yet/);
    expect((await read(onP1.id)).status).toBe('assigned');
  });

  it('keeps a submitted assessment final, in the API and in the database', async () => {
    await saveMarks(b1, onP1.id, [mark('Value for money', 5)]).expect(200);
    const submitted = await t
      .http()
      .post(`/api/v1/assignments/${onP1.id}/submit`)
      .set(b1.headers)
      .expect(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', score: '88.00' });
    const final = (await saveMarks(b1, onP1.id, [mark('Value for money', 1)])).body;
    expectProblem(final, 409, 'assessment-submitted');
    expect(final.detail).toBe(
      `Your assessment of ${submitted.body.bidReference} was submitted on ${formatLondonZoned(new Date(submitted.body.submittedAt as string))} and is final.`,
    );
    expectProblem(
      (await t.http().post(`/api/v1/assignments/${onP1.id}/submit`).set(b1.headers)).body,
      409,
      'assessment-submitted',
    );
    const dataSource = t.app.get(DataSource);
    const attempts = [
      `UPDATE assessment_marks SET mark = 0 WHERE assignment_id = $1`,
      `DELETE FROM assessment_marks WHERE assignment_id = $1`,
      `UPDATE assessment_assignments SET status = 'assigned' WHERE id = $1`,
      `DELETE FROM assessment_assignments WHERE id = $1`,
    ];
    for (const sql of attempts) {
      await expect(dataSource.query(sql, [onP1.id])).rejects.toThrow(/cannot change/);
    }
    expect(await read(onP1.id)).toMatchObject({ status: 'submitted', score: '88.00' });

    // The bid's score is in (one assessment per bid here); moderation checks its input.
    const moderate = (body: object) =>
      t.http().post(`/api/v1/bids/${P1.id}/moderation`).set(as('moderator')).send(body);
    const precise = await moderate({ decision: 'set-score', score: 70.125, reason: 'Checked.' });
    expectProblem(precise.body, 422, 'score-invalid');
    expectProblem((await moderate({ decision: 'raise' })).body, 400);
    const early = await t
      .http()
      .post(`/api/v1/bids/${P3.id}/moderation`)
      .set(as('moderator'))
      .send({ decision: 'accept-mean' });
    expectProblem(early.body, 409, 'bid-not-ready-for-moderation');
    const scores = await t
      .http()
      .get(`/api/v1/rounds/${played.round.id}/scores`)
      .set(as('moderator'))
      .expect(200);
    expect(
      scores.body.map((row: Record<string, unknown>) => [
        row.reference,
        row.finalScore,
        row.finalBasis,
      ]),
    ).toEqual([
      [P1.reference, '88.00', 'mean'],
      [P3.reference, null, null],
    ]);
  });

  it('reminds an assessor whose assessment is not in, once, as the deadline nears', async () => {
    const scans = world.worker.get(ReminderScanService);
    const reminders = (who: Assessor) =>
      world.smtp.to(who.email).filter((m) => m.subject.startsWith('Reminder: your assessment'));
    const due = Date.parse(dueAt);
    // The scan covers every round; this test reads the rows about its own assignments.
    const queued = async () =>
      (
        await Promise.all(
          [onP1, onP3].map(({ id }) =>
            t
              .http()
              .get(`/api/v1/emails?objectType=assessment_assignment&objectId=${id}&limit=100`)
              .set(as('admin'))
              .expect(200),
          ),
        )
      ).flatMap((response) =>
        response.body.items.map((row: { dedupeKey: string }) => row.dedupeKey),
      );
    // The default is 3 days before the deadline: 4 days before, nothing.
    await scans.scan(new Date(due - 4 * 86_400_000));
    expect((await queued()).filter((key) => key.endsWith(':due'))).toEqual([]);
    const twoDaysBefore = new Date(due - 2 * 86_400_000);
    expect((await scans.scan(twoDaysBefore))['assessment-due']).toBeGreaterThanOrEqual(1);
    expect((await scans.scan(twoDaysBefore))['assessment-due']).toBe(0);
    expect((await queued()).filter((key) => key.endsWith(':due'))).toEqual([
      `assignment:${onP3.id}:due`,
    ]);
    await eventually(() => expect(reminders(b2)).toHaveLength(1));
    expect(reminders(b2)[0].subject).toContain(P3.reference);
    // b1 submitted, so has nothing to be reminded of.
    expect(reminders(b1)).toEqual([]);
  });

  it('cancels the unfinished assignment of a bid that is withdrawn, and stops reminding', async () => {
    await t
      .http()
      .post(`/api/v1/bids/${P3.id}/withdraw`)
      .set(world.pcc.headers)
      .send({ reason: 'The partnership will fund it from its own budget.' })
      .expect(200);
    expect(await read(onP3.id)).toMatchObject({ status: 'cancelled' });
    const load = await t
      .http()
      .get(`/api/v1/assessors?roundId=${played.round.id}`)
      .set(as('moderator'))
      .expect(200);
    expect(load.body.find((row: { id: string }) => row.id === b2.id)).toMatchObject({ load: 0 });
    const marks = await saveMarks(b2, onP3.id, [mark('Strategic case', 1)]);
    expectProblem(marks.body, 409);
  });
});
