import { expectProblem, type TestApp } from './support/app';
import { quarterReturn, type ReturnsWorld } from './support/returns';
import { type CountingWorld, startCounting } from './support/statement-counts';

// What the other hot writes cost in statements through the real HTTP API (issue 25): an
// assessor's marks and a quarterly return, at most 4 inside the request's transaction
// (support/statement-counts.ts says how they are counted).
describe('statement counts of the marks and returns writes', () => {
  let world: CountingWorld;
  let setup: ReturnsWorld;
  let t: TestApp;
  let marking: CountingWorld['marking'];
  const counted = <T>(work: () => Promise<T>) => world.counted(work);

  beforeAll(async () => {
    world = await startCounting();
    ({ setup, t, marking } = world);
  }, 240_000);
  afterAll(() => setup.world.close());

  it('saves an assessor’s marks in at most 4 statements, answering them as a read finds them', async () => {
    const { assessor, round } = marking;
    const criterion = (title: string) =>
      round.criteria.find((row) => row.title === title)?.id as string;
    const [strategic, value] = [criterion('Strategic case'), criterion('Value for money')];
    const listed = await t
      .http()
      .get(`/api/v1/assignments?roundId=${round.id}`)
      .set(assessor.headers)
      .expect(200);
    const at = `/api/v1/assignments/${listed.body.items[0].id}`;
    await t
      .http()
      .post(`${at}/declaration`)
      .set(assessor.headers)
      .send({ conflict: false })
      .expect(200);
    const declared = await t.http().get(at).set(assessor.headers).expect(200);
    const save = (marks: object[]) =>
      t.http().put(`${at}/marks`).set(assessor.headers).send({ marks });
    // A mark as the API shows it, with its criterion (CRITERIA in test/support/assessment.ts).
    const shown = (criterionId: string, mark: number, justification: string) => ({
      criterionId,
      ...(criterionId === strategic
        ? { criterionTitle: 'Strategic case', maxMark: 5, weight: 60 }
        : { criterionTitle: 'Value for money', maxMark: 5, weight: 40 }),
      mark,
      justification,
    });

    const [first, counts] = await counted(() =>
      save([{ criterionId: strategic, mark: 3, justification: 'Hot spots mapped.' }]).expect(200),
    );
    // Three today: the locks, one read, one write.
    expect(counts.inTransaction).toBeLessThanOrEqual(4);
    const read = await t.http().get(at).set(assessor.headers).expect(200);
    // The same bytes as a read, keys in the same order.
    expect(first.text).toBe(read.text);
    expect(first.body.version).toBe(declared.body.version + 1);
    expect(first.body.marks).toEqual([shown(strategic, 3, 'Hot spots mapped.')]);
    // The score is fixed at submission, not by a save.
    expect(first.body.score).toBeNull();

    // Sent out of the criteria's order, one changed and one new: answered in the criteria's order.
    const [second, again] = await counted(() =>
      save([
        { criterionId: value, mark: 2, justification: 'Costs not benchmarked.' },
        { criterionId: strategic, mark: 4, justification: 'Hot spots mapped well.' },
      ]).expect(200),
    );
    expect(again.inTransaction).toBeLessThanOrEqual(4);
    const reread = await t.http().get(at).set(assessor.headers).expect(200);
    expect(second.text).toBe(reread.text);
    expect(second.body.version).toBe(first.body.version + 1);
    expect(second.body.marks).toEqual([
      shown(strategic, 4, 'Hot spots mapped well.'),
      shown(value, 2, 'Costs not benchmarked.'),
    ]);
    // A moderator reads the same marks.
    const moderated = await t.http().get(at).set(setup.world.as('moderator')).expect(200);
    expect(moderated.body.marks).toEqual(second.body.marks);

    // A mark out of range writes nothing: no mark, no version, no audit event.
    await save([{ criterionId: value, mark: 9, justification: 'Too generous.' }]).expect(422);
    const unchanged = await t.http().get(at).set(assessor.headers).expect(200);
    expect(unchanged.body).toEqual(second.body);

    // Two saves at once: each waits for the other's lock, so both count and each audit event's
    // "before" is what the other left.
    const both = await Promise.all(
      [1, 5].map((mark) =>
        save([{ criterionId: strategic, mark, justification: `Marked ${mark}.` }]).expect(200),
      ),
    );
    const last = await t.http().get(at).set(assessor.headers).expect(200);
    expect(last.body.version).toBe(second.body.version + 2);
    expect(both.map((answer) => answer.body.version as number).sort((a, b) => a - b)).toEqual([
      second.body.version + 1,
      second.body.version + 2,
    ]);
    const finalMark = last.body.marks.find(
      (mark: { criterionId: string }) => mark.criterionId === strategic,
    );
    expect(both.find((answer) => answer.body.version === last.body.version)?.body.marks).toEqual(
      last.body.marks,
    );

    // The audit trail names each save's marks, before and after, and nothing else.
    const events = await t
      .http()
      .get(
        `/api/v1/audit-events?objectType=assessment_assignment&objectId=${listed.body.items[0].id}`,
      )
      .set(setup.world.as('admin'))
      .expect(200);
    const saves = events.body.items
      .filter((event: { command: string }) => event.command === 'assignment.save-marks')
      .map((event: { changes: unknown }) => event.changes);
    expect(saves).toHaveLength(4);
    expect(saves.slice(0, 2)).toEqual([
      {
        [`marks.${strategic}`]: {
          before: null,
          after: { mark: 3, justification: 'Hot spots mapped.' },
        },
      },
      {
        [`marks.${value}`]: {
          before: null,
          after: { mark: 2, justification: 'Costs not benchmarked.' },
        },
        [`marks.${strategic}`]: {
          before: { mark: 3, justification: 'Hot spots mapped.' },
          after: { mark: 4, justification: 'Hot spots mapped well.' },
        },
      },
    ]);
    // The parallel pair, in the order they took the lock.
    const pair = saves
      .slice(2)
      .map((changes: Record<string, unknown>) => changes[`marks.${strategic}`]);
    const [earlier, later] =
      pair[1].after.mark === finalMark.mark ? [pair[0], pair[1]] : [pair[1], pair[0]];
    expect(earlier.before).toEqual({ mark: 4, justification: 'Hot spots mapped well.' });
    expect(later.before).toEqual(earlier.after);
    expect(later.after).toEqual({ mark: finalMark.mark, justification: finalMark.justification });
  });

  // At the start: 25 inside the transaction, 28 in all; 22 / 25 before the return was locked in
  // one statement and read whole in one more.
  it('saves a return in at most 4 statements, answering it as a read finds it', async () => {
    const { pcc, as } = setup.world;
    const q1 = `/api/v1/returns/${setup.returns[0].id}`;
    const before = await t.http().get(q1).set(pcc.headers).expect(200);
    const content = quarterReturn(setup.interventionId, {
      capital: 6_250_000,
      revenue: 1_250_000,
    });
    const [saved, counts] = await counted(() =>
      t
        .http()
        .patch(q1)
        .set(pcc.headers)
        .set('if-match', before.headers.etag)
        .send(content)
        .expect(200),
    );
    expect(counts.inTransaction).toBeLessThanOrEqual(4);
    const read = await t.http().get(q1).set(pcc.headers).expect(200);
    expect(saved.body).toEqual(read.body);
    expect(saved.headers.etag).toBe(read.headers.etag);
    // What a save writes: the draft, a new version, and an audit event (below).
    expect(saved.body.version).toBe(before.body.version + 1);
    expect(saved.body.draft.spend).toEqual(content.spend);
    expect(saved.body.draft.narrative).toBe(content.narrative);
    // The rules ran against the award as read after the lock: on profile, nothing stops it.
    expect(saved.body.variance).toMatchObject({
      profilePence: 7_500_000,
      actualPence: 7_500_000,
    });
    expect(saved.body.problems).toEqual([]);
    expect(saved.body.outputs).toEqual([
      expect.objectContaining({
        interventionId: setup.interventionId,
        thisQuarter: 10,
        toDate: 10,
      }),
    ]);
    // A field sent alone replaces that field and keeps the rest.
    const [renamed, again] = await counted(() =>
      t
        .http()
        .patch(q1)
        .set(pcc.headers)
        .set('if-match', saved.headers.etag)
        .send({ narrative: 'Forty columns lit.' })
        .expect(200),
    );
    expect(again.inTransaction).toBeLessThanOrEqual(4);
    const reread = await t.http().get(q1).set(pcc.headers).expect(200);
    expect(renamed.body).toEqual(reread.body);
    expect(renamed.body.version).toBe(saved.body.version + 1);
    expect(renamed.body.draft).toEqual({ ...saved.body.draft, narrative: 'Forty columns lit.' });
    // Each save's audit event names the fields it sent, before and after.
    const events = await t
      .http()
      .get(`/api/v1/audit-events?objectType=delivery_return&objectId=${setup.returns[0].id}`)
      .set(as('admin'))
      .expect(200);
    const saves = events.body.items.filter(
      (event: { command: string }) => event.command === 'return.save',
    );
    expect(saves.map((event: { changes: unknown }) => event.changes)).toEqual([
      Object.fromEntries(
        Object.entries(content).map(([field, after]) => [field, { before: null, after }]),
      ),
      { narrative: { before: content.narrative, after: 'Forty columns lit.' } },
    ]);
    // A draft the rules refuse writes nothing.
    const refused = await t
      .http()
      .patch(q1)
      .set(pcc.headers)
      .set('if-match', renamed.headers.etag)
      .send({ spend: [{ financialYear: '2031/32', kind: 'capital', amountPence: 100 }] });
    expectProblem(refused.body, 422, 'return-draft-invalid');
    expect((await t.http().get(q1).set(pcc.headers).expect(200)).body).toEqual(reread.body);
    // The earlier version is now stale.
    await t
      .http()
      .patch(q1)
      .set(pcc.headers)
      .set('if-match', saved.headers.etag)
      .send({ narrative: 'Too late.' })
      .expect(412);
  });
});
