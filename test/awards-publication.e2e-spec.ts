import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import { addDays, endOfLondonDay, londonDateOf } from '../src/common/london-time';
import { expectProblem, type TestApp } from './support/app';
import { fullAward, type ModeratedRound } from './support/awards';
import type { Bidder, BiddingWorld } from './support/bids';
import { clearForPublication, decideOffers, offersWorld, type OffersWorld } from './support/offers';
import { eventually } from './support/smtp';

// Publishing outcomes: refused until every bid is decided, then the outcome emails, and bidders
// reading only their own outcome, only once published.
describe('awards: publishing outcomes', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let offers: OffersWorld;
  let played: ModeratedRound;
  let cleveland: Bidder;
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
    offers = await offersWorld();
    ({ world, played, cleveland } = offers);
    t = world.t;
    ({ P1, P2, P3, C1, C2, C3 } = offers.bids);
  }, 90_000);
  afterAll(() => world.close());

  it('refuses to publish while any bid lacks a final score, a decision or its second approval', async () => {
    const p1 = await decideOffers(offers);
    expect(p1.status).toBe('pending_second_approval');
    // Nobody outside the Home Office reads a decision before publication.
    expectProblem(
      (await api().get(`/api/v1/bids/${P2.id}/outcome`).set(world.pcc.headers)).body,
      409,
      'outcome-not-published',
    );
    // Not even the award itself: to its own bidder it does not exist yet.
    const early = `/api/v1/awards/${p1.id}`;
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

    await clearForPublication(offers, p1.id);
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
});
