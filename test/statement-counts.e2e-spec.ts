import { DataSource } from 'typeorm';
import { CONTENT_FIELDS } from '../src/bids/bid-content.rules';
import { expectProblem, type TestApp } from './support/app';
import { NORTHUMBRIA_PCC, openRound, validBid } from './support/bids';
import { type ModeratedRound, moderatedRound } from './support/awards';
import { activeAward, quarterReturn, RETURNS_FY, type ReturnsWorld } from './support/returns';
import { readCost, type ReadCost, transactionsOf } from './support/rows-fetched';

// What the hot operations cost in statements through the real HTTP API (issue 25): a write at
// most 4 statements inside its transaction, a page of a list at most 3 queries whatever its
// size, one object at most 4, and the per-request user check one. Counted on the app's own
// pool, so a statement added to a hot path fails here instead of creeping back unnoticed.
// Every request's count includes its user check.
interface Counts {
  total: number;
  // Statements inside the request's transaction (BEGIN and COMMIT left out); the largest when
  // it has several.
  inTransaction: number;
}

function countsOf(cost: ReadCost): Counts {
  const transactions = transactionsOf(cost.statements);
  return {
    total: cost.queries,
    inTransaction: Math.max(0, ...transactions.map((statements) => statements.length)),
  };
}

describe('statement counts of the hot paths', () => {
  let setup: ReturnsWorld;
  let t: TestApp;
  let dataSource: DataSource;
  let draftRound: Awaited<ReturnType<typeof openRound>>;
  // A round in assessment whose one bid its assessor has yet to mark.
  let marking: ModeratedRound;

  beforeAll(async () => {
    setup = await activeAward();
    t = setup.world.t;
    dataSource = t.app.get(DataSource);
    const { as, pcc } = setup.world;
    draftRound = await openRound(t, as('admin'));
    // Twenty drafts of the PCC's, so that a page of 1 and a page of 20 both come back full.
    for (let n = 0; n < 20; n += 1) {
      await t.http().post('/api/v1/bids').set(pcc.headers).send(validBid(draftRound)).expect(201);
    }
    marking = await moderatedRound(setup.world, [pcc], 1, {}, 1);
  }, 240_000);
  afterAll(() => setup.world.close());

  // The same object with its keys in reverse order.
  const reordered = (value: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(value).reverse());

  async function counted<T>(work: () => Promise<T>): Promise<[T, Counts]> {
    const { result, cost } = await readCost(dataSource, work);
    return [result, countsOf(cost)];
  }

  describe('writes', () => {
    // Today's counts per request (inside the transaction / in all), against the 4.
    it('creates a draft bid in at most 3 statements and no transaction, answering it as a read finds it', async () => {
      const { pcc } = setup.world;
      const [created, counts] = await counted(() =>
        t.http().post('/api/v1/bids').set(pcc.headers).send(validBid(draftRound)).expect(201),
      );
      // At the start: 18 inside the transaction, 21 in all; 4 / 6 before the write was one
      // statement on its own: the user check, the round's read and the write.
      expect(counts.inTransaction).toBe(0);
      expect(counts.total).toBeLessThanOrEqual(3);
      const read = await t.http().get(`/api/v1/bids/${created.body.id}`).set(pcc.headers);
      expect(created.body).toEqual(read.body);
      expect(created.body.requestedPence).toBe(30_000_000);
      expect(created.body.interventions[0].id).toEqual(expect.any(String));
    });

    // The event is written by the statement that writes the bid, its fields read from the new
    // row: it must say what a read of the bid says, defaults included.
    it('audits a new draft with every field it was created with, as a read finds them', async () => {
      const { pcc } = setup.world;
      for (const body of [validBid(draftRound), { roundId: draftRound.id, title: 'Gates' }]) {
        const created = await t.http().post('/api/v1/bids').set(pcc.headers).send(body).expect(201);
        const read = await t.http().get(`/api/v1/bids/${created.body.id}`).set(pcc.headers);
        const events = await t
          .http()
          .get(`/api/v1/audit-events?objectType=bid&objectId=${created.body.id}`)
          .set(setup.world.as('admin'))
          .expect(200);
        const content = (field: string): unknown =>
          field === 'interventions'
            ? (read.body.interventions as { id: string }[]).map(({ id: _id, ...rest }) => rest)
            : read.body[field];
        expect(events.body.items.map((event: { command: string }) => event.command)).toEqual([
          'bid.create',
        ]);
        expect(events.body.items[0].changes).toEqual(
          Object.fromEntries(
            ['reference', ...CONTENT_FIELDS]
              .filter((field) => content(field) !== null)
              .map((field) => [field, { before: null, after: content(field) }]),
          ),
        );
      }
    });

    // At the start: 20 inside the transaction, 23 in all; 8 / 11 before the save was folded.
    it('saves a draft bid in at most 4 statements, answering it as a read finds it', async () => {
      const { pcc } = setup.world;
      const draft = await t
        .http()
        .post('/api/v1/bids')
        .set(pcc.headers)
        .send(validBid(draftRound))
        .expect(201);
      const { milestones = [], costLines = [], interventions = [] } = validBid(draftRound);
      const edit = {
        title: 'Safer alleys for Byker and Heaton',
        milestones: [{ title: 'Gates fitted', dueOn: milestones[0].dueOn }],
        costLines: [{ ...costLines[0], amountPence: 20_000_000 }],
        interventions: [
          { ...interventions[0], costPence: 10_000_000 },
          { ...interventions[0], description: 'Ten more columns', costPence: 10_000_000 },
        ],
      };
      const [saved, counts] = await counted(() =>
        t
          .http()
          .patch(`/api/v1/bids/${draft.body.id}`)
          .set(pcc.headers)
          .set('if-match', draft.headers.etag)
          .send(edit)
          .expect(200),
      );
      expect(counts.inTransaction).toBeLessThanOrEqual(4);
      const read = await t.http().get(`/api/v1/bids/${draft.body.id}`).set(pcc.headers);
      expect(saved.body).toEqual(read.body);
      expect(saved.headers.etag).toBe(read.headers.etag);
      expect(saved.body.version).toBe(draft.body.version + 1);
      expect(saved.body.requestedPence).toBe(20_000_000);
      expect(saved.body.matchFundingPence).toBe(draft.body.matchFundingPence);
      expect(saved.body.interventions.map((i: { description: string }) => i.description)).toEqual([
        'Forty LED columns in the back lanes',
        'Ten more columns',
      ]);
      // An edit of columns alone deletes no lines: one statement fewer.
      const [retitled, fewer] = await counted(() =>
        t
          .http()
          .patch(`/api/v1/bids/${draft.body.id}`)
          .set(pcc.headers)
          .set('if-match', saved.headers.etag)
          // The risks as they were, their keys in another order: not a change.
          .send({ summary: 'Gates and lights.', risks: draft.body.risks.map(reordered) })
          .expect(200),
      );
      expect(fewer.inTransaction).toBeLessThanOrEqual(3);
      const reread = await t.http().get(`/api/v1/bids/${draft.body.id}`).set(pcc.headers);
      expect(retitled.body).toEqual(reread.body);
      expect(retitled.body.version).toBe(saved.body.version + 1);
      // The audit trail names what each save changed, before and after, and nothing else.
      const events = await t
        .http()
        .get(`/api/v1/audit-events?objectType=bid&objectId=${draft.body.id}`)
        .set(setup.world.as('admin'))
        .expect(200);
      const updates = events.body.items.filter(
        (event: { command: string }) => event.command === 'bid.update',
      );
      const content = (bid: Record<string, unknown>, field: string) =>
        field === 'interventions'
          ? (bid.interventions as { id: string }[]).map(({ id: _id, ...rest }) => rest)
          : bid[field];
      const changesBetween = (from: Record<string, unknown>, to: Record<string, unknown>) =>
        Object.fromEntries(
          Object.keys(edit).map((field) => [
            field,
            { before: content(from, field), after: content(to, field) },
          ]),
        );
      expect(updates.map((event: { changes: unknown }) => event.changes)).toEqual([
        changesBetween(draft.body, saved.body),
        { summary: { before: saved.body.summary, after: 'Gates and lights.' } },
      ]);
      // The earlier version is now stale.
      await t
        .http()
        .patch(`/api/v1/bids/${draft.body.id}`)
        .set(pcc.headers)
        .set('if-match', saved.headers.etag)
        .send({ summary: 'Too late.' })
        .expect(412);
    });

    // At the start: 27 inside the transaction, 30 in all; 21 / 24 before the submission was
    // folded. A council's bid, which needs its PCC's endorsement: the most a submission writes.
    it('submits a bid in at most 4 statements, answering it as a read finds it', async () => {
      const { council, pcc, as } = setup.world;
      const draft = await t
        .http()
        .post('/api/v1/bids')
        .set(council.headers)
        .send(validBid(draftRound))
        .expect(201);
      const id = draft.body.id as string;
      const started = Date.now();
      const [submitted, counts] = await counted(() =>
        t.http().post(`/api/v1/bids/${id}/submit`).set(council.headers).expect(200),
      );
      expect(counts.inTransaction).toBeLessThanOrEqual(4);
      const read = await t.http().get(`/api/v1/bids/${id}`).set(council.headers).expect(200);
      expect(submitted.body).toEqual(read.body);
      // What the submission writes: the bid frozen, by whom and when, as its organisation is now.
      const { submittedAt, submittedDigest } = submitted.body;
      expect(submitted.body).toMatchObject({
        status: 'submitted',
        version: draft.body.version + 1,
        applicantType: 'local_authority',
        forceAreaCode: draft.body.forceAreaCode,
        endorsement: { state: 'awaiting', reason: null, decidedAt: null },
      });
      expect(submittedDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(new Date(submittedAt).getTime()).toBeGreaterThanOrEqual(started);
      expect(new Date(submittedAt).getTime()).toBeLessThanOrEqual(Date.now());
      const [row] = await dataSource.query(
        `SELECT b.submitted_by, b.needs_endorsement, u.email FROM bids b
           JOIN users u ON u.id = b.submitted_by WHERE b.id = $1`,
        [id],
      );
      expect(row).toMatchObject({ needs_endorsement: true, email: council.email });
      // Its audit event.
      const events = await t
        .http()
        .get(`/api/v1/audit-events?objectType=bid&objectId=${id}`)
        .set(as('admin'))
        .expect(200);
      expect(
        events.body.items
          .filter((event: { command: string }) => event.command === 'bid.submit')
          .map((event: { changes: unknown; actorId: string }) => [event.actorId, event.changes]),
      ).toEqual([
        [
          row.submitted_by,
          {
            status: { before: 'draft', after: 'submitted' },
            submittedDigest: { before: null, after: submittedDigest },
          },
        ],
      ]);
      // Its emails, queued in the same transaction and carrying the request's id: the receipt
      // to the submitter, and the endorsement request to the PCC's applicants.
      const emails: {
        template: string;
        dedupe_key: string;
        recipients: string[];
        data: Record<string, unknown>;
        request_id: string;
      }[] = await dataSource.query(
        `SELECT template, dedupe_key, recipients, data, request_id FROM email_outbox
          WHERE object_type = 'bid' AND object_id = $1 ORDER BY dedupe_key`,
        [id],
      );
      const summary = {
        reference: read.body.reference,
        title: read.body.title,
        roundName: draftRound.name,
        organisationName: read.body.organisationName,
        requestedPence: read.body.requestedPence,
        matchFundingPence: read.body.matchFundingPence,
        costLines: read.body.costLines,
        interventions: read.body.interventions.map(
          ({ category, type, costPence }: Record<string, unknown>) => ({
            category,
            type,
            costPence,
          }),
        ),
      };
      const requestId = submitted.headers['x-request-id'];
      expect(requestId).toEqual(expect.any(String));
      expect(emails).toEqual([
        {
          template: 'bid-endorsement-requested',
          dedupe_key: `bid:${id}:endorsement-requested`,
          recipients: expect.arrayContaining([pcc.email]),
          data: {
            ...summary,
            pccName: NORTHUMBRIA_PCC,
            closesAt: draftRound.closesAt,
            endorsementUrl: expect.stringContaining(`/endorsements/bids/${id}`),
          },
          request_id: requestId,
        },
        {
          template: 'bid-submitted',
          dedupe_key: `bid:${id}:submitted`,
          recipients: [council.email],
          data: {
            ...summary,
            name: expect.any(String),
            submittedAt,
            digest: submittedDigest,
            awaitingPcc: NORTHUMBRIA_PCC,
            bidUrl: expect.stringContaining(id),
          },
          request_id: requestId,
        },
      ]);
      // A retried submission answers the bid as it stands and writes nothing more.
      const [again, retried] = await counted(() =>
        t.http().post(`/api/v1/bids/${id}/submit`).set(council.headers).expect(200),
      );
      expect(again.body).toEqual(read.body);
      expect(retried.inTransaction).toBeLessThanOrEqual(2);
    });

    // At the start: 22 inside the transaction, 25 in all; 19 / 22 before the save was folded
    // into the locks, one read and one write (3 / 6).
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

  describe('reads', () => {
    // The same list read as a page of 1 and a page of 20, both full: the count is the same.
    async function pages(path: string, headers: { authorization: string }): Promise<Counts[]> {
      const join = path.includes('?') ? '&' : '?';
      const [one, small] = await counted(() =>
        t.http().get(`${path}${join}limit=1`).set(headers).expect(200),
      );
      const [twenty, large] = await counted(() =>
        t.http().get(`${path}${join}limit=20`).set(headers).expect(200),
      );
      expect(one.body.items).toHaveLength(1);
      expect(twenty.body.items).toHaveLength(Math.min(20, twenty.body.total as number));
      expect(twenty.body.items.length).toBeGreaterThan(1);
      expect(large).toEqual(small);
      return [small, large];
    }

    it('reads a page of bids in at most 3 queries whatever its size', async () => {
      const [small] = await pages(`/api/v1/bids?roundId=${draftRound.id}`, setup.world.pcc.headers);
      expect(small.total).toBeLessThanOrEqual(3);
    });

    it('reads a page of awards in at most 3 queries whatever its size', async () => {
      const [small] = await pages('/api/v1/awards', setup.world.as('finance'));
      expect(small.total).toBeLessThanOrEqual(3);
    });

    it('reads a page of returns in at most 3 queries whatever its size', async () => {
      const [small] = await pages('/api/v1/returns', setup.world.as('finance'));
      expect(small.total).toBeLessThanOrEqual(3);
    });

    // At the start: 6 queries for a page of 1.
    it('reads a page of assignments in at most 3 queries whatever its size', async () => {
      const [small] = await pages('/api/v1/assignments', setup.world.as('moderator'));
      expect(small.total).toBeLessThanOrEqual(3);
    });

    it('reads one bid in at most 4 queries', async () => {
      const [response, counts] = await counted(() =>
        t.http().get(`/api/v1/bids/${setup.bid.id}`).set(setup.world.pcc.headers).expect(200),
      );
      expect(response.body.id).toBe(setup.bid.id);
      expect(counts.total).toBeLessThanOrEqual(4);
    });

    // At the start: 17 queries.
    it('reads one award in at most 4 queries, and not another organisation’s', async () => {
      const { world, awardId } = setup;
      const [response, counts] = await counted(() =>
        t.http().get(`/api/v1/awards/${awardId}`).set(world.pcc.headers).expect(200),
      );
      expect(response.body.id).toBe(awardId);
      expect(response.body.lines.length).toBeGreaterThan(0);
      expect(response.body.returns.length).toBeGreaterThan(0);
      expect(counts.total).toBeLessThanOrEqual(4);
      await t.http().get(`/api/v1/awards/${awardId}`).set(world.council.headers).expect(404);
    });

    // At the start: 23 queries; 20 before the return was read whole in one.
    it('reads one return in at most 4 queries, and not another organisation’s', async () => {
      const { world, returns, interventionId } = setup;
      const [q1, q2] = returns.map((ret) => `/api/v1/returns/${ret.id}`);
      // Q1 sent and approved, so its read carries a submission, its review and a payment.
      const draft = await t.http().get(q1).set(world.pcc.headers).expect(200);
      await t
        .http()
        .patch(q1)
        .set(world.pcc.headers)
        .set('if-match', draft.headers.etag)
        .send(quarterReturn(interventionId, { capital: 6_250_000, revenue: 1_250_000 }))
        .expect(200);
      await t.http().post(`${q1}/submit`).set(world.pcc.headers).expect(200);
      await t.http().post(`${q1}/approve`).set(world.as('finance')).send({}).expect(200);
      const [sent, counts] = await counted(() =>
        t.http().get(q1).set(world.pcc.headers).expect(200),
      );
      expect(counts.total).toBeLessThanOrEqual(4);
      const [bidder, finance] = await Promise.all(
        [world.pcc.headers, world.as('finance')].map(
          async (headers) => (await t.http().get('/api/v1/me').set(headers).expect(200)).body,
        ),
      );
      expect(sent.body.status).toBe('approved');
      expect(sent.body.submissions).toEqual([
        expect.objectContaining({
          number: 1,
          submittedBy: bidder.name,
          outcome: 'approved',
          reviewedBy: finance.name,
          payablePence: 7_500_000,
          spend: [
            {
              financialYear: RETURNS_FY,
              kind: 'capital',
              claimedPence: 6_250_000,
              approvedPence: 6_250_000,
            },
            {
              financialYear: RETURNS_FY,
              kind: 'revenue',
              claimedPence: 1_250_000,
              approvedPence: 1_250_000,
            },
          ],
        }),
      ]);
      expect(sent.body.payment).toMatchObject({ amountPence: 7_500_000, status: 'to_make' });
      expect(sent.body.problems).toEqual([]);
      // Q2 counts Q1's outputs and approved spend: the ledger's sums, read in the same query.
      const [next, nextCounts] = await counted(() =>
        t.http().get(q2).set(world.pcc.headers).expect(200),
      );
      expect(nextCounts.total).toBeLessThanOrEqual(4);
      expect(next.body.outputs).toEqual([
        expect.objectContaining({ interventionId, thisQuarter: null, toDate: 10 }),
      ]);
      expect(next.body.submissions).toEqual([]);
      expect(next.body.payment).toBeNull();
      // Staff read it as the bidder does; another organisation's bidder does not find it.
      const staff = await t.http().get(q1).set(world.as('finance')).expect(200);
      expect(staff.body).toEqual(sent.body);
      await t.http().get(q1).set(world.council.headers).expect(404);
    });

    // At the start: 11 queries (the user check, then a transaction: BEGIN, its isolation level,
    // the award, five ledger sums, the returns, COMMIT). After the return read above: Q1
    // approved, its payment to be made.
    it('reads an award’s position in at most 2 queries, and not another organisation’s', async () => {
      const { world, awardId } = setup;
      const path = `/api/v1/awards/${awardId}/position`;
      const [response, counts] = await counted(() =>
        t.http().get(path).set(world.pcc.headers).expect(200),
      );
      expect(counts.total).toBeLessThanOrEqual(2);
      expect(response.body.total).toMatchObject({
        claimedPence: 7_500_000,
        approvedPence: 7_500_000,
        paidPence: 0,
        releasedPence: 0,
      });
      expect(response.body.toPayPence).toBe(7_500_000);
      expect(response.body.returns.map((ret: { id: string }) => ret.id)).toEqual(
        setup.returns.map((ret) => ret.id),
      );
      const staff = await t.http().get(path).set(world.as('finance')).expect(200);
      expect(staff.body).toEqual(response.body);
      await t.http().get(path).set(world.council.headers).expect(404);
    });

    it('checks the signed-in user with one statement', async () => {
      // A route the applicant's role may not use: the refusal follows the user check alone.
      const [, counts] = await counted(() =>
        t.http().get('/api/v1/assessors').set(setup.world.pcc.headers).expect(403),
      );
      expect(counts).toEqual({ total: 1, inTransaction: 0 });
    });
  });
});
