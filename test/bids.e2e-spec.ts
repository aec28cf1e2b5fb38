import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import type { TestApp } from './support/app';
import { closedRoundWithBids } from './support/assessment';
import {
  Bidder,
  BiddingWorld,
  NORTHUMBRIA_PCC,
  openRound,
  startBidding,
  validBid,
} from './support/bids';
import { eventually, type TestSmtpServer } from './support/smtp';

describe('bids: from draft to endorsed, ranked submission', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let smtp: TestSmtpServer;
  let pcc: Bidder;
  let council: Bidder;
  let charity: Bidder;
  let otherCouncil: Bidder;
  const as = (role: Role) => world.as(role);

  beforeAll(async () => {
    world = await startBidding();
    ({ t, smtp, pcc, council, charity, otherCouncil } = world);
  });
  afterAll(() => world.close());

  const eligibility = async (who: Bidder, id: string) =>
    (await t.http().get(`/api/v1/bids/${id}/eligibility`).set(who.headers).expect(200)).body;
  const edit = (who: Bidder, bid: BidDto, body: object) =>
    t
      .http()
      .patch(`/api/v1/bids/${bid.id}`)
      .set(who.headers)
      .set('if-match', `"${bid.version}"`)
      .send(body);
  const submit = (who: Bidder, id: string) =>
    t.http().post(`/api/v1/bids/${id}/submit`).set(who.headers);

  it('walks a council bid through eligibility feedback, submission, receipt, endorsement and ranking', async () => {
    const round = await openRound(t, as('admin'));
    const full = validBid(round);

    // A draft can start with a title alone; the reference is the round code and a number.
    const started = await t
      .http()
      .post('/api/v1/bids')
      .set(council.headers)
      .send({ roundId: round.id, title: full.title })
      .expect(201);
    let bid = started.body as BidDto;
    expect(bid).toMatchObject({
      reference: `${round.code}-0001`,
      status: 'draft',
      requestedPence: 0,
      version: 1,
      endorsement: { state: 'awaiting' },
    });
    expect(started.headers.etag).toBe('"1"');
    const empty = await eligibility(council, bid.id);
    expect(empty.eligible).toBe(false);
    expect(empty.failures.map((f: { rule: string }) => f.rule)).toEqual(
      expect.arrayContaining(['cost-lines', 'interventions', 'required-sections']),
    );

    // Over the cap and short of match funding: saved as a draft, and every failure named.
    const content: Partial<typeof full> = { ...full };
    delete content.roundId;
    const overCap = await edit(council, bid, {
      ...content,
      costLines: [{ ...full.costLines![0], amountPence: 44_000_000 }],
      interventions: [{ ...full.interventions![0], costPence: 44_000_000 }],
      matchFunding: [{ source: 'Council', kind: 'in_kind', amountPence: 100_000 }],
    }).expect(200);
    bid = overCap.body;
    expect(bid).toMatchObject({
      version: 2,
      requestedPence: 44_000_000,
      matchFundingPence: 100_000,
    });
    const failing = await eligibility(council, bid.id);
    expect(failing.failures).toEqual([
      {
        rule: 'cap-per-bid',
        message: 'requested £440,000.00 exceeds the round cap of £432,000.00',
      },
      {
        rule: 'match-funding',
        message:
          'match funding of £1,000.00 is below the 20% this round requires of a local authority: at least £88,000.00 on £440,000.00 requested',
      },
    ]);
    const refused = await submit(council, bid.id).expect(422);
    expect(refused.body.code).toBe('bid-ineligible');
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'cap-per-bid',
      'match-funding',
    ]);

    bid = (await edit(council, bid, content).expect(200)).body;
    expect(bid.requestedPence).toBe(30_000_000);
    expect(await eligibility(council, bid.id)).toMatchObject({
      eligible: true,
      failures: [],
      requiredMatchFundingPence: 6_000_000,
      windowOpen: true,
    });

    const submitted = (await submit(council, bid.id).expect(200)).body as BidDto;
    expect(submitted).toMatchObject({ status: 'submitted', endorsement: { state: 'awaiting' } });
    expect(submitted.submittedDigest).toMatch(/^[0-9a-f]{64}$/);
    // A repeated submit answers the same result and sends nothing more.
    const again = (await submit(council, bid.id).expect(200)).body as BidDto;
    expect(again).toMatchObject({ submittedAt: submitted.submittedAt, version: submitted.version });
    const frozen = await edit(council, submitted, { title: 'Changed after submission' }).expect(
      409,
    );
    expect(frozen.body.code).toBe('bid-frozen');

    const receipts = () => smtp.to(council.email).filter((m) => m.subject.includes(bid.reference));
    await eventually(() => expect(receipts()).toHaveLength(1));
    expect(receipts()[0].subject).toBe(`Bid ${bid.reference} submitted: ${full.title}`);
    expect(receipts()[0].text).toContain('Requested: £300,000.00');
    expect(receipts()[0].text).toContain(submitted.submittedDigest);
    expect(receipts()[0].text).toContain(`once ${NORTHUMBRIA_PCC} endorses it`);
    await eventually(() =>
      expect(smtp.to(pcc.email).map((m) => m.subject)).toContain(
        `Bid ${bid.reference} needs your endorsement: ${full.title}`,
      ),
    );

    // The PCC sees its area's submitted bids; a council in another area does not.
    const pccList = await t
      .http()
      .get(`/api/v1/bids?roundId=${round.id}`)
      .set(pcc.headers)
      .expect(200);
    expect(pccList.body.items.map((b: BidDto) => b.id)).toEqual([bid.id]);
    await t.http().get(`/api/v1/bids/${bid.id}`).set(otherCouncil.headers).expect(404);

    // Only endorsed bids are ranked; the ranking answer says which, and that the round ranks now.
    const ranking = async () =>
      (await t.http().get(`/api/v1/rounds/${round.id}/pcc-ranking`).set(pcc.headers).expect(200))
        .body;
    expect(await ranking()).toMatchObject({
      canRank: true,
      bids: [{ id: bid.id, rankable: false, awaitingEndorsement: true }],
    });
    const early = await t
      .http()
      .put(`/api/v1/rounds/${round.id}/pcc-ranking`)
      .set(pcc.headers)
      .send({ bidIds: [bid.id] })
      .expect(422);
    expect(early.body.code).toBe('ranking-invalid');
    const endorsed = await t
      .http()
      .post(`/api/v1/bids/${bid.id}/endorse`)
      .set(pcc.headers)
      .expect(200);
    expect(endorsed.body.endorsement.state).toBe('endorsed');
    await eventually(() =>
      expect(smtp.to(council.email).map((m) => m.subject)).toContain(
        `Bid ${bid.reference} endorsed by ${NORTHUMBRIA_PCC}`,
      ),
    );

    // The PCC's own bid needs no endorsement; the PCC ranks both.
    const own = (
      await t
        .http()
        .post('/api/v1/bids')
        .set(pcc.headers)
        .send(validBid(round, { title: 'PCC bid' }))
        .expect(201)
    ).body as BidDto;
    expect(own.endorsement.state).toBe('not_required');
    await submit(pcc, own.id).expect(200);
    const ranked = await t
      .http()
      .put(`/api/v1/rounds/${round.id}/pcc-ranking`)
      .set(pcc.headers)
      .send({ bidIds: [bid.id, own.id] })
      .expect(200);
    expect(
      ranked.body.bids.map((b: { reference: string; pccRank: number }) => [b.reference, b.pccRank]),
    ).toEqual([
      [bid.reference, 1],
      [own.reference, 2],
    ]);
    // The endorsed bid and the PCC's own are both rankable; neither waits for the PCC.
    expect(
      ranked.body.bids.map((b: { id: string; rankable: boolean; awaitingEndorsement: boolean }) => [
        b.id,
        b.rankable,
        b.awaitingEndorsement,
      ]),
    ).toEqual([
      [bid.id, true, false],
      [own.id, true, false],
    ]);

    // Home Office staff filter the round's submitted bids; drafts are not theirs to see.
    const draft = (
      await t
        .http()
        .post('/api/v1/bids')
        .set(charity.headers)
        .send({ roundId: round.id, title: 'Draft' })
        .expect(201)
    ).body as BidDto;
    const staffList = await t
      .http()
      .get(`/api/v1/bids?roundId=${round.id}&applicantType=local_authority&forceAreaCode=E23000007`)
      .set(as('moderator'))
      .expect(200);
    expect(staffList.body.items.map((b: BidDto) => b.reference)).toEqual([bid.reference]);
    await t.http().get(`/api/v1/bids/${draft.id}`).set(as('admin')).expect(404);
    await t.http().get('/api/v1/bids').set(as('assessor')).expect(403);

    // Withdrawing the first-ranked bid closes up the ranking.
    await t
      .http()
      .post(`/api/v1/bids/${bid.id}/withdraw`)
      .set(council.headers)
      .send({ reason: 'Funded from the council budget instead' })
      .expect(200);
    const after = await t
      .http()
      .get(`/api/v1/rounds/${round.id}/pcc-ranking`)
      .set(pcc.headers)
      .expect(200);
    expect(
      after.body.bids.map((b: { reference: string; pccRank: number | null }) => [
        b.reference,
        b.pccRank,
      ]),
    ).toEqual([
      [own.reference, 1],
      [bid.reference, null],
    ]);
    // A withdrawn bid is not ranked any more.
    expect(after.body.bids.map((b: { rankable: boolean }) => b.rankable)).toEqual([true, false]);
  });

  it('counts every lead in a PCC area against the area limit, and frees a place the PCC declines', async () => {
    const round = await openRound(t, as('admin'), {
      bidLimit: 1,
      eligibleApplicantTypes: ['pcc', 'local_authority', 'cso'],
      matchFundingPercent: { pcc: 20, local_authority: 20 },
    });
    const first = (
      await t.http().post('/api/v1/bids').set(council.headers).send(validBid(round)).expect(201)
    ).body;
    const second = (
      await t.http().post('/api/v1/bids').set(charity.headers).send(validBid(round)).expect(201)
    ).body;
    await submit(council, first.id).expect(200);

    const full = await eligibility(charity, second.id);
    expect(full.failures).toEqual([
      {
        rule: 'bid-limit',
        message:
          'the Northumbria PCC area already has 1 live bid in this round; the limit is 1 per PCC area',
      },
    ]);
    await submit(charity, second.id).expect(422);

    const declined = await t
      .http()
      .post(`/api/v1/bids/${first.id}/decline-endorsement`)
      .set(pcc.headers)
      .send({ reason: 'The area plan prioritises the night-time economy bid.' })
      .expect(200);
    expect(declined.body.endorsement).toMatchObject({
      state: 'declined',
      reason: 'The area plan prioritises the night-time economy bid.',
    });
    await t.http().post(`/api/v1/bids/${first.id}/endorse`).set(pcc.headers).expect(409);
    await eventually(() => {
      const mail = smtp
        .to(council.email)
        .find((m) => m.subject === `Bid ${first.reference} not endorsed by ${NORTHUMBRIA_PCC}`);
      expect(mail?.text).toContain(
        'Their reason: The area plan prioritises the night-time economy bid.',
      );
    });
    expect((await eligibility(charity, second.id)).eligible).toBe(true);
    await submit(charity, second.id).expect(200);

    // The declined bid is not one to rank; the charity's waits for the PCC's endorsement.
    const ranking = async () =>
      (await t.http().get(`/api/v1/rounds/${round.id}/pcc-ranking`).set(pcc.headers).expect(200))
        .body;
    const state = (body: {
      bids: { id: string; rankable: boolean; awaitingEndorsement: boolean }[];
    }) => body.bids.map((b) => [b.id, b.rankable, b.awaitingEndorsement]);
    const open = await ranking();
    expect(open.canRank).toBe(true);
    expect(state(open)).toEqual([
      [first.id, false, false],
      [second.id, false, true],
    ]);
  });

  it('says the area can rank while its round is open or closed, and not once assessment starts', async () => {
    const closesAt = new Date(Date.now() + 3000).toISOString();
    const round = await openRound(t, as('admin'), { closesAt });
    const own = (
      await t.http().post('/api/v1/bids').set(pcc.headers).send(validBid(round)).expect(201)
    ).body as BidDto;
    await submit(pcc, own.id).expect(200);
    const ranking = async () =>
      (await t.http().get(`/api/v1/rounds/${round.id}/pcc-ranking`).set(pcc.headers).expect(200))
        .body;
    expect(await ranking()).toMatchObject({ canRank: true, bids: [{ rankable: true }] });

    await new Promise((resolve) => setTimeout(resolve, Date.parse(closesAt) - Date.now() + 50));
    await t.http().post(`/api/v1/rounds/${round.id}/close`).set(as('admin')).expect(200);
    expect((await ranking()).canRank).toBe(true);
    await t
      .http()
      .post(`/api/v1/rounds/${round.id}/start-assessment`)
      .set(as('moderator'))
      .send({ assessmentDueAt: new Date(Date.now() + 14 * 86_400_000).toISOString() })
      .expect(200);
    const assessing = await ranking();
    expect(assessing.canRank).toBe(false);
    const shown = await t.http().get(`/api/v1/rounds/${round.id}`).set(pcc.headers).expect(200);
    expect(shown.body.endorsing).toBe(false);
  });

  it('closes up the PCC ranking behind a bid that fails eligibility, as behind a withdrawn one', async () => {
    const { round, bids } = await closedRoundWithBids(
      world,
      ['Alley gates', 'Street lighting', 'Home security'].map((title) => ({ by: pcc, title })),
    );
    const [first, second, third] = bids;
    await t
      .http()
      .put(`/api/v1/rounds/${round.id}/pcc-ranking`)
      .set(pcc.headers)
      .send({ bidIds: [first.id, second.id, third.id] })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/bids/${first.id}/fail-eligibility`)
      .set(as('moderator'))
      .send({ reason: 'The target area is outside the PCC area.' })
      .expect(200);
    const after = await t
      .http()
      .get(`/api/v1/rounds/${round.id}/pcc-ranking`)
      .set(pcc.headers)
      .expect(200);
    expect(
      after.body.bids.map((b: { id: string; pccRank: number | null }) => [b.id, b.pccRank]),
    ).toEqual([
      [second.id, 1],
      [third.id, 2],
      [first.id, null],
    ]);
  });

  it('lets only one of two simultaneous submissions take the area’s last place', async () => {
    const round = await openRound(t, as('admin'), {
      bidLimit: 1,
      eligibleApplicantTypes: ['pcc', 'local_authority', 'cso'],
    });
    const drafts = await Promise.all(
      [council, charity].map(
        async (who) =>
          (await t.http().post('/api/v1/bids').set(who.headers).send(validBid(round)).expect(201))
            .body as BidDto,
      ),
    );
    const results = await Promise.all([
      submit(council, drafts[0].id),
      submit(charity, drafts[1].id),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
    const refused = results.find((r) => r.status === 422);
    expect(refused?.body.errors.map((e: { field: string }) => e.field)).toEqual(['bid-limit']);
    const live = await t
      .http()
      .get(`/api/v1/bids?roundId=${round.id}&status=submitted`)
      .set(as('moderator'))
      .expect(200);
    expect(live.body.total).toBe(1);
  });
});
