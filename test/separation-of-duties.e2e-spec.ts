import type supertest from 'supertest';
import { DataSource } from 'typeorm';
import type { Role } from '../src/common/access';
import { expectProblem, login } from './support/app';
import { fullAward, moderatedRound, newApprover, type ModeratedRound } from './support/awards';
import { bidderOf, type Bidder, NORTHUMBRIA_PCC, organisationIds } from './support/bids';
import { createAccount } from './support/accounts';
import { validStaffUser } from './support/factories';
import { activeAward, quarterReturn, type ReturnsWorld } from './support/returns';

type Headers = { authorization: string };
interface Person {
  id: string;
  email: string;
  password: string;
  headers: Headers;
}

// The tables a refused call could write to; their whole content is compared before and after.
const WATCHED = [
  'award_decisions',
  'award_lines',
  'assessment_assignments',
  'assessment_marks',
  'bid_scores',
  'bids',
  'due_diligence_checks',
  'delivery_returns',
  'return_submissions',
  'return_payments',
  'audit_events',
  'users',
].map((table) => `SELECT t::text AS line FROM ${table} t`);

const MARKS = (round: ModeratedRound['round']) =>
  round.criteria.map((criterion) => ({
    criterionId: criterion.id,
    mark: 3,
    justification: 'Plausible plan.',
  }));

// GovS 015: applicants of the Northumbria PCC draft and submit bids, then an admin makes each of
// them Home Office staff through the API. None of them may then act on a bid they created or
// submitted, or on any bid of the organisation they once belonged to; staff with no tie may.
describe('separation of duties', () => {
  let setup: ReturnsWorld;
  let db: DataSource;
  let admin: Headers;
  let adminId: string;
  // A1..A3 (bids 0-2) drafted and submitted by A, M1..M3 (bids 3-5) by M, in a round whose bids have final scores.
  let decided: ModeratedRound;
  // One bid each of M, S and the Cleveland PCC, in assessment and waiting for assessors.
  let assessing: ModeratedRound;
  let approver: Person;
  let moderator: Person;
  let assessor: Person;
  let finance: Person;
  let northumbria: string;

  const api = () => setup.world.t.http();
  const snapshot = async () =>
    Promise.all(
      WATCHED.map(async (lines) => {
        const [row] = await db.query<{ digest: string | null; count: string }[]>(
          `SELECT md5(string_agg(line, '|' ORDER BY line)) AS digest, count(*) AS count
           FROM (${lines}) AS watched`,
        );
        return `${lines}: ${row.count}:${row.digest}`;
      }),
    );
  // The call is refused with 403 and the code, and nothing anywhere changed.
  const refuses = async (call: () => supertest.Test, code: string) => {
    const before = await snapshot();
    const response = await call();
    expect([response.status, response.body.code]).toEqual([403, code]);
    expectProblem(response.body, 403, code);
    expect(response.body.detail).toMatch(/\w+ \w+/);
    expect(await snapshot()).toEqual(before);
    return response;
  };

  // An admin gives the user another role (and with it no organisation); they sign in again.
  const makeStaff = async (who: Person | Bidder, role: Role): Promise<Person> => {
    const id =
      'id' in who
        ? who.id
        : ((await api().get('/api/v1/me').set(who.headers).expect(200)).body.id as string);
    await api()
      .patch(`/api/v1/users/${id}`)
      .set(admin)
      .send({ role, organisationId: null })
      .expect(200);
    const token = await login(setup.world.t, who.email, who.password);
    return {
      id,
      email: who.email,
      password: who.password,
      headers: { authorization: `Bearer ${token}` },
    };
  };
  const newStaff = async (role: Role): Promise<Person> => {
    const user = await createAccount(setup.world.t, admin, validStaffUser({ role }));
    const token = await login(setup.world.t, user.email, user.password);
    return { ...user, headers: { authorization: `Bearer ${token}` } };
  };

  beforeAll(async () => {
    // The Northumbria PCC's bid, awarded and accepted, drafted and submitted by world.pcc.
    setup = await activeAward();
    const { t, as, pcc } = setup.world;
    db = t.app.get(DataSource);
    admin = as('admin');
    adminId = (await api().get('/api/v1/me').set(admin).expect(200)).body.id;
    const orgs = await organisationIds(t, admin);
    northumbria = orgs[NORTHUMBRIA_PCC];
    const cleveland = await bidderOf(t, admin, orgs['Police and Crime Commissioner for Cleveland']);
    const a = await bidderOf(t, admin, northumbria);
    const m = await bidderOf(t, admin, northumbria);
    const s = await bidderOf(t, admin, northumbria);
    decided = await moderatedRound(setup.world, [a, m], 3, {
      bidLimit: 10,
      approvalThresholdPence: 10_000_000,
    });
    assessing = await moderatedRound(
      setup.world,
      [m, s, cleveland],
      1,
      { bidLimit: 10, assessmentsPerBid: 3 },
      3,
    );
    // The PCC's first return is in, waiting for finance.
    const [q1] = setup.returns;
    const read = await api().get(`/api/v1/returns/${q1.id}`).set(pcc.headers).expect(200);
    await api()
      .patch(`/api/v1/returns/${q1.id}`)
      .set(pcc.headers)
      .set('if-match', read.headers.etag)
      .send(quarterReturn(setup.interventionId, { capital: 6_000_000, revenue: 1_500_000 }))
      .expect(200);
    await api().post(`/api/v1/returns/${q1.id}/submit`).set(pcc.headers).expect(200);
    approver = await makeStaff(a, 'approver');
    moderator = await makeStaff(m, 'moderator');
    assessor = await makeStaff(s, 'assessor');
    finance = await makeStaff(pcc, 'finance');
  }, 240_000);
  afterAll(() => setup.world.close());

  it('an approver may not decide their own bid or their former organisation’s', async () => {
    const [a2, m2] = [decided.bids[1], decided.bids[4]];
    for (const bid of [a2, m2]) {
      await refuses(
        () =>
          api().post(`/api/v1/bids/${bid.id}/decision`).set(approver.headers).send(fullAward(bid)),
        'conflict-of-interest',
      );
    }
    await api()
      .post(`/api/v1/bids/${a2.id}/decision`)
      .set(setup.world.as('approver'))
      .send(fullAward(a2))
      .expect(201);
  });

  it('an approver may not give the second approval on those bids', async () => {
    const [a1, m1] = [decided.bids[0], decided.bids[3]];
    const decisions: string[] = [];
    for (const bid of [a1, m1]) {
      const made = await api()
        .post(`/api/v1/bids/${bid.id}/decision`)
        .set(setup.world.as('approver'))
        .send(fullAward(bid))
        .expect(201);
      expect(made.body.status).toBe('pending_second_approval');
      decisions.push(made.body.id);
    }
    for (const id of decisions) {
      await refuses(
        () =>
          api()
            .post(`/api/v1/decisions/${id}/second-approval`)
            .set(approver.headers)
            .send({ confirm: true }),
        'conflict-of-interest',
      );
    }
    const unrelated = await newApprover(setup.world.t, admin);
    await api()
      .post(`/api/v1/decisions/${decisions[0]}/second-approval`)
      .set(unrelated)
      .send({ confirm: true })
      .expect(200);
  });

  it('a moderator may not moderate, assign or fail their own or their former organisation’s bids', async () => {
    const [a3, m3] = [decided.bids[2], decided.bids[5]];
    for (const bid of [m3, a3]) {
      await refuses(
        () =>
          api()
            .post(`/api/v1/bids/${bid.id}/moderation`)
            .set(moderator.headers)
            .send({ decision: 'accept-mean' }),
        'conflict-of-interest',
      );
    }
    await api()
      .post(`/api/v1/bids/${a3.id}/moderation`)
      .set(setup.world.as('moderator'))
      .send({ decision: 'accept-mean' })
      .expect(200);
    const unrelated = await newStaff('assessor');
    const [ownInAssessment, formerInAssessment] = assessing.bids;
    for (const bid of [ownInAssessment, formerInAssessment]) {
      await refuses(
        () =>
          api()
            .post(`/api/v1/bids/${bid.id}/assignments`)
            .set(moderator.headers)
            .send({ assessorId: unrelated.id }),
        'conflict-of-interest',
      );
      await refuses(
        () =>
          api()
            .post(`/api/v1/bids/${bid.id}/fail-eligibility`)
            .set(moderator.headers)
            .send({ reason: 'Not eligible' }),
        'conflict-of-interest',
      );
    }
    await api()
      .post(`/api/v1/bids/${formerInAssessment.id}/assignments`)
      .set(setup.world.as('moderator'))
      .send({ assessorId: unrelated.id })
      .expect(201);
  });

  it('never assigns an assessor to their own or their former organisation’s bid', async () => {
    const [mBid, sBid, clevelandBid] = assessing.bids;
    for (const bid of [sBid, mBid]) {
      const response = await api()
        .post(`/api/v1/bids/${bid.id}/assignments`)
        .set(setup.world.as('moderator'))
        .send({ assessorId: assessor.id });
      expectProblem(response.body, 409, 'assessor-affiliated');
    }
    const auto = await api()
      .post(`/api/v1/rounds/${assessing.round.id}/assignments/auto`)
      .set(setup.world.as('moderator'))
      .send({ assessorIds: [assessor.id] })
      .expect(200);
    const assigned = (auto.body.assignments as { bidId: string }[]).map((row) => row.bidId);
    expect(assigned).toEqual([clevelandBid.id]);
  });

  it('an assessor who joined the bidder after being assigned may no longer score the bid', async () => {
    const [mBid] = assessing.bids;
    const later = await newStaff('assessor');
    const assignment = await api()
      .post(`/api/v1/bids/${mBid.id}/assignments`)
      .set(setup.world.as('moderator'))
      .send({ assessorId: later.id })
      .expect(201);
    const at = `/api/v1/assignments/${assignment.body.id}`;
    await api().post(`${at}/declaration`).set(later.headers).send({ conflict: false }).expect(200);
    // A spell at the Northumbria PCC, then back to assessing. They sign in once more, not twice:
    // a third sign-in within the minute waits for a fresh second-factor code, up to 30 s.
    await api()
      .patch(`/api/v1/users/${later.id}`)
      .set(admin)
      .send({ role: 'applicant', organisationId: northumbria })
      .expect(200);
    const back = await makeStaff(later, 'assessor');
    const marks = MARKS(assessing.round);
    await refuses(
      () => api().put(`${at}/marks`).set(back.headers).send({ marks }),
      'conflict-of-interest',
    );
    await refuses(() => api().post(`${at}/submit`).set(back.headers), 'conflict-of-interest');
  });

  it('finance may not record due diligence on their former organisation', async () => {
    const body = { rating: 'green', checkedOn: new Date().toISOString().slice(0, 10), notes: 'OK' };
    await refuses(
      () =>
        api()
          .post(`/api/v1/organisations/${northumbria}/due-diligence`)
          .set(finance.headers)
          .send(body),
      'conflict-of-interest',
    );
    await api()
      .post(`/api/v1/organisations/${northumbria}/due-diligence`)
      .set(setup.world.as('finance'))
      .send(body)
      .expect(201);
  });

  it('finance may not review or pay the returns of their own bid', async () => {
    const [q1] = setup.returns;
    await refuses(
      () => api().post(`/api/v1/returns/${q1.id}/approve`).set(finance.headers).send({}),
      'conflict-of-interest',
    );
    await refuses(
      () =>
        api()
          .post(`/api/v1/returns/${q1.id}/request-changes`)
          .set(finance.headers)
          .send({ comments: 'Please add the receipts.' }),
      'conflict-of-interest',
    );
    await api()
      .post(`/api/v1/returns/${q1.id}/approve`)
      .set(setup.world.as('finance'))
      .send({})
      .expect(200);
    const payments = await api()
      .get(`/api/v1/payments?roundId=${setup.roundId}&limit=100`)
      .set(setup.world.as('finance'))
      .expect(200);
    const payment = (payments.body.items as { id: string; quarter: number }[]).find(
      (row) => row.quarter === q1.quarter,
    );
    const pay = (who: Headers) =>
      api()
        .post(`/api/v1/payments/${payment?.id}/record`)
        .set(who)
        .send({ paidOn: new Date().toISOString().slice(0, 10), reference: 'BACS-Q1' });
    await refuses(() => pay(finance.headers), 'conflict-of-interest');
    // The one who approved the return may not also record its payment.
    await refuses(() => pay(setup.world.as('finance')), 'payment-by-return-reviewer');
    const other = await newStaff('finance');
    await pay(other.headers).expect(200);
  });

  it('an admin may not change their own role or organisation, only their name', async () => {
    await refuses(
      () => api().patch(`/api/v1/users/${adminId}`).set(admin).send({ role: 'approver' }),
      'own-role-change',
    );
    await refuses(
      () =>
        api()
          .patch(`/api/v1/users/${adminId}`)
          .set(admin)
          .send({ role: 'applicant', organisationId: northumbria }),
      'own-role-change',
    );
    const renamed = await api()
      .patch(`/api/v1/users/${adminId}`)
      .set(admin)
      .send({ name: 'Demo Admin (renamed)' })
      .expect(200);
    expect(renamed.body.role).toBe('admin');
  });

  it('keeps each user’s role and organisation history, with who changed it and when', async () => {
    const history = await api().get(`/api/v1/users/${approver.id}/history`).set(admin).expect(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({
        role: 'applicant',
        organisationId: northumbria,
        organisationName: NORTHUMBRIA_PCC,
        from: expect.any(String),
        until: expect.any(String),
        changedBy: adminId,
        changedByName: expect.any(String),
      }),
      expect.objectContaining({
        role: 'approver',
        organisationId: null,
        until: null,
        changedBy: adminId,
      }),
    ]);
    const [first, second] = history.body.items;
    expect(second.from).toBe(first.until);
    const audit = await api()
      .get(`/api/v1/audit-events?objectType=user&objectId=${approver.id}`)
      .set(admin)
      .expect(200);
    expect(JSON.stringify(audit.body)).toContain('approver');
    await api().get(`/api/v1/users/${approver.id}/history`).set(approver.headers).expect(403);
  });
});
