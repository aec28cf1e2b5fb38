import type { Role } from '../src/common/access';
import type { ReturnSummaryDto } from '../src/returns/return-response.dto';
import { expectProblem, type TestApp } from './support/app';
import type { Bidder, BiddingWorld } from './support/bids';
import { activeAward, quarterReturn, RETURNS_FY, type ReturnsWorld } from './support/returns';

// Sort and search on the lists a portal searches, and the list items that spare it a fetch
// per row: returns with their claim and submission, bids, rounds, users by email.
describe('lists: sort, search and what each item carries', () => {
  let setup: ReturnsWorld;
  let world: BiddingWorld;
  let t: TestApp;
  let pcc: Bidder;
  const as = (role: Role) => world.as(role);
  const api = () => t.http();
  const get = async (path: string, headers: Record<string, string>, query: object = {}) =>
    (await api().get(path).set(headers).query(query).expect(200)).body;

  beforeAll(async () => {
    setup = await activeAward();
    ({ world } = setup);
    ({ t, pcc } = world);
  }, 120_000);
  afterAll(() => world.close());

  it('gives each return its quarter, claim, approval and submission time', async () => {
    const id = setup.interventionId;
    const q1 = setup.returns[0].id;
    const read = await get(`/api/v1/returns/${q1}`, pcc.headers);
    await api()
      .patch(`/api/v1/returns/${q1}`)
      .set(pcc.headers)
      .set('if-match', `"${read.version}"`)
      .send(quarterReturn(id, { capital: 6_000_000, revenue: 1_500_000 }))
      .expect(200);
    await api().post(`/api/v1/returns/${q1}/submit`).set(pcc.headers).expect(200);
    const listed = (await get('/api/v1/returns', pcc.headers, { awardId: setup.awardId }))
      .items as ReturnSummaryDto[];
    expect(listed.map((row) => row.quarterLabel)).toEqual(
      [1, 2, 3, 4].map((n) => `Q${n} ${RETURNS_FY}`),
    );
    expect(listed[0]).toMatchObject({
      awardReference: setup.bid.reference,
      bidTitle: setup.bid.title,
      roundId: setup.roundId,
      organisationName: setup.bid.organisationName,
      status: 'submitted',
      claimedPence: 7_500_000,
      approvedPence: null,
      submissions: 1,
    });
    expect(new Date(listed[0].submittedAt as unknown as string).getTime()).toBeLessThanOrEqual(
      Date.now(),
    );
    expect(listed[1]).toMatchObject({ submittedAt: null, claimedPence: null, approvedPence: null });

    await api().post(`/api/v1/returns/${q1}/approve`).set(as('finance')).send({}).expect(200);
    const [approved] = (
      await get('/api/v1/returns', as('finance'), { awardId: setup.awardId, status: 'approved' })
    ).items as ReturnSummaryDto[];
    expect(approved).toMatchObject({ claimedPence: 7_500_000, approvedPence: 7_500_000 });
  });

  it('sorts and searches returns, and keeps other organisations’ out of every search', async () => {
    const byDueDesc = (
      await get('/api/v1/returns', pcc.headers, { awardId: setup.awardId, sort: '-dueOn' })
    ).items as ReturnSummaryDto[];
    expect(byDueDesc.map((row) => row.quarter)).toEqual([4, 3, 2, 1]);
    const found = await get('/api/v1/returns', as('finance'), { q: setup.bid.reference });
    expect(found.total).toBe(4);
    const other = await get('/api/v1/returns', world.otherCouncil.headers, {
      q: setup.bid.reference,
    });
    expect(other.total).toBe(0);
    const bad = await api().get('/api/v1/returns').set(pcc.headers).query({ sort: 'size' });
    expect(bad.status).toBe(400);
    expectProblem(bad.body, 400);
    expect(JSON.stringify(bad.body)).toContain('sort must be one of dueOn, -dueOn, reference');
  });

  it('sorts and searches bids', async () => {
    const byTitle = await get('/api/v1/bids', as('moderator'), {
      q: setup.bid.title.toLowerCase(),
    });
    expect(byTitle.items.map((bid: { id: string }) => bid.id)).toContain(setup.bid.id);
    const own = await get('/api/v1/bids', pcc.headers, { q: setup.bid.reference });
    expect(own.items).toEqual([
      expect.objectContaining({
        id: setup.bid.id,
        requestedPence: setup.bid.requestedPence,
        roundCode: expect.any(String),
        organisationName: setup.bid.organisationName,
        submittedAt: expect.any(String),
      }),
    ]);
    expect(
      (await get('/api/v1/bids', world.otherCouncil.headers, { q: setup.bid.reference })).total,
    ).toBe(0);
    const sorted = await get('/api/v1/bids', as('moderator'), { sort: 'reference', limit: 100 });
    const references = sorted.items.map((bid: { reference: string }) => bid.reference);
    expect(references).toEqual([...references].sort());
    expectProblem(
      (await api().get('/api/v1/bids').set(pcc.headers).query({ sort: 'random' }).expect(400)).body,
      400,
    );
  });

  it('sorts and searches rounds by code or name', async () => {
    const round = await get(`/api/v1/rounds/${setup.roundId}`, as('admin'));
    const found = await get('/api/v1/rounds', as('admin'), { q: round.code.toLowerCase() });
    expect(found.items.map((r: { id: string }) => r.id)).toContain(setup.roundId);
    const byCode = await get('/api/v1/rounds', as('admin'), { sort: '-code', limit: 100 });
    const codes = byCode.items.map((r: { code: string }) => r.code);
    expect(codes).toEqual([...codes].sort().reverse());
    expect((await get('/api/v1/rounds', as('admin'), { q: '%' })).total).toBe(0);
  });

  it('finds a user by exact email whatever its case, for admins only', async () => {
    const found = await get('/api/v1/users', as('admin'), { email: pcc.email.toUpperCase() });
    expect(found.total).toBe(1);
    expect(found.items[0].email).toBe(pcc.email.toLowerCase());
    const partial = await get('/api/v1/users', as('admin'), { email: `x${pcc.email}` });
    expect(partial.total).toBe(0);
    expectProblem(
      (
        await api()
          .get('/api/v1/users')
          .set(as('admin'))
          .query({ email: 'not-an-email' })
          .expect(400)
      ).body,
      400,
    );
    await api().get('/api/v1/users').set(pcc.headers).query({ email: pcc.email }).expect(403);
  });
});
