import { DataSource } from 'typeorm';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import { addDays, endOfLondonDay, londonDateOf } from '../src/common/london-time';
import { expectProblem, type TestApp } from './support/app';
import {
  fullAward,
  moderatedRound,
  type ModeratedRound,
  newApprover,
  partAward,
  recordDueDiligence,
} from './support/awards';
import {
  type Bidder,
  type BiddingWorld,
  bidderOf,
  NORTHUMBRIA_PCC,
  organisationIds,
  startBidding,
} from './support/bids';
import { eventually } from './support/smtp';

const CLEVELAND_PCC = 'Police and Crime Commissioner for Cleveland';
// Delivery from 10 May next year to 20 January the year after: the four financial quarters of
// the financial year starting next April, all still ahead whenever the suite runs.
const Y = new Date().getUTCFullYear() + 1;
const Z = Y + 1;
const FY = `${Y}/${String(Z % 100).padStart(2, '0')}`;

// From decisions to delivery: publishing outcomes (refused until every bid is decided), the
// outcome emails, bidders reading only their own outcome, the offer letter, acceptance with its
// return schedule, and declined, lapsed and withdrawn awards giving their money back.
describe('awards: publishing outcomes, offer letters and acceptance', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let played: ModeratedRound;
  let cleveland: Bidder;
  let secondApprover: { authorization: string };
  // Northumbria PCC's bids P1-P3, then Cleveland PCC's C1-C3 (C3 never scored).
  let P1: BidDto, P2: BidDto, P3: BidDto, C1: BidDto, C2: BidDto, C3: BidDto;
  const awardIds: Record<string, string> = {};
  const as = (role: Role) => world.as(role);
  const api = () => t.http();
  const decide = (bid: BidDto, body: object) =>
    api().post(`/api/v1/bids/${bid.id}/decision`).set(as('approver')).send(body);
  const publish = (role: Role = 'admin') =>
    api().post(`/api/v1/rounds/${played.round.id}/publish-outcomes`).set(as(role));
  const livePence = async () =>
    (await api().get(`/api/v1/rounds/${played.round.id}/decisions`).set(as('approver')).expect(200))
      .body.livePence as number;
  const award = (bid: BidDto, bidder: Bidder) =>
    api().get(`/api/v1/awards/${awardIds[bid.reference]}`).set(bidder.headers);

  beforeAll(async () => {
    world = await startBidding();
    t = world.t;
    const orgs = await organisationIds(t, as('admin'));
    cleveland = await bidderOf(t, as('admin'), orgs[CLEVELAND_PCC]);
    await recordDueDiligence(world, orgs[NORTHUMBRIA_PCC], 'green');
    await recordDueDiligence(world, orgs[CLEVELAND_PCC], 'green');
    secondApprover = await newApprover(t, as('admin'));
    played = await moderatedRound(
      world,
      [world.pcc, cleveland],
      3,
      {
        deliveryStartsOn: `${Y}-05-10`,
        deliveryEndsOn: `${Z}-01-20`,
        returnDueDays: 21,
        offerAcceptanceDays: 14,
        approvalThresholdPence: 25_000_000,
      },
      1,
    );
    [P1, P2, P3, C1, C2, C3] = played.bids;
  }, 90_000);
  afterAll(() => world.close());

  it('refuses to publish while any bid lacks a final score, a decision or its second approval', async () => {
    const p1 = await decide(P1, fullAward(P1)).expect(201);
    expect(p1.body.status).toBe('pending_second_approval');
    await decide(P2, {
      outcome: 'reject',
      reason: 'Below the funding line once the budget was allocated.',
      feedback: 'The problem profile was strong; the evaluation plan lacked a baseline.',
    }).expect(201);
    for (const bid of [P3, C1, C2]) {
      await decide(bid, partAward(bid)).expect(201);
    }
    // Nobody outside the Home Office reads a decision before publication.
    expectProblem(
      (await api().get(`/api/v1/bids/${P2.id}/outcome`).set(world.pcc.headers)).body,
      409,
      'outcome-not-published',
    );
    // Not even the award itself: to its own bidder it does not exist yet.
    const early = `/api/v1/awards/${p1.body.id}`;
    await api().get(early).set(world.pcc.headers).expect(404);
    await api().get(`${early}/offer-letter`).set(world.pcc.headers).expect(404);
    const signature = { signatoryName: 'Jo Bloggs', signatoryPosition: 'Chief Executive' };
    await api().post(`${early}/accept`).set(world.pcc.headers).send(signature).expect(404);
    await api().post(`${early}/decline`).set(world.pcc.headers).send({ reason: 'No' }).expect(404);
    expectProblem(
      (await api().get(`${early}/offer-letter`).set(as('approver'))).body,
      409,
      'offer-not-made',
    );
    await publish('approver').expect(403);
    const refused = await publish().expect(409);
    expectProblem(refused.body, 409, 'outcomes-not-ready');
    expect(refused.body.errors).toEqual([
      {
        field: P1.reference,
        message: `${P1.reference} has an award of £300,000.00 waiting for a second approver`,
      },
      { field: C3.reference, message: `${C3.reference} is still waiting for its final score` },
    ]);
    const round = await api().get(`/api/v1/rounds/${played.round.id}`).set(as('admin')).expect(200);
    expect(round.body.status).toBe('assessment');
    const bid = await api().get(`/api/v1/bids/${P2.id}`).set(world.pcc.headers).expect(200);
    expect(bid.body.status).toBe('moderated');

    await api()
      .post(`/api/v1/decisions/${p1.body.id}/second-approval`)
      .set(secondApprover)
      .send({ confirm: true })
      .expect(200);
    await api()
      .post(`/api/v1/bids/${C3.id}/fail-eligibility`)
      .set(as('moderator'))
      .send({ reason: 'The target area is outside the PCC area.' })
      .expect(200);
    const published = await publish().expect(200);
    const today = londonDateOf(new Date());
    expect(published.body).toMatchObject({
      round: { status: 'decided' },
      awarded: 4,
      unsuccessful: 1,
      unreachable: [],
      offerExpiresAt: endOfLondonDay(addDays(today, 14)).toISOString(),
    });
    expectProblem((await publish().expect(409)).body, 409, 'outcomes-published');
    // Deciding after publication needs a variation.
    expectProblem((await decide(P2, fullAward(P2))).body, 409, 'outcomes-published');
    expect(await livePence()).toBe(30_000_000 + 3 * 20_000_000);
  });

  it('emails every bidder its outcome: the amount and deadline, or the reason and feedback', async () => {
    const pccMail = await eventually(() => {
      const mail = world.smtp
        .to(world.pcc.email)
        .filter((m) => /Grant offer|not funded/.test(m.subject));
      expect(mail).toHaveLength(3);
      return mail;
    });
    const offer = pccMail.find((m) => m.subject.includes(P1.reference));
    expect(offer?.subject).toBe(`Grant offer for bid ${P1.reference}: £300,000.00 from Test round`);
    expect(offer?.text).toContain('accept or decline the offer by');
    const rejection = pccMail.find((m) => m.subject.includes(P2.reference));
    expect(rejection?.subject).toContain('not funded');
    expect(rejection?.text).toContain('Below the funding line once the budget was allocated.');
    expect(rejection?.text).toContain('the evaluation plan lacked a baseline');
    const clevelandMail = await eventually(() => {
      const mail = world.smtp
        .to(cleveland.email)
        .filter((m) => m.subject.startsWith('Grant offer'));
      expect(mail).toHaveLength(2);
      return mail;
    });
    expect(clevelandMail[0].html).toContain('£200,000.00');
    expect(clevelandMail[0].html).toContain('highway authority');
    // Five outcome emails were queued, one per decided bid; C3 failed eligibility and got none.
    const outcomes = await api()
      .get(`/api/v1/emails?objectType=award_decision&limit=100`)
      .set(as('admin'))
      .expect(200);
    const ours = new Set([P1, P2, P3, C1, C2].map((bid) => bid.reference));
    const queued = (outcomes.body.items as { template: string; data: { reference: string } }[])
      .filter((row) => ours.has(row.data.reference) || row.data.reference === C3.reference)
      .filter((row) => row.template === 'award-offered' || row.template === 'bid-unsuccessful');
    expect(queued.map((row) => row.data.reference).sort()).toEqual([...ours].sort());
  });

  it('lets a bidder read its own outcomes and awards, and nobody else’s', async () => {
    const bids = await api().get(`/api/v1/bids/${P2.id}`).set(world.pcc.headers).expect(200);
    expect(bids.body.status).toBe('unsuccessful');
    const rejected = await api()
      .get(`/api/v1/bids/${P2.id}/outcome`)
      .set(world.pcc.headers)
      .expect(200);
    expect(rejected.body).toMatchObject({
      outcome: 'unsuccessful',
      amountPence: 0,
      awardId: null,
      feedback: 'The problem profile was strong; the evaluation plan lacked a baseline.',
    });
    for (const [bid, bidder] of [
      [P1, world.pcc],
      [P3, world.pcc],
      [C1, cleveland],
      [C2, cleveland],
    ] as const) {
      const outcome = await api()
        .get(`/api/v1/bids/${bid.id}/outcome`)
        .set(bidder.headers)
        .expect(200);
      expect(outcome.body.outcome).toBe('awarded');
      awardIds[bid.reference] = outcome.body.awardId;
    }
    expectProblem(
      (await api().get(`/api/v1/bids/${C3.id}/outcome`).set(cleveland.headers)).body,
      409,
      'outcome-not-published',
    );
    // Another organisation's outcome, award and letter do not exist for Cleveland.
    await api().get(`/api/v1/bids/${P2.id}/outcome`).set(cleveland.headers).expect(404);
    await award(P1, cleveland).expect(404);
    await api()
      .get(`/api/v1/awards/${awardIds[P1.reference]}/offer-letter`)
      .set(cleveland.headers)
      .expect(404);
    await api()
      .post(`/api/v1/awards/${awardIds[P1.reference]}/accept`)
      .set(cleveland.headers)
      .send({ signatoryName: 'Not Theirs', signatoryPosition: 'Chief Executive' })
      .expect(404);
    await api().get(`/api/v1/bids/${P2.id}/outcome`).set(as('assessor')).expect(403);
    await award(P1, world.pcc).set(as('assessor')).expect(403);
    await api()
      .get(`/api/v1/awards/${awardIds[P1.reference]}/offer-letter`)
      .set(as('assessor'))
      .expect(403);
    await api().get(`/api/v1/awards/${awardIds[P1.reference]}`).set(as('finance')).expect(200);
  });

  it('gives each award a printable offer letter the bidder downloads', async () => {
    const letter = await api()
      .get(`/api/v1/awards/${awardIds[C1.reference]}/offer-letter`)
      .set(cleveland.headers)
      .expect(200);
    expect(letter.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(letter.headers['content-disposition']).toBe(
      `attachment; filename="grant-offer-${C1.reference}.html"`,
    );
    const html = letter.text;
    expect(html).toContain('Police and Crime Commissioner for Cleveland');
    expect(html).toContain('Home Office');
    expect(html).toContain(
      `<td>${FY}</td><td class="money">£150,000.00</td><td class="money">£50,000.00</td><td class="money">£200,000.00</td>`,
    );
    expect(html).toContain('highway authority before payment');
    expect(html).toContain('excludes VAT that the recipient can recover');
    expect(html).toContain('no later than 21 days after the quarter ends');
    expect(html).toContain(`<td>${FY} Q1</td><td>30 June ${Y}</td><td>21 July ${Y}</td>`);
    const { body } = await award(C1, cleveland).expect(200);
    expect(html).toContain(`Accept or decline this offer by ${body.offerExpiresUkTime} (UK time)`);
    expect(html).toContain('@media print');
  });

  it('makes an accepted award active with one return per financial quarter of delivery', async () => {
    const accept = (bid: BidDto, body: object) =>
      api()
        .post(`/api/v1/awards/${awardIds[bid.reference]}/accept`)
        .set(cleveland.headers)
        .send(body);
    const missing = await accept(C1, { signatoryName: ' ' }).expect(400);
    expect([...new Set(missing.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(
      ['signatoryName', 'signatoryPosition'],
    );
    expect((await award(C1, cleveland).expect(200)).body).toMatchObject({
      status: 'offered',
      returns: [],
    });
    await api()
      .post(`/api/v1/awards/${awardIds[C1.reference]}/accept`)
      .set(as('approver'))
      .send({ signatoryName: 'Staff Member', signatoryPosition: 'Approver' })
      .expect(403);

    const accepted = await accept(C1, {
      signatoryName: 'Alex Morgan',
      signatoryPosition: 'Chief Finance Officer',
    }).expect(200);
    expect(accepted.body).toMatchObject({
      status: 'active',
      signatoryName: 'Alex Morgan',
      acceptedAt: expect.any(String),
    });
    const quarters = accepted.body.returns.map(
      (r: {
        financialYear: string;
        quarter: number;
        periodStartsOn: string;
        periodEndsOn: string;
        dueOn: string;
        status: string;
      }) =>
        `${r.financialYear} Q${r.quarter} ${r.periodStartsOn}..${r.periodEndsOn} due ${r.dueOn} ${r.status}`,
    );
    expect(quarters).toEqual([
      `${FY} Q1 ${Y}-04-01..${Y}-06-30 due ${Y}-07-21 upcoming`,
      `${FY} Q2 ${Y}-07-01..${Y}-09-30 due ${Y}-10-21 upcoming`,
      `${FY} Q3 ${Y}-10-01..${Y}-12-31 due ${Z}-01-21 upcoming`,
      `${FY} Q4 ${Z}-01-01..${Z}-03-31 due ${Z}-04-21 upcoming`,
    ]);
    expect((await award(C1, cleveland).expect(200)).body.returns).toEqual(accepted.body.returns);
    expectProblem(
      (await accept(C1, { signatoryName: 'Alex Morgan', signatoryPosition: 'CFO' })).body,
      409,
      'offer-not-open',
    );
    const confirmation = await eventually(() => {
      const [mail] = world.smtp
        .to(cleveland.email)
        .filter((m) => m.subject === `Grant ${C1.reference} accepted: your quarterly returns`);
      expect(mail).toBeDefined();
      return mail;
    });
    expect(confirmation.text).toContain(`${FY} Q4: due by 21 April ${Z}`);
    // The letter now records the acceptance.
    const letter = await api()
      .get(`/api/v1/awards/${awardIds[C1.reference]}/offer-letter`)
      .set(cleveland.headers)
      .expect(200);
    expect(letter.text).toContain('by Alex Morgan, Chief Finance Officer, on');
  });

  it('releases the money of a declined offer, a lapsed one withdrawn, and a withdrawn active award', async () => {
    const before = await livePence();
    const declineP3 = () => api().post(`/api/v1/awards/${awardIds[P3.reference]}/decline`);
    await declineP3().set(as('approver')).send({ reason: 'Staff cannot' }).expect(403);
    await declineP3().set(cleveland.headers).send({ reason: 'Not ours' }).expect(404);
    const declined = await api()
      .post(`/api/v1/awards/${awardIds[P3.reference]}/decline`)
      .set(world.pcc.headers)
      .send({ reason: 'Match funding fell through.' })
      .expect(200);
    expect(declined.body).toMatchObject({
      status: 'declined',
      closeReason: 'Match funding fell through.',
    });
    expect(await livePence()).toBe(before - 20_000_000);

    // The offer's deadline passes (set back in the database: the test cannot wait 14 days).
    await t.app
      .get(DataSource)
      .query(
        `UPDATE award_decisions SET published_at = now() - interval '20 days', offer_expires_at = now() - interval '1 minute' WHERE id = $1`,
        [awardIds[P1.reference]],
      );
    const late = await api()
      .post(`/api/v1/awards/${awardIds[P1.reference]}/accept`)
      .set(world.pcc.headers)
      .send({ signatoryName: 'Jo Bloggs', signatoryPosition: 'Chief Executive' });
    expectProblem(late.body, 409, 'offer-expired');
    expect((await award(P1, world.pcc).expect(200)).body).toMatchObject({
      status: 'offered',
      offerLapsed: true,
      returns: [],
    });
    expectProblem(
      (
        await api()
          .post(`/api/v1/awards/${awardIds[P1.reference]}/decline`)
          .set(world.pcc.headers)
          .send({ reason: 'Too late to say' })
      ).body,
      409,
      'offer-expired',
    );
    const held = await api()
      .get(`/api/v1/rounds/${played.round.id}/decisions`)
      .set(as('approver'))
      .expect(200);
    expect(held.body.lapsedOffersPence).toBe(30_000_000);
    const withdrawP1 = () => api().post(`/api/v1/awards/${awardIds[P1.reference]}/withdraw`);
    for (const role of ['applicant', 'finance', 'moderator', 'assessor'] as Role[]) {
      await withdrawP1().set(as(role)).send({ reason: 'Not mine to withdraw' }).expect(403);
    }
    await withdrawP1().set(world.pcc.headers).send({ reason: 'Mine' }).expect(403);
    const lapsed = await api()
      .post(`/api/v1/awards/${awardIds[P1.reference]}/withdraw`)
      .set(as('approver'))
      .send({ reason: 'The offer lapsed unaccepted.' })
      .expect(200);
    expect(lapsed.body.status).toBe('withdrawn');
    expect(await livePence()).toBe(before - 20_000_000 - 30_000_000);

    await api()
      .post(`/api/v1/awards/${awardIds[C2.reference]}/accept`)
      .set(cleveland.headers)
      .send({ signatoryName: 'Alex Morgan', signatoryPosition: 'Chief Finance Officer' })
      .expect(200);
    const withdrawn = await api()
      .post(`/api/v1/awards/${awardIds[C2.reference]}/withdraw`)
      .set(as('admin'))
      .send({ reason: 'The project could not start: planning consent refused.' })
      .expect(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect(withdrawn.body.returns.map((r: { status: string }) => r.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(await livePence()).toBe(20_000_000);
    expectProblem(
      (
        await api()
          .post(`/api/v1/awards/${awardIds[C2.reference]}/withdraw`)
          .set(as('admin'))
          .send({ reason: 'Again' })
      ).body,
      409,
      'award-not-withdrawable',
    );
    const audit = await api()
      .get(`/api/v1/audit-events?objectType=award_decision&objectId=${awardIds[C2.reference]}`)
      .set(as('admin'))
      .expect(200);
    expect(audit.body.items.map((e: { command: string }) => e.command)).toEqual([
      'decision.award',
      'decision.publish',
      'award.accept',
      'award.withdraw',
    ]);
  });
});
