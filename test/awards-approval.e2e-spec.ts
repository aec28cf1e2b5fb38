import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import { expectProblem, type TestApp } from './support/app';
import {
  fullAward,
  moderatedRound,
  type ModeratedRound,
  newApprover,
  recordDueDiligence,
} from './support/awards';
import {
  type Bidder,
  bidderOf,
  type BiddingWorld,
  organisationIds,
  startBidding,
} from './support/bids';

const MERSEYSIDE_PCC = 'Police and Crime Commissioner for Merseyside';

// Dual approval above the threshold, due diligence, and decisions refused with nothing changed.
describe('awards: second approval, due diligence and bad input', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let played: ModeratedRound;
  let merseysideId: string;
  let merseyside: Bidder;
  let secondApprover: { authorization: string };
  const as = (role: Role) => world.as(role);
  const decide = (bid: BidDto, body: object, headers = as('approver')) =>
    t.http().post(`/api/v1/bids/${bid.id}/decision`).set(headers).send(body);
  const decisions = async () =>
    (
      await t
        .http()
        .get(`/api/v1/rounds/${played.round.id}/decisions`)
        .set(as('approver'))
        .expect(200)
    ).body;

  beforeAll(async () => {
    world = await startBidding();
    t = world.t;
    // An organisation no other suite records due diligence for: this one starts with none.
    merseysideId = (await organisationIds(t, as('admin')))[MERSEYSIDE_PCC];
    merseyside = await bidderOf(t, as('admin'), merseysideId);
    secondApprover = await newApprover(t, as('admin'));
    // £300,000 bids against a £100,000 approval threshold; the last one not yet scored.
    played = await moderatedRound(world, [merseyside], 4, { budgetPence: 100_000_000 }, 1);
  }, 60_000);
  afterAll(() => world.close());

  it('blocks an award while due diligence is missing, red, or amber without a reason', async () => {
    const [bid] = played.bids;
    const missing = await decide(bid, fullAward(bid));
    expectProblem(missing.body, 422, 'due-diligence-missing');
    await recordDueDiligence(world, merseysideId, 'red');
    const red = await decide(bid, fullAward(bid));
    expectProblem(red.body, 422, 'due-diligence-red');
    expect(red.body.detail).toMatch(/rated red, which blocks an award/);
    await recordDueDiligence(world, merseysideId, 'amber');
    expectProblem((await decide(bid, fullAward(bid))).body, 422, 'due-diligence-amber');
    expect((await decisions()).items).toEqual([]);

    const history = await t
      .http()
      .get(`/api/v1/organisations/${merseysideId}/due-diligence`)
      .set(as('approver'))
      .expect(200);
    expect(history.body.map((row: { rating: string }) => row.rating).slice(0, 2)).toEqual([
      'amber',
      'red',
    ]);
    await t
      .http()
      .post(`/api/v1/organisations/${merseysideId}/due-diligence`)
      .set(as('applicant'))
      .send({ rating: 'green', checkedOn: '2026-11-01', notes: 'Self-assessed' })
      .expect(403);
  });

  it('holds an award above the threshold until a different approver confirms it', async () => {
    const [bid] = played.bids;
    const made = await decide(bid, {
      ...fullAward(bid),
      dueDiligenceAcceptance: 'Amber on late accounts only; the PCC is a statutory body.',
    }).expect(201);
    expect(made.body).toMatchObject({ status: 'pending_second_approval', amountPence: 30_000_000 });
    expect(await decisions()).toMatchObject({
      livePence: 30_000_000,
      pendingSecondApprovalPence: 30_000_000,
      remainingPence: 70_000_000,
    });
    const confirm = (headers: { authorization: string }, body: object) =>
      t.http().post(`/api/v1/decisions/${made.body.id}/second-approval`).set(headers).send(body);
    expectProblem(
      (await confirm(as('approver'), { confirm: true })).body,
      403,
      'second-approver-must-differ',
    );
    expect((await decisions()).items[0]).toMatchObject({ status: 'pending_second_approval' });
    await confirm(as('finance'), { confirm: true }).expect(403);

    const confirmed = await confirm(secondApprover, { confirm: true }).expect(200);
    expect(confirmed.body).toMatchObject({
      status: 'offered',
      secondApproverName: expect.any(String),
    });
    expectProblem(
      (await confirm(secondApprover, { confirm: true })).body,
      409,
      'not-awaiting-second-approval',
    );
    expectProblem((await decide(bid, fullAward(bid))).body, 409, 'bid-already-decided');
  });

  it('releases the money of an award the second approver does not confirm', async () => {
    const bid = played.bids[1];
    const made = await decide(bid, {
      ...fullAward(bid),
      dueDiligenceAcceptance: 'As before.',
    }).expect(201);
    const notConfirmed = await t
      .http()
      .post(`/api/v1/decisions/${made.body.id}/second-approval`)
      .set(secondApprover)
      .send({ confirm: false, reason: 'Cut to the capital works only.' })
      .expect(200);
    expect(notConfirmed.body.status).toBe('not_confirmed');
    expect(await decisions()).toMatchObject({ livePence: 30_000_000 });
    // The bid can be decided again: here capital only, £250,000, still above the threshold.
    const capital = (bid.costLines ?? []).filter((line) => line.kind === 'capital');
    const again = await decide(bid, {
      outcome: 'award',
      lines: capital,
      conditions: [],
      dueDiligenceAcceptance: 'As before.',
    }).expect(201);
    expect(again.body).toMatchObject({
      amountPence: 25_000_000,
      status: 'pending_second_approval',
    });
  });

  it('refuses bad decisions and changes nothing', async () => {
    const bid = played.bids[2];
    const unscored = played.bids[3];
    const [line] = bid.costLines ?? [];
    const cases: [BidDto, object, number, string?][] = [
      [
        bid,
        { outcome: 'award', lines: [{ ...line, amountPence: line.amountPence + 1 }] },
        422,
        'award-lines-invalid',
      ],
      [bid, { outcome: 'award', lines: [{ ...line, amountPence: -5 }] }, 400],
      [bid, { outcome: 'award', lines: [{ ...line, amountPence: 100.5 }] }, 400],
      [
        bid,
        { outcome: 'award', lines: [{ ...line, financialYear: '2031/32' }] },
        422,
        'award-lines-invalid',
      ],
      [bid, { outcome: 'reject', reason: 'Weak evidence' }, 400],
      [bid, { outcome: 'grant' }, 400],
      [unscored, fullAward(unscored), 409, 'bid-not-finally-scored'],
    ];
    for (const [target, body, status, code] of cases) {
      expectProblem(
        (await decide(target, { dueDiligenceAcceptance: 'As before.', ...body })).body,
        status,
        code,
      );
    }
    for (const role of ['applicant', 'finance', 'moderator', 'assessor'] as Role[]) {
      await decide(bid, fullAward(bid), as(role)).expect(403);
    }
    expect((await decisions()).items.map((row: { bidId: string }) => row.bidId)).not.toContain(
      bid.id,
    );

    const rejected = await decide(bid, {
      outcome: 'reject',
      reason: 'Below the funding line.',
      feedback: 'Strong partnership; the evaluation plan needed a comparison area.',
    }).expect(201);
    expect(rejected.body).toMatchObject({ status: 'rejected', amountPence: 0 });
  });

  it('releases the award of a bid withdrawn or failed on eligibility after its decision, with the reason', async () => {
    const bid = played.bids[1];
    const pending = (await decisions()).items.find(
      (row: { bidId: string }) => row.bidId === bid.id,
    );
    expect(pending).toMatchObject({ status: 'pending_second_approval', amountPence: 25_000_000 });
    await t
      .http()
      .post(`/api/v1/bids/${bid.id}/fail-eligibility`)
      .set(as('moderator'))
      .send({ reason: 'The lead partner is not an eligible body.' })
      .expect(200);
    const released = await t
      .http()
      .get(`/api/v1/decisions/${pending.id}`)
      .set(as('approver'))
      .expect(200);
    expect(released.body).toMatchObject({
      status: 'withdrawn',
      closeReason: 'The bid failed eligibility: The lead partner is not an eligible body.',
    });
    expect(await decisions()).toMatchObject({
      livePence: 30_000_000,
      pendingSecondApprovalPence: 0,
    });

    const offered = (await decisions()).items.find(
      (row: { bidId: string }) => row.bidId === played.bids[0].id,
    );
    expect(offered.status).toBe('offered');
    await t
      .http()
      .post(`/api/v1/bids/${played.bids[0].id}/withdraw`)
      .set(merseyside.headers)
      .send({ reason: 'The partnership dissolved.' })
      .expect(200);
    const withdrawn = await t
      .http()
      .get(`/api/v1/decisions/${offered.id}`)
      .set(as('approver'))
      .expect(200);
    expect(withdrawn.body).toMatchObject({
      status: 'withdrawn',
      closeReason: 'The bid was withdrawn: The partnership dissolved.',
      closedAt: expect.any(String),
    });
    expect(await decisions()).toMatchObject({ livePence: 0 });
  });

  it('refuses a due-diligence date the calendar does not have', async () => {
    const response = await t
      .http()
      .post(`/api/v1/organisations/${merseysideId}/due-diligence`)
      .set(as('finance'))
      .send({ rating: 'green', checkedOn: '2026-02-30', notes: 'Checked.' })
      .expect(400);
    expect(response.body.errors).toEqual([
      { field: 'checkedOn', message: 'checkedOn must be a real calendar date such as 2026-11-20' },
    ]);
  });
});
