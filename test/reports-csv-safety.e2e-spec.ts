import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import { fullAward, moderatedRound, recordDueDiligence } from './support/awards';
import { type BiddingWorld, bidderOf, startBidding } from './support/bids';
import { csvValues, formulaCells, unquotedText } from './support/csv';
import { uniqueSuffix, validOrganisation } from './support/factories';
import { eventually } from './support/smtp';

// Text that would run as formulas in a spreadsheet, at the start of a field and after the
// separators a spreadsheet may split a field on, taken through the API into every CSV we write:
// each text field comes back quoted, and no cell a spreadsheet could make starts a formula.
describe('reports: CSV files are safe to open in a spreadsheet', () => {
  let world: BiddingWorld;
  let roundCode = '';
  let roundId = '';
  const title = 'Lights;=1+2;@SUM(1+1)';
  const organisationName = `=HYPERLINK("http://evil.example";"Trust ${uniqueSuffix()}"),-2`;
  const guardedName = `'${organisationName.replace(',-2', ",'-2")}`;
  const as = (role: Role) => world.as(role);

  beforeAll(async () => {
    world = await startBidding();
    const { t } = world;
    // British Transport Police bodies lead bids without a PCC's endorsement.
    const organisation = await t
      .http()
      .post('/api/v1/organisations')
      .set(as('admin'))
      .send(validOrganisation({ name: organisationName, type: 'btp', forceAreaCode: null }))
      .expect(201);
    const bidder = await bidderOf(t, as('admin'), organisation.body.id);
    await recordDueDiligence(world, organisation.body.id, 'green');
    const { round, bids } = await moderatedRound(
      world,
      [bidder],
      1,
      {
        eligibleApplicantTypes: ['btp'],
        matchFundingPercent: { btp: 20 },
        approvalThresholdPence: 50_000_000,
      },
      0,
      { title },
    );
    roundCode = round.code;
    roundId = round.id;
    const [bid]: BidDto[] = bids;
    await t
      .http()
      .post(`/api/v1/bids/${bid.id}/decision`)
      .set(as('approver'))
      .send(fullAward(bid))
      .expect(201);
    await t.http().post(`/api/v1/rounds/${round.id}/publish-outcomes`).set(as('admin')).expect(200);
    const outcome = await t
      .http()
      .get(`/api/v1/bids/${bid.id}/outcome`)
      .set(bidder.headers)
      .expect(200);
    await t
      .http()
      .post(`/api/v1/awards/${outcome.body.awardId}/accept`)
      .set(bidder.headers)
      .send({ signatoryName: 'Sam Signer', signatoryPosition: 'Chief Executive' })
      .expect(200);
  }, 90_000);
  afterAll(() => world.close());

  const expectSafe = (csv: string) => {
    expect(formulaCells(csv)).toEqual([]);
    expect(unquotedText(csv)).toEqual([]);
  };

  it('publishes the 360Giving CSV with every text field quoted and no formula', async () => {
    const response = await world.t
      .http()
      .get('/api/v1/open-data/360giving')
      .query({ round: roundCode, format: 'csv' })
      .expect(200);
    expectSafe(response.text);
    const [header, grant] = csvValues(response.text);
    expect(grant[header.indexOf('Title')]).toBe("Lights;'=1+2;'@SUM(1+1)");
    expect(grant[header.indexOf('Recipient Org:Name')]).toBe(guardedName);
    expect(grant[header.indexOf('Amount Awarded')]).toBe('300000');
  });

  it('exports the spend CSV with every text field quoted and no formula', async () => {
    const { t } = world;
    const asked = await t
      .http()
      .post(`/api/v1/rounds/${roundId}/exports`)
      .set(as('finance'))
      .send({ format: 'csv', asAt: new Date().toISOString() })
      .expect(202);
    await eventually(async () => {
      const read = await t.http().get(`/api/v1/exports/${asked.body.id}`).set(as('finance'));
      expect(read.body.status).toBe('done');
    });
    const file = await t
      .http()
      .get(`/api/v1/exports/${asked.body.id}/download`)
      .set(as('finance'))
      .expect(200);
    expectSafe(file.text);
    const [header, ...rows] = csvValues(file.text);
    const organisations = new Set(rows.map((row) => row[header.indexOf('Organisation')]));
    expect(organisations).toContain(guardedName);
  });
});
