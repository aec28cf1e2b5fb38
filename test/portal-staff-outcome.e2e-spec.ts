import type { BidDto } from '../src/bids/bid-response.dto';
import { ROLES } from '../src/common/access';
import { outcomeReader } from '../src/portal/bids.pages';
import type { PortalUser } from '../src/portal/portal-sessions';
import { DEMO_PASSWORD } from './support/app';
import { moderatedRound, partAward, recordDueDiligence } from './support/awards';
import { NORTHUMBRIA_PCC, organisationIds } from './support/bids';
import { startPortalBrowser, type PortalBrowser } from './support/portal';

const REASON = 'Below the funding line once the budget was allocated.';
const FEEDBACK = 'The consultation was thin for the streets chosen.';
const CONDITION = 'Street lighting works are signed off by the highway authority before payment';

// Home Office staff read a bid's published outcome (the API lets every staff role but assessors
// read it): the bid's page offers it to them, and the outcome page speaks of the bid, not to
// its bidder. The area's PCC reading its council's bid is still offered none (the API answers
// any other organisation 404). One round: a council's two bids, one awarded, one not.
describe('a bid’s outcome read by staff, in the portal', () => {
  let portal: PortalBrowser;
  let awarded: BidDto, unsuccessful: BidDto;
  const api = () => portal.world.t.http();

  beforeAll(async () => {
    portal = await startPortalBrowser();
    const { world } = portal;
    const { t, as, council } = world;
    const orgs = await organisationIds(t, as('admin'));
    await recordDueDiligence(world, orgs['Newcastle upon Tyne City Council'], 'green');
    const played = await moderatedRound(world, [council], 2, {
      approvalThresholdPence: 50_000_000,
    });
    [awarded, unsuccessful] = played.bids;
    const decide = (bid: BidDto, body: object) =>
      api().post(`/api/v1/bids/${bid.id}/decision`).set(as('approver')).send(body).expect(201);
    await decide(awarded, partAward(awarded));
    await decide(unsuccessful, { outcome: 'reject', reason: REASON, feedback: FEEDBACK });
    await api()
      .post(`/api/v1/rounds/${played.round.id}/publish-outcomes`)
      .set(as('admin'))
      .expect(200);
  }, 180_000);

  afterAll(() => portal?.close(), 30_000);

  it('offers staff the outcome of an awarded and an unsuccessful bid, worded for staff', async () => {
    const { baseUrl, world } = portal;
    const outcome = await api()
      .get(`/api/v1/bids/${awarded.id}/outcome`)
      .set(world.as('admin'))
      .expect(200);
    const awardId = (outcome.body as { awardId: string }).awardId;
    const page = await portal.newPage();
    await portal.signInStaff(page, 'approver@demo.test', DEMO_PASSWORD);

    // The awarded bid: what was decided, and the award's page as it stands.
    await page.goto(`${baseUrl}/bids/${awarded.id}`);
    const toAwarded = page.getByRole('link', { name: 'Read the outcome', exact: true });
    await expect(toAwarded.count()).resolves.toBe(1);
    await toAwarded.click();
    expect(page.url()).toBe(`${baseUrl}/bids/${awarded.id}/outcome`);
    await expect(page.title()).resolves.toMatch(
      new RegExp(`^${awarded.reference}: the outcome of the bid - `),
    );
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'This bid was awarded a grant',
    );
    const decided = (await page.locator('main').textContent()) ?? '';
    expect(decided).toContain(
      `The bid “${awarded.title}”, asking for £300,000.00, was awarded £200,000.00.`,
    );
    expect(decided).toContain('£150,000.00');
    expect(decided).toContain('£50,000.00');
    expect(decided).toContain(CONDITION);
    expect(decided).not.toMatch(/\byour?\b/i);
    await portal.check(page, 'bid-outcome-staff-awarded');
    await page.getByRole('link', { name: 'Read the award', exact: true }).click();
    expect(page.url()).toBe(`${baseUrl}/awards/${awardId}`);
    await expect(page.locator('main').textContent()).resolves.toContain('£200,000.00');

    // The unsuccessful bid: the reason and the feedback the bidder was given, and back.
    await page.goto(`${baseUrl}/bids/${unsuccessful.id}`);
    await page
      .getByRole('link', { name: 'Read the outcome and feedback given', exact: true })
      .click();
    expect(page.url()).toBe(`${baseUrl}/bids/${unsuccessful.id}/outcome`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'This bid was not funded',
    );
    const refused = (await page.locator('main').textContent()) ?? '';
    expect(refused).toContain(
      `The bid “${unsuccessful.title}”, asking for £300,000.00, was not awarded a grant.`,
    );
    expect(refused).toContain(REASON);
    expect(refused).toContain(FEEDBACK);
    expect(refused).not.toMatch(/\byour?\b/i);
    await portal.check(page, 'bid-outcome-staff-unsuccessful');
    await page.getByRole('link', { name: 'Back to the bid', exact: true }).click();
    expect(page.url()).toBe(`${baseUrl}/bids/${unsuccessful.id}`);
    await page.context().close();
  }, 90_000);

  it('still offers the area’s PCC reading its council’s bid no outcome', async () => {
    const { baseUrl, world } = portal;
    const page = await portal.newPage();
    await portal.signIn(page, world.pcc.email, world.pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    for (const bid of [awarded, unsuccessful]) {
      expect((await page.goto(`${baseUrl}/bids/${bid.id}`))?.status()).toBe(200);
      await expect(page.locator('main').textContent()).resolves.toContain(bid.title);
      // Not exact: no link whose name starts so, in the bidder's words or staff's.
      await expect(page.getByRole('link', { name: 'Read the outcome' }).count()).resolves.toBe(0);
    }
    await page.context().close();
  }, 60_000);

  // The portal's rule (outcomeReader) and the API's answer agree for every staff role and for
  // the bidder, its area's PCC and a council elsewhere.
  it('offers the outcome link to exactly those the API gives the outcome to', async () => {
    const { world } = portal;
    const { t, as } = world;
    const orgs = await organisationIds(t, as('admin'));
    const applicant = (organisation: string, organisationType: string): PortalUser => ({
      name: organisation,
      email: 'bidder@applicant.example',
      role: 'applicant',
      organisationType,
      organisationId: orgs[organisation],
    });
    const readers: [string, { authorization: string }, PortalUser][] = [
      ...ROLES.filter((role) => role !== 'applicant').map(
        (role): [string, { authorization: string }, PortalUser] => [
          role,
          as(role),
          { name: role, email: `${role}@demo.test`, role },
        ],
      ),
      [
        'the council',
        world.council.headers,
        applicant('Newcastle upon Tyne City Council', 'local_authority'),
      ],
      ['its area’s PCC', world.pcc.headers, applicant(NORTHUMBRIA_PCC, 'pcc')],
      [
        'a council elsewhere',
        world.otherCouncil.headers,
        applicant('Middlesbrough Council', 'local_authority'),
      ],
    ];
    const answers = await Promise.all(
      readers.map(([, headers]) => api().get(`/api/v1/bids/${awarded.id}/outcome`).set(headers)),
    );
    const agreed = readers.map(([who, , user], index) => [
      who,
      answers[index].status,
      outcomeReader(user, awarded) ?? 'no link',
    ]);
    expect(agreed).toEqual([
      ['assessor', 403, 'no link'],
      ['moderator', 200, 'staff'],
      ['approver', 200, 'staff'],
      ['finance', 200, 'staff'],
      ['admin', 200, 'staff'],
      ['the council', 200, 'bidder'],
      ['its area’s PCC', 404, 'no link'],
      ['a council elsewhere', 404, 'no link'],
    ]);
  });
});
