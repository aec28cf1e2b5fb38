import { DataSource } from 'typeorm';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import { expectProblem, type TestApp } from './support/app';
import type { ModeratedRound } from './support/awards';
import type { Bidder, BiddingWorld } from './support/bids';
import {
  clearForPublication,
  decideOffers,
  FY,
  offersWorld,
  type OffersWorld,
  Y,
  Z,
} from './support/offers';
import { eventually } from './support/smtp';

// After publication: the offer letter, acceptance with its return schedule, and declined,
// lapsed and withdrawn awards giving their money back.
describe('awards: offer letters and acceptance', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let offers: OffersWorld;
  let played: ModeratedRound;
  let cleveland: Bidder;
  let P1: BidDto, P3: BidDto, C1: BidDto, C2: BidDto;
  const awardIds: Record<string, string> = {};
  const as = (role: Role) => world.as(role);
  const api = () => t.http();
  const livePence = async () =>
    (await api().get(`/api/v1/rounds/${played.round.id}/decisions`).set(as('approver')).expect(200))
      .body.livePence as number;
  const award = (bid: BidDto, bidder: Bidder) =>
    api().get(`/api/v1/awards/${awardIds[bid.reference]}`).set(bidder.headers);

  beforeAll(async () => {
    offers = await offersWorld();
    ({ world, played, cleveland } = offers);
    t = world.t;
    ({ P1, P3, C1, C2 } = offers.bids);
    await clearForPublication(offers, (await decideOffers(offers)).id);
    await api()
      .post(`/api/v1/rounds/${played.round.id}/publish-outcomes`)
      .set(as('admin'))
      .expect(200);
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
      awardIds[bid.reference] = outcome.body.awardId;
    }
  }, 90_000);
  afterAll(() => world.close());

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
    expect(body.offerExpiresUkTime).toMatch(/^\d{1,2} \w+ \d{4} \d{2}:\d{2}:\d{2} (GMT|BST)$/);
    expect(html).toContain(`Accept or decline this offer by ${body.offerExpiresUkTime}.`);
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

    // If-Match (optional) names the award version the answer was given on: a stale one is
    // refused and nothing changes; the current one is taken.
    const signed = { signatoryName: 'Alex Morgan', signatoryPosition: 'Chief Finance Officer' };
    const read = (await award(C1, cleveland).expect(200)).body.version as number;
    const acceptAt = (ifMatch: string) => accept(C1, signed).set('If-Match', ifMatch);
    expectProblem((await acceptAt(`"${read - 1}"`)).body, 412, 'version-mismatch');
    expectProblem((await acceptAt(`W/"${read}"`)).body, 412, 'if-match-weak');
    expect((await award(C1, cleveland).expect(200)).body).toMatchObject({
      status: 'offered',
      version: read,
      signatoryName: null,
    });
    const accepted = await acceptAt(`"${read}"`).expect(200);
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
    // The same answer again on the version it was read at: the award has changed since.
    expectProblem((await acceptAt(`"${read}"`)).body, 412, 'version-mismatch');
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
    const version = (await award(P3, world.pcc).expect(200)).body.version as number;
    const stale = await declineP3()
      .set(world.pcc.headers)
      .set('If-Match', `"${version + 1}"`)
      .send({ reason: 'Not what we read' });
    expectProblem(stale.body, 412, 'version-mismatch');
    expect(await livePence()).toBe(before);
    const declined = await declineP3()
      .set(world.pcc.headers)
      .set('If-Match', `"${version}"`)
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
