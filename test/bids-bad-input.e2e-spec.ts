import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import { expectProblem, startApp, TestApp, tokensByRole } from './support/app';
import { Bidder, bidderOf, openRound, organisationIds, validBid } from './support/bids';
import { validRound } from './support/factories';

describe('bids: bad input is refused and changes nothing', () => {
  let t: TestApp;
  let tokens: Record<Role, string>;
  let council: Bidder;
  let stranger: Bidder;
  let round: Awaited<ReturnType<typeof openRound>>;
  let bid: BidDto;
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });

  beforeAll(async () => {
    t = await startApp({ processRole: 'api' });
    tokens = await tokensByRole(t);
    const orgs = await organisationIds(t, as('admin'));
    council = await bidderOf(t, as('admin'), orgs['Bristol City Council']);
    stranger = await bidderOf(t, as('admin'), orgs['Liverpool City Council']);
    round = await openRound(t, as('admin'));
    bid = (
      await t.http().post('/api/v1/bids').set(council.headers).send(validBid(round)).expect(201)
    ).body;
  });
  afterAll(() => t.close());

  const current = async (): Promise<BidDto> =>
    (await t.http().get(`/api/v1/bids/${bid.id}`).set(council.headers).expect(200)).body;
  const edit = (body: object, version = bid.version) =>
    t
      .http()
      .patch(`/api/v1/bids/${bid.id}`)
      .set(council.headers)
      .set('if-match', `"${version}"`)
      .send(body);
  // The fields named in a refusal, each once (one field may break several constraints).
  const fields = (body: { errors?: { field: string }[] }) => [
    ...new Set((body.errors ?? []).map((error) => error.field)),
  ];

  afterEach(async () => {
    // Whatever a test sent, the bid is as it was.
    expect(await current()).toEqual(bid);
  });

  it('refuses cost lines that are negative, zero, fractional or not numbers', async () => {
    const line = validBid(round).costLines![0];
    for (const amountPence of [-100, 0, 12.5, '100', 1e12]) {
      const response = await edit({ costLines: [{ ...line, amountPence }] }).expect(400);
      expectProblem(response.body, 400);
      expect(fields(response.body)).toEqual(['costLines.0.amountPence']);
    }
    const badYear = await edit({ costLines: [{ ...line, financialYear: '2025-26' }] }).expect(400);
    expect(fields(badYear.body)).toEqual(['costLines.0.financialYear']);
    const badKind = await edit({ costLines: [{ ...line, kind: 'grant' }] }).expect(400);
    expect(fields(badKind.body)).toEqual(['costLines.0.kind']);
  });

  it('refuses cost lines outside the delivery period and the same year and kind twice', async () => {
    const line = validBid(round).costLines![0];
    const outside = await edit({ costLines: [{ ...line, financialYear: '2099/00' }] }).expect(422);
    expectProblem(outside.body, 422, 'bid-content-invalid');
    expect(outside.body.errors[0]).toMatchObject({
      field: 'costLines.0.financialYear',
      message: expect.stringContaining("2099/00 is outside the delivery period's financial years"),
    });
    const twice = await edit({ costLines: [line, line] }).expect(422);
    expect(fields(twice.body)).toEqual(['costLines.1']);
  });

  it('refuses an intervention, crime type or milestone the round does not allow', async () => {
    const intervention = validBid(round).interventions![0];
    const type = await edit({ interventions: [{ ...intervention, type: 'Drones' }] }).expect(422);
    expect(type.body.errors).toEqual([
      {
        field: 'interventions.0.type',
        message: '"Drones" is not an intervention type of "Situational" (CCTV, Street lighting)',
      },
    ]);
    const category = await edit({
      interventions: [{ ...intervention, category: 'Surveillance' }],
    }).expect(422);
    expect(fields(category.body)).toEqual(['interventions.0.category']);
    const crime = await edit({ primaryCrimeType: 'fraud' }).expect(422);
    expect(fields(crime.body)).toEqual(['primaryCrimeType']);
    const milestone = await edit({
      milestones: [{ title: 'Too late', dueOn: '2099-01-01' }],
    }).expect(422);
    expect(fields(milestone.body)).toEqual(['milestones.0.dueOn']);
  });

  it('refuses malformed LSOA codes and fields the bid does not have', async () => {
    for (const code of ['E0100832', 'S01008324', 'e01008324', 'E01008324 ']) {
      const response = await edit({ targetLsoas: ['E01008324', code] }).expect(400);
      expect(fields(response.body)).toEqual(['targetLsoas']);
    }
    const unknown = await edit({ requestedPence: 1 }).expect(400);
    expect(unknown.body.errors[0].message).toContain('requestedPence is not a field');
  });

  it('refuses a stale or missing version with 412 and 428', async () => {
    const stale = await edit({ title: 'Overwrites someone' }, bid.version - 1 || 99).expect(412);
    expectProblem(stale.body, 412, 'version-mismatch');
    const missing = await t
      .http()
      .patch(`/api/v1/bids/${bid.id}`)
      .set(council.headers)
      .send({ title: 'No version' })
      .expect(428);
    expectProblem(missing.body, 428, 'if-match-required');
  });

  it('does not submit a draft changed since the version the bidder checked (If-Match)', async () => {
    const now = await current();
    const stale = await t
      .http()
      .post(`/api/v1/bids/${bid.id}/submit`)
      .set(council.headers)
      .set('if-match', `"${now.version + 1}"`)
      .expect(412);
    expectProblem(stale.body, 412, 'version-mismatch');
    const weak = await t
      .http()
      .post(`/api/v1/bids/${bid.id}/submit`)
      .set(council.headers)
      .set('if-match', `W/"${now.version}"`)
      .expect(412);
    expectProblem(weak.body, 412, 'if-match-weak');
    await expect(current()).resolves.toMatchObject({ status: 'draft', version: now.version });
  });

  it('answers 404 to an applicant of another organisation, whatever they try', async () => {
    const base = `/api/v1/bids/${bid.id}`;
    const attempts = [
      t.http().get(base).set(stranger.headers),
      t.http().get(`${base}/eligibility`).set(stranger.headers),
      t
        .http()
        .patch(base)
        .set(stranger.headers)
        .set('if-match', `"${bid.version}"`)
        .send({ title: 'Mine now' }),
      t.http().post(`${base}/submit`).set(stranger.headers),
      t.http().post(`${base}/withdraw`).set(stranger.headers).send({ reason: 'Not mine' }),
    ];
    for (const attempt of attempts) {
      const response = await attempt.expect(404);
      expectProblem(response.body, 404, 'not-found');
    }
    const list = await t
      .http()
      .get(`/api/v1/bids?roundId=${round.id}`)
      .set(stranger.headers)
      .expect(200);
    expect(list.body.total).toBe(0);
    // A council is not a PCC: it endorses nothing.
    await t.http().post(`${base}/endorse`).set(stranger.headers).expect(403);
  });

  it('refuses a bid for an unpublished round, and ids that are not UUIDs', async () => {
    const draft = await t
      .http()
      .post('/api/v1/rounds')
      .set(as('admin'))
      .send(validRound())
      .expect(201);
    const unpublished = await t
      .http()
      .post('/api/v1/bids')
      .set(council.headers)
      .send(validBid(draft.body))
      .expect(404);
    expectProblem(unpublished.body, 404);
    const badRound = await t
      .http()
      .post('/api/v1/bids')
      .set(council.headers)
      .send({ roundId: 'round-4', title: 'x' })
      .expect(400);
    expect(fields(badRound.body)).toEqual(['roundId']);
    await t.http().get('/api/v1/bids/42').set(council.headers).expect(400);
  });

  it('takes a bid’s id written in capitals as the same id, never as a failure of ours', async () => {
    const upper = bid.id.toUpperCase();
    const read = await t.http().get(`/api/v1/bids/${upper}`).set(council.headers).expect(200);
    expect(read.body.id).toBe(bid.id);
    const saved = await t
      .http()
      .patch(`/api/v1/bids/${upper}`)
      .set(council.headers)
      .set('if-match', `"${bid.version}"`)
      .send({ title: bid.title });
    expect([saved.status, saved.body.id, saved.body.version]).toEqual([200, bid.id, bid.version]);
    const stale = await t
      .http()
      .post(`/api/v1/bids/${upper}/submit`)
      .set(council.headers)
      .set('if-match', `"${bid.version + 1}"`);
    expect([stale.status, stale.body.code]).toEqual([412, 'version-mismatch']);
    const stranger404 = await t.http().get(`/api/v1/bids/${upper}`).set(stranger.headers);
    expect([stranger404.status, stranger404.body.code]).toEqual([404, 'not-found']);
  });
});

describe('bids: the bidding window is the server’s clock', () => {
  let t: TestApp;
  let tokens: Record<Role, string>;
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });

  beforeAll(async () => {
    t = await startApp({ processRole: 'api' });
    tokens = await tokensByRole(t);
  });
  afterAll(() => t.close());

  it('refuses a submission one second after the deadline, and any bid for a closed round', async () => {
    const orgs = await organisationIds(t, as('admin'));
    const bidder = await bidderOf(t, as('admin'), orgs['Reading Borough Council']);
    const closesAt = new Date(Date.now() + 3_000);
    const round = await openRound(t, as('admin'), { closesAt: closesAt.toISOString() });
    const bid: BidDto = (
      await t.http().post('/api/v1/bids').set(bidder.headers).send(validBid(round)).expect(201)
    ).body;
    const eligibility = await t
      .http()
      .get(`/api/v1/bids/${bid.id}/eligibility`)
      .set(bidder.headers);
    expect(eligibility.body).toMatchObject({ eligible: true, windowOpen: true });

    await new Promise((resolve) => setTimeout(resolve, closesAt.getTime() + 1_000 - Date.now()));
    const late = await t
      .http()
      .post(`/api/v1/bids/${bid.id}/submit`)
      .set(bidder.headers)
      .expect(409);
    expectProblem(late.body, 409, 'round-not-open');
    expect(late.body.detail).toContain('closed for bids at');
    await t
      .http()
      .patch(`/api/v1/bids/${bid.id}`)
      .set(bidder.headers)
      .set('if-match', `"${bid.version}"`)
      .send({ title: 'Late edit' })
      .expect(409);
    await t.http().post('/api/v1/bids').set(bidder.headers).send(validBid(round)).expect(409);

    await t.http().post(`/api/v1/rounds/${round.id}/close`).set(as('admin')).expect(200);
    const closed = await t
      .http()
      .post('/api/v1/bids')
      .set(bidder.headers)
      .send(validBid(round))
      .expect(409);
    expect(closed.body.detail).toContain('is closed, not open for bids');
    const after = await t.http().get(`/api/v1/bids/${bid.id}`).set(bidder.headers).expect(200);
    expect(after.body).toMatchObject({ status: 'draft', version: bid.version, title: bid.title });
  });

  it('refuses to submit or withdraw a withdrawn bid', async () => {
    const orgs = await organisationIds(t, as('admin'));
    const bidder = await bidderOf(t, as('admin'), orgs['Cardiff Council']);
    const round = await openRound(t, as('admin'));
    const bid: BidDto = (
      await t.http().post('/api/v1/bids').set(bidder.headers).send(validBid(round)).expect(201)
    ).body;
    const withdraw = () =>
      t
        .http()
        .post(`/api/v1/bids/${bid.id}/withdraw`)
        .set(bidder.headers)
        .send({ reason: 'Not now' });
    await withdraw().expect(200);
    expectProblem((await withdraw().expect(409)).body, 409, 'bid-not-withdrawable');
    const submit = await t
      .http()
      .post(`/api/v1/bids/${bid.id}/submit`)
      .set(bidder.headers)
      .expect(409);
    expectProblem(submit.body, 409, 'bid-withdrawn');
    const empty = await withdraw().send({ reason: '   ' }).expect(400);
    expect(empty.body.errors[0].field).toBe('reason');
  });
});
