import { randomUUID } from 'node:crypto';
import { expectProblem, startApp, TestApp, tokensByRole } from './support/app';
import { NOT_INSTANTS, validRound } from './support/factories';
import type { Role } from '../src/common/access';

describe('funding rounds', () => {
  let t: TestApp;
  let tokens: Record<Role, string>;
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  beforeAll(async () => {
    t = await startApp();
    tokens = await tokensByRole(t);
  });
  afterAll(() => t.close());

  it('lets an admin create a draft round, hidden from applicants until published', async () => {
    const created = await t
      .http()
      .post('/api/v1/rounds')
      .set(as('admin'))
      .send(validRound({ yearCaps: [] }))
      .expect(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      version: 1,
      approvalThresholdPence: 10_000_000,
      assessmentsPerBid: 2,
      returnDueDays: 30,
    });
    expect(created.body.criteria.map((c: { position: number }) => c.position)).toEqual([1, 2]);
    expect(created.headers.etag).toBe('"1"');

    await t.http().get(`/api/v1/rounds/${created.body.id}`).set(as('applicant')).expect(404);
    const applicantList = await t
      .http()
      .get('/api/v1/rounds?limit=100')
      .set(as('applicant'))
      .expect(200);
    expect(applicantList.body.items.map((r: { id: string }) => r.id)).not.toContain(
      created.body.id,
    );
    expect(applicantList.body.items.every((r: { status: string }) => r.status !== 'draft')).toBe(
      true,
    );
    await t.http().get(`/api/v1/rounds/${created.body.id}`).set(as('assessor')).expect(200);
  });

  it('refuses an inconsistent round with errors naming each field, and writes nothing', async () => {
    const round = validRound({
      closesAt: new Date(Date.now() - 86_400_000).toISOString(),
      criteria: [
        { title: 'A', weight: 50, maxMark: 5 },
        { title: 'B', weight: 30, maxMark: 5 },
      ],
      yearCaps: [{ financialYear: '2026/27', capPence: 50_000_000 }],
      awardType: 'direct',
    });
    const response = await t.http().post('/api/v1/rounds').set(as('admin')).send(round).expect(422);
    expectProblem(response.body, 422, 'round-settings-inconsistent');
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining([
        'directAwardJustification',
        'closesAt',
        'criteria',
        'yearCaps.0.capPence',
      ]),
    );
    const list = await t.http().get('/api/v1/rounds?limit=100').set(as('admin')).expect(200);
    expect(list.body.items.map((r: { code: string }) => r.code)).not.toContain(round.code);
  });

  it('answers bad shapes with 400: wrong types, unknown fields, over-long strings, bad ids', async () => {
    const response = await t
      .http()
      .post('/api/v1/rounds')
      .set(as('admin'))
      .send({ ...validRound(), budgetPence: 12.5, name: 'x'.repeat(201), colour: 'red' })
      .expect(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['budgetPence', 'name', 'colour']),
    );
    const nested = await t
      .http()
      .post('/api/v1/rounds')
      .set(as('admin'))
      .send(validRound({ criteria: [{ title: 'Only', weight: 100, maxMark: 0 }] }))
      .expect(400);
    expect(nested.body.errors[0].field).toBe('criteria.0.maxMark');
    for (const closesAt of NOT_INSTANTS) {
      const round = await t
        .http()
        .post('/api/v1/rounds')
        .set(as('admin'))
        .send(validRound({ closesAt }));
      expectProblem(round.body, 400, 'validation-failed');
      expect(round.body.errors).toEqual([expect.objectContaining({ field: 'closesAt' })]);
    }
    const badId = await t.http().get('/api/v1/rounds/not-a-uuid').set(as('admin')).expect(400);
    expect(badId.body.errors).toEqual([{ field: 'id', message: 'id in the path must be a UUID' }]);
    await t.http().get(`/api/v1/rounds/${randomUUID()}`).set(as('admin')).expect(404);
  });

  it('edits a draft only with the current version in If-Match', async () => {
    const { body: round } = await t
      .http()
      .post('/api/v1/rounds')
      .set(as('admin'))
      .send(validRound())
      .expect(201);
    const missing = await t
      .http()
      .patch(`/api/v1/rounds/${round.id}`)
      .set(as('admin'))
      .send({ name: 'Renamed' })
      .expect(428);
    expectProblem(missing.body, 428, 'if-match-required');
    const edited = await t
      .http()
      .patch(`/api/v1/rounds/${round.id}`)
      .set(as('admin'))
      .set('if-match', '"1"')
      .send({ name: 'Renamed', criteria: [{ title: 'All of it', weight: 100, maxMark: 10 }] })
      .expect(200);
    expect(edited.body).toMatchObject({
      name: 'Renamed',
      version: 2,
      criteria: [{ title: 'All of it', weight: 100, maxMark: 10, position: 1 }],
    });
    const stale = await t
      .http()
      .patch(`/api/v1/rounds/${round.id}`)
      .set(as('admin'))
      .set('if-match', '"1"')
      .send({ name: 'Lost update' })
      .expect(412);
    expectProblem(stale.body, 412, 'version-mismatch');
    const inconsistent = await t
      .http()
      .patch(`/api/v1/rounds/${round.id}`)
      .set(as('admin'))
      .set('if-match', '2')
      .send({ capPerBidPence: 3_000_000_000 })
      .expect(422);
    expect(inconsistent.body.errors).toEqual([
      { field: 'capPerBidPence', message: 'the cap per bid cannot exceed the round budget' },
    ]);
    const after = await t.http().get(`/api/v1/rounds/${round.id}`).set(as('admin')).expect(200);
    expect(after.body).toMatchObject({ name: 'Renamed', version: 2, capPerBidPence: 43_200_000 });
  });

  it('walks a round through its whole lifecycle, refusing illegal commands, with each step audited', async () => {
    const closesAt = new Date(Date.now() + 1500).toISOString();
    const { body: round } = await t
      .http()
      .post('/api/v1/rounds')
      .set(as('admin'))
      .send(validRound({ closesAt }))
      .expect(201);
    // Opening assessment names the deadline for assessors' scores.
    const bodies: Record<string, object> = {
      'start-assessment': { assessmentDueAt: new Date(Date.now() + 14 * 86_400_000).toISOString() },
    };
    const run = (command: string, role: Role = 'admin') =>
      t
        .http()
        .post(`/api/v1/rounds/${round.id}/${command}`)
        .set(as(role))
        .send(bodies[command] ?? {});

    await run('publish', 'approver').expect(403);
    expect((await run('close').expect(409)).body.detail).toMatch(/needs a round in status open/);
    const published = (await run('publish').expect(200)).body;
    expect(published).toMatchObject({ status: 'open', endorsing: true });
    await t.http().get(`/api/v1/rounds/${round.id}`).set(as('applicant')).expect(200);
    await t
      .http()
      .patch(`/api/v1/rounds/${round.id}`)
      .set(as('admin'))
      .set('if-match', '"2"')
      .send({ name: 'Too late' })
      .expect(409);
    const early = await run('close').expect(409);
    expectProblem(early.body, 409, 'round-command-refused');
    expect(early.body.detail).toMatch(/bidding is open until/);

    await new Promise((resolve) => setTimeout(resolve, Date.parse(closesAt) - Date.now() + 50));
    // PCCs endorse and rank only until assessment starts.
    const steps: [string, string, boolean][] = [
      ['close', 'closed', true],
      ['start-assessment', 'assessment', false],
      ['publish-outcomes', 'decided', false],
      ['start-delivery', 'delivery', false],
      ['close-out', 'closed_out', false],
    ];
    for (const [command, status, endorsing] of steps) {
      const { body } = await run(command).expect(200);
      // start-assessment answers with the round and what became of its bids.
      expect(body.round ?? body).toMatchObject({ status, endorsing });
    }
    await run('publish').expect(409);

    const audit = await t
      .http()
      .get(`/api/v1/audit-events?objectType=funding_round&objectId=${round.id}`)
      .set(as('admin'))
      .expect(200);
    expect(audit.body.items.map((e: { command: string }) => e.command)).toEqual([
      'round.create',
      'round.publish',
      ...steps.map(([c]) => `round.${c}`),
    ]);
    expect(audit.body.items[1]).toMatchObject({
      actorLabel: 'admin@demo.test (admin)',
      changes: { status: { before: 'draft', after: 'open' } },
    });
    await t.http().get(`/api/v1/audit-events?objectId=${round.id}`).set(as('finance')).expect(403);
  });

  it('records the changed fields of an edit with their values before and after', async () => {
    const { body: round } = await t
      .http()
      .post('/api/v1/rounds')
      .set(as('admin'))
      .send(validRound())
      .expect(201);
    await t
      .http()
      .patch(`/api/v1/rounds/${round.id}`)
      .set(as('admin'))
      .set('if-match', '"1"')
      .send({ budgetPence: 2_500_000_000, bidLimit: 2 })
      .expect(200);
    const audit = await t
      .http()
      .get(`/api/v1/audit-events?objectId=${round.id}`)
      .set(as('admin'))
      .expect(200);
    expect(audit.body.items[1]).toMatchObject({
      command: 'round.update',
      changes: {
        budgetPence: { before: 2_000_000_000, after: 2_500_000_000 },
        bidLimit: { before: 3, after: 2 },
      },
    });
    expect(Object.keys(audit.body.items[1].changes).sort()).toEqual(['bidLimit', 'budgetPence']);
  });

  it('answers an edit that changes nothing with the round as it is: same version, no audit event', async () => {
    const sent = validRound();
    const { body: round } = await t
      .http()
      .post('/api/v1/rounds')
      .set(as('admin'))
      .send(sent)
      .expect(201);
    const same = await t
      .http()
      .patch(`/api/v1/rounds/${round.id}`)
      .set(as('admin'))
      .set('if-match', '"1"')
      .send(sent)
      .expect(200);
    expect(same.headers.etag).toBe('"1"');
    expect(same.body).toEqual(round);
    const audit = await t
      .http()
      .get(`/api/v1/audit-events?objectId=${round.id}`)
      .set(as('admin'))
      .expect(200);
    expect(audit.body.items.map((e: { command: string }) => e.command)).toEqual(['round.create']);
    // Another editor's If-Match still holds.
    await t
      .http()
      .patch(`/api/v1/rounds/${round.id}`)
      .set(as('admin'))
      .set('if-match', '"1"')
      .send({ bidLimit: 2 })
      .expect(200);
  });

  it('shows the seeded rounds 1 to 4 with round 4 year caps', async () => {
    const list = await t
      .http()
      .get('/api/v1/rounds?limit=100&status=closed_out')
      .set(as('applicant'))
      .expect(200);
    const round4 = list.body.items.find((r: { code: string }) => r.code === 'SSF4');
    expect(round4).toMatchObject({
      capPerBidPence: 75_000_000,
      deliveryYears: ['2022/23', '2023/24'],
      endorsing: false,
      yearCaps: [
        { financialYear: '2022/23', capPence: 50_000_000 },
        { financialYear: '2023/24', capPence: 25_000_000 },
      ],
    });
    expect(list.body.items.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['SSF1', 'SSF2', 'SSF3', 'SSF4']),
    );
  });
});
