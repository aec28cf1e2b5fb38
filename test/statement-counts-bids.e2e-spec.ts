import { DataSource } from 'typeorm';
import { CONTENT_FIELDS } from '../src/bids/bid-content.rules';
import { type TestApp } from './support/app';
import { NORTHUMBRIA_PCC, validBid } from './support/bids';
import { type ReturnsWorld } from './support/returns';
import { type CountingWorld, startCounting } from './support/statement-counts';

// What a bid's hot writes cost in statements through the real HTTP API (issue 25): creating,
// saving and submitting, at most 4 inside the request's transaction (support/statement-counts.ts
// says how they are counted).
describe('statement counts of the bid writes', () => {
  let world: CountingWorld;
  let setup: ReturnsWorld;
  let t: TestApp;
  let dataSource: DataSource;
  let draftRound: CountingWorld['draftRound'];
  const counted = <T>(work: () => Promise<T>) => world.counted(work);

  beforeAll(async () => {
    world = await startCounting();
    ({ setup, t, dataSource, draftRound } = world);
  }, 240_000);
  afterAll(() => setup.world.close());

  // The same object with its keys in reverse order.
  const reordered = (value: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(value).reverse());

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
});
