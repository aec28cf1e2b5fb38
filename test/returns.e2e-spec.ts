import { DataSource } from 'typeorm';
import type { Role } from '../src/common/access';
import { formatUkDate, londonDateOf } from '../src/common/london-time';
import { expectProblem, type TestApp } from './support/app';
import type { BiddingWorld, Bidder } from './support/bids';
import {
  activeAward,
  quarterReturn,
  type ReturnDto,
  RETURNS_FY,
  type ReturnsWorld,
} from './support/returns';
import { eventually } from './support/smtp';

// An award's year of delivery: £250,000 capital and £50,000 revenue in 2025/26, a profile of
// £75,000 a quarter. Four returns, one with a variance explained, one sent back and resubmitted,
// one approved for less than claimed; payments recorded; the year closed with what it did not
// spend released; the award completed.
describe('returns: an award’s year of delivery', () => {
  let setup: ReturnsWorld;
  let world: BiddingWorld;
  let t: TestApp;
  let pcc: Bidder;
  const as = (role: Role) => world.as(role);
  const api = () => t.http();
  const quarter = (n: number) => setup.returns[n - 1].id;
  const read = async (n: number, who = pcc.headers): Promise<ReturnDto> =>
    (
      await api()
        .get(`/api/v1/returns/${quarter(n)}`)
        .set(who)
        .expect(200)
    ).body;
  // A draft saved over the version last read; `.expect(status)` answers the response.
  const save = (n: number, body: object) => ({
    expect: async (status: number) =>
      api()
        .patch(`/api/v1/returns/${quarter(n)}`)
        .set(pcc.headers)
        .set('if-match', `"${(await read(n)).version}"`)
        .send(body)
        .expect(status),
  });
  const submit = (n: number) =>
    api()
      .post(`/api/v1/returns/${quarter(n)}/submit`)
      .set(pcc.headers);
  const approve = (n: number, body: object = {}) =>
    api()
      .post(`/api/v1/returns/${quarter(n)}/approve`)
      .set(as('finance'))
      .send(body);
  const position = async () =>
    (await api().get(`/api/v1/awards/${setup.awardId}/position`).set(pcc.headers).expect(200)).body;
  const payments = async () =>
    (
      await api()
        .get(`/api/v1/payments?roundId=${setup.roundId}&limit=100`)
        .set(as('finance'))
        .expect(200)
    ).body.items as { id: string; quarter: number; amountPence: number; status: string }[];
  // Finance records the quarter's payment as made today.
  const pay = (n: number) => ({
    expect: async (status: number) => {
      const payment = (await payments()).find((row) => row.quarter === n);
      expect(payment).toBeDefined();
      return api()
        .post(`/api/v1/payments/${payment?.id}/record`)
        .set(setup.payer)
        .send({ paidOn: londonDateOf(new Date()), reference: `BACS-Q${n}` })
        .expect(status);
    },
  });

  // The quarter's payment read alone is the list's item, for finance and admin alike.
  const expectPaymentReadAsListed = async (n: number) => {
    const listed = (await payments()).find((row) => row.quarter === n);
    expect(listed).toBeDefined();
    for (const role of ['finance', 'admin'] as const) {
      const read = await api().get(`/api/v1/payments/${listed?.id}`).set(as(role)).expect(200);
      expect(read.body).toEqual(listed);
    }
  };

  beforeAll(async () => {
    setup = await activeAward();
    world = setup.world;
    t = world.t;
    pcc = world.pcc;
  }, 90_000);
  afterAll(() => world.close());

  it('shows every return open and overdue, in lists and the position', async () => {
    expect(setup.returns.map((row) => [row.quarter, row.dueOn])).toEqual([
      [1, '2025-07-30'],
      [2, '2025-10-30'],
      [3, '2026-01-30'],
      [4, '2026-04-30'],
    ]);
    const list = await api()
      .get(`/api/v1/returns?awardId=${setup.awardId}&status=overdue`)
      .set(pcc.headers)
      .expect(200);
    expect(list.body.total).toBe(4);
    expect(list.body.items.every((row: { overdue: boolean }) => row.overdue)).toBe(true);
    expect((await position()).overdueReturns).toBe(4);
    const q1 = await read(1);
    expect(q1).toMatchObject({
      status: 'due',
      overdue: true,
      withBidder: true,
      awardReference: setup.bid.reference,
    });
    expect(q1.variance).toMatchObject({ profilePence: 7_500_000, thresholdPercent: 10 });
  });

  it('refuses what breaks a rule, naming it and the numbers, and changes nothing', async () => {
    const before = await read(1);
    const patch = (body: object, ifMatch?: string) => {
      const request = api()
        .patch(`/api/v1/returns/${quarter(1)}`)
        .set(pcc.headers);
      return (ifMatch ? request.set('if-match', ifMatch) : request).send(body);
    };
    expectProblem((await patch({ narrative: 'x' })).body, 428, 'if-match-required');
    expectProblem((await patch({ narrative: 'x' }, '"999"')).body, 412, 'version-mismatch');
    const line = (amountPence: number, financialYear = RETURNS_FY) => ({
      spend: [{ financialYear, kind: 'capital', amountPence }],
    });
    const v = `"${before.version}"`;
    const negative = await patch(line(-5), v).expect(400);
    expect(JSON.stringify(negative.body.errors)).toContain('spend.0.amountPence');
    await patch(line(10.5), v).expect(400);
    const otherYear = await patch(line(100, '2026/27'), v).expect(422);
    expect(otherYear.body.errors[0].message).toContain('can only claim 2025/26 money');
    const tooMuch = await patch(line(25_000_001), v).expect(422);
    expect(tooMuch.body.errors[0].message).toBe(
      '£250,000.01 would take 2025/26 capital claims to £250,000.01, above its award of £250,000.00 (£250,000.00 left to claim)',
    );
    const stranger = await patch(
      { outputs: [{ interventionId: '6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a', achieved: 3 }] },
      v,
    ).expect(422);
    expect(stranger.body.errors[0].field).toBe('outputs.0.interventionId');
    // Q2 may not go before Q1.
    await save(2, quarterReturn(setup.interventionId, { capital: 7_500_000 })).expect(200);
    const early = await submit(2).expect(422);
    expect(JSON.stringify(early.body.errors)).toContain(
      'the return for Q1 2025/26 (due 30 July 2025) is due; returns are submitted in quarter order',
    );
    expect(await read(1)).toEqual(before);
    expect((await read(2)).status).toBe('due');
    // Another organisation sees nothing; the bidder cannot review; finance cannot write.
    const other = world.council.headers;
    await api()
      .get(`/api/v1/returns/${quarter(1)}`)
      .set(other)
      .expect(404);
    await api()
      .patch(`/api/v1/returns/${quarter(1)}`)
      .set(other)
      .set('if-match', v)
      .expect(404);
    await api()
      .post(`/api/v1/returns/${quarter(1)}/submit`)
      .set(other)
      .expect(404);
    await api().get(`/api/v1/awards/${setup.awardId}/position`).set(other).expect(404);
    expect(
      (await api().get(`/api/v1/returns?awardId=${setup.awardId}`).set(other).expect(200)).body
        .total,
    ).toBe(0);
    // Each route refuses the roles that may not call it (the bidder approving its own return).
    const q1 = `/api/v1/returns/${quarter(1)}`;
    const refusals: ['get' | 'patch' | 'post', string, Role[]][] = [
      ['get', '/api/v1/returns', ['assessor']],
      ['get', q1, ['assessor']],
      ['patch', q1, ['finance', 'approver', 'moderator', 'admin', 'assessor']],
      ['post', `${q1}/submit`, ['finance', 'admin']],
      ['post', `${q1}/approve`, ['applicant', 'approver', 'moderator', 'admin']],
      ['post', `${q1}/request-changes`, ['applicant', 'approver', 'admin']],
      ['get', `/api/v1/awards/${setup.awardId}/position`, ['assessor']],
      ['get', '/api/v1/payments', ['applicant', 'approver', 'moderator']],
      [
        'get',
        `/api/v1/payments/${setup.awardId}`,
        ['applicant', 'assessor', 'approver', 'moderator'],
      ],
      ['post', `/api/v1/payments/${setup.awardId}/record`, ['applicant', 'approver', 'admin']],
    ];
    for (const [method, path, roles] of refusals) {
      for (const role of roles) {
        const headers = role === 'applicant' ? pcc.headers : as(role);
        expect([method, path, role, (await api()[method](path).set(headers)).status]).toEqual([
          method,
          path,
          role,
          403,
        ]);
      }
    }
  });

  it('answers a save that changes nothing with the return as stored: same version, no audit event', async () => {
    const q2 = `/api/v1/returns/${quarter(2)}`;
    const patch = (ifMatch: string, body: object) =>
      api().patch(q2).set(pcc.headers).set('if-match', ifMatch).send(body);
    const saves = async () =>
      (
        await api()
          .get(`/api/v1/audit-events?objectType=delivery_return&objectId=${quarter(2)}&limit=100`)
          .set(as('admin'))
          .expect(200)
      ).body.items.filter((e: { command: string }) => e.command === 'return.save').length;
    const content = quarterReturn(setup.interventionId, { capital: 7_000_000 });
    const saved = await save(2, content).expect(200);
    const savesBefore = await saves();
    // Every field sent again as stored.
    const same = await patch(saved.headers.etag, content).expect(200);
    expect(same.headers.etag).toBe(saved.headers.etag);
    expect(same.body).toEqual(saved.body);
    expect(await read(2)).toEqual(saved.body);
    expect(await saves()).toBe(savesBefore);
    // A colleague's If-Match, read before the save that changed nothing, still holds.
    await patch(saved.headers.etag, { narrative: 'Ten columns lit.' }).expect(200);
  });

  it('plays the year: send-back, variance, part approval, payments, year end, completion', async () => {
    const id = setup.interventionId;
    const reference = setup.bid.reference;
    const mailsTo = (subject: string) =>
      world.smtp.to(pcc.email).filter((mail) => mail.subject === subject);

    // Q1: on profile; sent back with comments, corrected and resubmitted; both versions kept.
    await save(1, quarterReturn(id, { capital: 6_000_000, revenue: 1_500_000 })).expect(200);
    expect((await submit(1).expect(200)).body).toMatchObject({
      status: 'submitted',
      withBidder: false,
    });
    expectProblem((await save(1, { narrative: 'changed' }).expect(409)).body, 409, 'return-frozen');
    expectProblem((await submit(1)).body, 409, 'return-frozen');
    const comments = 'Attach the lighting contractor invoices for the capital spend.';
    const sentBack = await api()
      .post(`/api/v1/returns/${quarter(1)}/request-changes`)
      .set(as('finance'))
      .send({ comments })
      .expect(200);
    expect(sentBack.body).toMatchObject({
      status: 'changes_requested',
      overdue: true,
      withBidder: true,
    });
    await eventually(() =>
      expect(
        mailsTo(`Changes requested: delivery return ${RETURNS_FY} Q1 for ${reference}`),
      ).toHaveLength(1),
    );
    await save(1, { narrative: 'Invoices attached: 40 columns ordered, 10 installed.' }).expect(
      200,
    );
    const resubmitted = (await submit(1).expect(200)).body as ReturnDto;
    expect(resubmitted.submissions.map((s) => [s.number, s.outcome, s.reviewComment])).toEqual([
      [1, 'changes_requested', comments],
      [2, null, null],
    ]);
    expect(resubmitted.submissions[0].content.narrative).toBe(
      'Lighting columns installed in the back lanes as planned.',
    );
    const q1 = (await approve(1).expect(200)).body as ReturnDto;
    expect(q1.withBidder).toBe(false);
    expect(q1.submissions[1]).toMatchObject({ outcome: 'approved', payablePence: 7_500_000 });
    expect(q1.payment).toMatchObject({ amountPence: 7_500_000, status: 'to_make' });
    expectProblem((await approve(1)).body, 409, 'return-not-submitted');
    await expectPaymentReadAsListed(1);

    // Q2: £90,000 against a £75,000 profile (+20%) needs an explanation before it goes.
    await save(2, quarterReturn(id, { capital: 9_000_000 })).expect(200);
    const unexplained = await submit(2).expect(422);
    expect(unexplained.body.errors).toEqual([
      {
        field: 'varianceExplanation',
        message: `spend of £90,000.00 differs from its profile of £75,000.00 (+20%), beyond the round’s 10% threshold; explain why in varianceExplanation`,
      },
    ]);
    await save(2, { varianceExplanation: 'Q1 columns invoiced late.' }).expect(200);
    await submit(2).expect(200);
    await approve(2).expect(200);

    // Q3: £70,000 (-7%, within the threshold); finance approves £2,000 less revenue, saying why.
    await save(3, quarterReturn(id, { capital: 6_000_000, revenue: 1_000_000 })).expect(200);
    await submit(3).expect(200);
    const less = {
      approvedSpend: [{ financialYear: RETURNS_FY, kind: 'revenue', amountPence: 800_000 }],
    };
    expect((await approve(3, less).expect(422)).body.errors[0].field).toBe('comment');
    const more = {
      approvedSpend: [{ financialYear: RETURNS_FY, kind: 'revenue', amountPence: 1_200_000 }],
    };
    expect((await approve(3, { ...more, comment: 'x' }).expect(422)).body.errors[0].message).toBe(
      '£12,000.00 is more than the £10,000.00 claimed for 2025/26 revenue',
    );
    const q3 = (
      await approve(3, { ...less, comment: 'Staff costs for March are not eligible.' }).expect(200)
    ).body as ReturnDto;
    expect(q3.submissions[0].spend).toEqual([
      {
        financialYear: RETURNS_FY,
        kind: 'capital',
        claimedPence: 6_000_000,
        approvedPence: 6_000_000,
      },
      {
        financialYear: RETURNS_FY,
        kind: 'revenue',
        claimedPence: 1_000_000,
        approvedPence: 800_000,
      },
    ]);
    expect(q3.payment?.amountPence).toBe(6_800_000);

    // Three payments due the same day for one award: listed in the order of their quarters.
    expect((await payments()).map((row) => row.quarter)).toEqual([1, 2, 3]);

    // Payments for Q1-Q3 made; a date in the future is refused.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const q1Payment = (await payments()).find((row) => row.quarter === 1);
    const future = await api()
      .post(`/api/v1/payments/${q1Payment?.id}/record`)
      .set(setup.payer)
      .send({ paidOn: tomorrow, reference: 'BACS-Q1' })
      .expect(422);
    // The days allowed as people in the UK write them, not as ISO: approved today, so both today.
    const today = formatUkDate(londonDateOf(new Date()));
    expect(future.body.errors).toEqual([
      {
        field: 'paidOn',
        message: `give the date the money was paid: between ${today}, when the return was approved, and today (${today})`,
      },
    ]);
    for (const n of [1, 2, 3]) {
      await pay(n).expect(200);
    }
    const again = await pay(1).expect(409);
    expectProblem(again.body, 409, 'payment-already-made');
    // The day it was paid as people in the UK write it, not as ISO.
    expect(again.body.detail).toBe(
      `This payment was recorded as made on ${formatUkDate(londonDateOf(new Date()))} (reference BACS-Q1).`,
    );
    await expectPaymentReadAsListed(1);

    // Q4: the capital left is £40,000.00; a penny more is refused.
    const over = await save(4, quarterReturn(id, { capital: 4_000_001 })).expect(422);
    expect(over.body.errors[0].message).toBe(
      '£40,000.01 would take 2025/26 capital claims to £250,000.01, above its award of £250,000.00 (£40,000.00 left to claim)',
    );
    await save(
      4,
      quarterReturn(
        id,
        { capital: 3_000_000, revenue: 2_000_000 },
        { varianceExplanation: 'Two columns moved to the council programme.' },
      ),
    ).expect(200);
    await submit(4).expect(200);
    const q4 = (await approve(4).expect(200)).body as ReturnDto;
    // Ten lighting columns a quarter: the bid's target of forty reached.
    expect(q4.outputs).toEqual([
      expect.objectContaining({ outputTarget: 40, thisQuarter: 10, toDate: 40 }),
    ]);

    // The year is closed: what it did not spend is released, never carried; Q4 still to pay.
    const closing = await position();
    expect(closing.lines).toEqual([
      {
        financialYear: RETURNS_FY,
        kind: 'capital',
        awardedPence: 25_000_000,
        claimedPence: 24_000_000,
        approvedPence: 24_000_000,
        paidPence: 21_000_000,
        releasedPence: 1_000_000,
        remainingPence: 0,
      },
      {
        financialYear: RETURNS_FY,
        kind: 'revenue',
        awardedPence: 5_000_000,
        claimedPence: 4_500_000,
        approvedPence: 4_300_000,
        paidPence: 2_300_000,
        releasedPence: 700_000,
        remainingPence: 0,
      },
    ]);
    expect(closing).toMatchObject({
      toPayPence: 5_000_000,
      overdueReturns: 0,
      awardStatus: 'active',
    });

    // The last payment completes the award.
    await pay(4).expect(200);
    const done = await position();
    expect(done.total).toMatchObject({ paidPence: 28_300_000, releasedPence: 1_700_000 });
    expect(done).toMatchObject({ toPayPence: 0, awardStatus: 'completed' });
    const award = await api().get(`/api/v1/awards/${setup.awardId}`).set(pcc.headers).expect(200);
    expect(award.body.status).toBe('completed');
    await eventually(() =>
      expect(
        world.smtp
          .to(pcc.email)
          .filter((mail) => /^Delivery return .* approved/.test(mail.subject)),
      ).toHaveLength(4),
    );
    const trail = await api()
      .get(`/api/v1/audit-events?objectType=delivery_return&objectId=${quarter(1)}`)
      .set(as('admin'))
      .expect(200);
    expect(trail.body.items.map((event: { command: string }) => event.command)).toEqual([
      'return.save',
      'return.submit',
      'return.request-changes',
      'return.save',
      'return.submit',
      'return.approve',
    ]);
  });

  it('answers 404 for a payment it does not know and 400 for an id that is not one', async () => {
    const unknown = await api()
      .get(`/api/v1/payments/${setup.awardId}`)
      .set(as('finance'))
      .expect(404);
    expectProblem(unknown.body, 404, 'not-found');
    const malformed = await api().get('/api/v1/payments/not-a-uuid').set(as('finance')).expect(400);
    expectProblem(malformed.body, 400);
    expect(malformed.body.errors).toEqual([
      { field: 'id', message: 'id in the path must be a UUID' },
    ]);
  });

  it('keeps what was sent and paid, whatever code runs against the database', async () => {
    const db = t.app.get(DataSource);
    const refused = (sql: string) =>
      expect(db.query(sql, [quarter(1)])).rejects.toThrow(/cannot change|final|kept|sent already/);
    await refused(`UPDATE return_submissions SET content = '{}' WHERE return_id = $1`);
    await refused(`UPDATE return_submissions SET review_comment = 'x' WHERE return_id = $1`);
    await refused(`DELETE FROM return_submissions WHERE return_id = $1`);
    await refused(`UPDATE return_spend_lines SET claimed_pence = 1 WHERE submission_id IN
      (SELECT id FROM return_submissions WHERE return_id = $1)`);
    await refused(`UPDATE delivery_returns SET draft = '{}' WHERE id = $1`);
    await refused(`UPDATE delivery_returns SET status = 'due' WHERE id = $1`);
    await refused(`UPDATE return_payments SET reference = 'changed' WHERE return_id = $1`);
    await refused(`INSERT INTO return_spend_lines (submission_id, financial_year, kind, claimed_pence)
      SELECT id, '2026/27', 'capital', 100 FROM return_submissions WHERE return_id = $1`);
    await expect(
      db.query(`DELETE FROM year_end_releases WHERE award_id = $1`, [setup.awardId]),
    ).rejects.toThrow(/cannot change or be removed/);
  });
});
