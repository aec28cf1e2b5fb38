import { readFile } from 'node:fs/promises';
import type { BidDto } from '../src/bids/bid-response.dto';
import { DEMO_PASSWORD } from './support/app';
import { moderatedRound, partAward, recordDueDiligence } from './support/awards';
import { organisationIds } from './support/bids';
import { startPortalBrowser, type PortalBrowser } from './support/portal';
import { clearForPublication, decideOffers, offersWorld, type OffersWorld } from './support/offers';

// A bidder after the outcomes are published, in a real browser: reads why a bid was not funded
// and the panel's feedback, finds its awards, reads one (amounts, conditions, deadline in UK
// time), downloads the offer letter and accepts it once (a double-sent form included), declines
// another with a reason; refusals are shown, changing nothing, and another organisation's bidder
// finds none of it.
describe('bidders after the award, in the portal', () => {
  let portal: PortalBrowser;
  let offers: OffersWorld;
  let P1: BidDto, P2: BidDto, P3: BidDto;
  const awardIds: Record<string, string> = {};
  let p1Decision: string;
  const api = () => portal.world.t.http();

  beforeAll(async () => {
    portal = await startPortalBrowser(async () => {
      offers = await offersWorld();
      return offers.world;
    });
    ({ P1, P2, P3 } = offers.bids);
    p1Decision = (await decideOffers(offers)).id;
  }, 180_000);

  afterAll(() => portal?.close(), 30_000);

  const award = async (bid: BidDto) =>
    (
      await api()
        .get(`/api/v1/awards/${awardIds[bid.reference]}`)
        .set(portal.world.pcc.headers)
        .expect(200)
    ).body as {
      status: string;
      version: number;
      offerExpiresUkTime: string;
      closeReason: string | null;
    };

  // P1 is above the round's approval threshold: a second approver confirms it from their tasks
  // before the outcomes can be published (which the later tests read).
  it('has an approver other than the first confirm an award above the threshold', async () => {
    const { baseUrl, world } = portal;
    const { email, password } = offers.secondApproverAccount;
    const page = await portal.newPage();
    await portal.signInStaff(page, email, password);
    await page.locator(`main a[href="/decisions/${p1Decision}"]`).click();
    await expect(page.locator('main').textContent()).resolves.toContain('£300,000.00');
    // No answer, then "No" without a reason (the API's refusal): each said at its field.
    await page.getByRole('button', { name: 'Send your decision' }).click();
    await page.locator('#confirm-error').waitFor();
    await page.getByLabel('No', { exact: true }).check();
    await page.getByRole('button', { name: 'Send your decision' }).click();
    await page.locator('#reason-error').waitFor();
    // In the portal's words, not the API's field rule.
    await expect(page.locator('#reason-error').textContent()).resolves.toContain(
      'Enter the reason you are not approving it',
    );
    await expect(page.getByLabel('No', { exact: true }).isChecked()).resolves.toBe(true);
    await portal.check(page, 'decision-refused');
    const waiting = await api()
      .get(`/api/v1/decisions/${p1Decision}`)
      .set(world.as('approver'))
      .expect(200);
    expect(waiting.body).toMatchObject({ status: 'pending_second_approval' });
    await page.getByLabel('Yes, offer it').check();
    await page.getByRole('button', { name: 'Send your decision' }).click();
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toBe(
      'Award confirmed',
    );
    await portal.check(page, 'decision-approved');
    const confirmed = await api()
      .get(`/api/v1/decisions/${p1Decision}`)
      .set(world.as('approver'))
      .expect(200);
    expect(confirmed.body).toMatchObject({ status: 'offered', secondReason: null });
    // The first approver reads it, with no form: the decision is made.
    const first = await portal.newPage();
    await portal.signInStaff(first, 'approver@demo.test', DEMO_PASSWORD);
    await first.goto(`${baseUrl}/decisions/${p1Decision}`);
    await expect(first.locator('form[action$="/second-approval"]').count()).resolves.toBe(0);
    await portal.check(first, 'decision');
    await first.context().close();
    await page.context().close();

    await clearForPublication(offers, undefined);
    await api()
      .post(`/api/v1/rounds/${offers.played.round.id}/publish-outcomes`)
      .set(world.as('admin'))
      .expect(200);
    for (const bid of [P1, P3]) {
      const outcome = await api()
        .get(`/api/v1/bids/${bid.id}/outcome`)
        .set(world.pcc.headers)
        .expect(200);
      awardIds[bid.reference] = outcome.body.awardId as string;
    }
  }, 120_000);

  it('shows a bidder the outcome and feedback, its awards, the offer and its letter', async () => {
    const { baseUrl, world } = portal;
    const page = await portal.newPage();
    await portal.signIn(page, world.pcc.email, world.pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);

    // The rejected bid links to its outcome: the reason and the panel's feedback.
    await page.goto(`${baseUrl}/bids/${P2.id}`);
    await page.getByRole('link', { name: 'Read the outcome and feedback' }).click();
    const rejected = (await page.locator('main').textContent()) ?? '';
    expect(rejected).toContain('Below the funding line once the budget was allocated.');
    expect(rejected).toContain('the evaluation plan lacked a baseline');
    await portal.check(page, 'bid-outcome');

    // The awards list, from the navigation.
    await page.getByRole('link', { name: 'Your awards' }).click();
    const listed = (await page.locator('main').textContent()) ?? '';
    expect(listed).toContain(P1.reference);
    expect(listed).toContain(P3.reference);
    expect(listed).not.toContain(P2.reference);
    expect(listed).not.toContain(offers.bids.C1.reference);
    await portal.check(page, 'awards');

    // P3's award: £150,000 capital and £50,000 revenue, its condition, its deadline.
    await expect(
      page.getByRole('link', { name: new RegExp(`^${P3.reference}`) }).getAttribute('href'),
    ).resolves.toBe(`/awards/${awardIds[P3.reference]}`);

    // The awarded bid's page links to its outcome, the award as decided, which links to the
    // award's page.
    await page.goto(`${baseUrl}/bids/${P3.id}`);
    await page.getByRole('link', { name: 'Read the outcome and your grant offer' }).click();
    const decided = (await page.locator('main').textContent()) ?? '';
    expect(decided).toContain('Your bid was awarded a grant');
    expect(decided).toContain('£200,000.00');
    expect(decided).toContain('Street lighting works are signed off by the highway authority');
    await portal.check(page, 'bid-outcome-awarded');
    await page.getByRole('link', { name: 'Read the award and your grant offer' }).click();
    expect(page.url()).toBe(`${baseUrl}/awards/${awardIds[P3.reference]}`);
    const shown = (await page.locator('main').textContent()) ?? '';
    expect(shown).toContain('£150,000.00');
    expect(shown).toContain('£50,000.00');
    expect(shown).toContain('£200,000.00');
    expect(shown).toContain('Street lighting works are signed off by the highway authority');
    expect(shown).toContain((await award(P3)).offerExpiresUkTime);
    expect(shown).not.toContain('(UK time)');
    expect(shown).toContain('Offered: waiting to be accepted');
    await portal.check(page, 'award-offered');

    // The offer letter: the API's own bytes, streamed through.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: `Download the offer letter for ${P3.reference}` }).click(),
    ]);
    const letter = await readFile(await download.path());
    const fromApi = await api()
      .get(`/api/v1/awards/${awardIds[P3.reference]}/offer-letter`)
      .set(world.pcc.headers)
      .expect(200);
    expect(letter.toString('utf8')).toBe(fromApi.text);
    expect(letter.toString('utf8')).toContain(P3.reference);
    expect(download.suggestedFilename()).toMatch(/\.html$/);
    await page.context().close();
  }, 120_000);

  it('accepts an offer once, a double-sent form included, after a missing declaration', async () => {
    const { baseUrl, world } = portal;
    const id = awardIds[P3.reference];
    const page = await portal.newPage();
    await portal.signIn(page, world.pcc.email, world.pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/awards/${id}`);
    await page.getByRole('button', { name: 'Accept the offer' }).click();
    expect(page.url()).toBe(`${baseUrl}/awards/${id}/accept`);

    // Nothing filled in: every missing answer is said at once, each linked from the summary,
    // not the declaration first and the name and position only on the next try.
    await page.getByRole('button', { name: 'Accept the offer' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expect(
      page
        .locator('.govuk-error-summary a')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href'))),
    ).resolves.toEqual(['#signatoryName', '#signatoryPosition', '#declaration']);
    await expect(page.locator('#signatoryName-error').textContent()).resolves.toContain(
      'Enter the full name of the person accepting',
    );
    await expect(page.locator('#signatoryPosition-error').textContent()).resolves.toContain(
      'Enter their position in your organisation',
    );
    expect((await award(P3)).status).toBe('offered');

    // No declaration ticked: said at the checkbox, what was typed kept, nothing accepted.
    await page.getByLabel('Full name of the person accepting').fill('Alex Morgan');
    await page.getByLabel('Their position in your organisation').fill('Chief Finance Officer');
    await page.getByRole('button', { name: 'Accept the offer' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Confirm that you have read the offer letter',
    );
    await expect(page.locator('#declaration-error').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Full name of the person accepting').inputValue()).resolves.toBe(
      'Alex Morgan',
    );
    await portal.check(page, 'award-accept-refused');
    expect((await award(P3)).status).toBe('offered');

    // Sent twice at once (a double click without JavaScript): both end at the confirmation.
    await page.getByLabel(/I have read the offer letter/).check();
    // The form's token and version, sent again below as a form made before the acceptance.
    const form = page.locator(`form[action="/awards/${id}/accept"]`);
    const fields = {
      _csrf: await form.locator('[name="_csrf"]').inputValue(),
      version: await form.locator('[name="version"]').inputValue(),
    };
    const sent = await portal.sendTwice(
      page,
      `/awards/${id}/accept`,
      ['_csrf', 'version', 'signatoryName', 'signatoryPosition'],
      { declaration: 'yes' },
    );
    expect(sent.map((answer) => [answer.status(), answer.headers().location])).toEqual([
      [303, `/awards/${id}/accepted`],
      [303, `/awards/${id}/accepted`],
    ]);
    await page.goto(`${baseUrl}/awards/${id}/accepted`);
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toContain(
      'Offer accepted',
    );
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Alex Morgan, Chief Finance Officer',
    );
    await portal.check(page, 'award-accepted');
    expect((await award(P3)).status).toBe('active');
    const audit = await api()
      .get(`/api/v1/audit-events?objectType=award_decision&objectId=${id}&limit=100`)
      .set(world.as('admin'))
      .expect(200);
    expect(
      (audit.body.items as { command: string }[]).filter((e) => e.command === 'award.accept'),
    ).toHaveLength(1);

    // Declining what is accepted is refused as a GOV.UK error, and changes nothing; a decline
    // form made from the offer before it was accepted, or with no version it was made from,
    // says the award changed, and shows it now.
    const refused = await page.request.post(`${baseUrl}/awards/${id}/decline`, {
      form: {
        _csrf: fields._csrf,
        version: String((await award(P3)).version),
        reason: 'Changed our minds',
      },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(409);
    const refusal = await refused.text();
    expect(refusal).toContain('There is a problem');
    for (const version of [{ version: fields.version }, {} as Record<string, string>]) {
      const stale = await page.request.post(`${baseUrl}/awards/${id}/decline`, {
        form: { _csrf: fields._csrf, ...version, reason: 'Changed our minds' },
        maxRedirects: 0,
      });
      expect(stale.status()).toBe(412);
      const staleText = await stale.text();
      expect(staleText).toContain('Someone changed this award after you opened this page');
      expect(staleText).toContain('Offer accepted');
    }
    expect((await award(P3)).status).toBe('active');

    // The accepted award's page: who signed, its returns, no buttons left.
    await page.goto(`${baseUrl}/awards/${id}`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Offer accepted');
    expect(main).toContain('Quarterly returns');
    await expect(page.getByRole('button', { name: 'Accept the offer' }).count()).resolves.toBe(0);
    await portal.check(page, 'award-active');
    await page.context().close();
  }, 120_000);

  it('declines an offer with a reason, after an empty one is refused', async () => {
    const { baseUrl, world } = portal;
    const id = awardIds[P1.reference];
    const page = await portal.newPage();
    await portal.signIn(page, world.pcc.email, world.pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/awards/${id}`);
    await page.getByRole('button', { name: 'Decline the offer' }).click();
    await page.getByRole('button', { name: 'Decline the offer' }).click();
    await expect(page.locator('#reason-error').isVisible()).resolves.toBe(true);
    await portal.check(page, 'award-decline-refused');
    expect((await award(P1)).status).toBe('offered');

    const reason = 'The council could not secure the match funding.';
    await page.getByLabel('Why is your organisation declining the offer?').fill(reason);
    await page.getByRole('button', { name: 'Decline the offer' }).click();
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toContain(
      'Offer declined',
    );
    await portal.check(page, 'award-declined');
    expect(await award(P1)).toMatchObject({ status: 'declined', closeReason: reason });
    await page.context().close();
  }, 90_000);

  it('shows finance the awards read only, with no way to answer an offer', async () => {
    const { baseUrl } = portal;
    const page = await portal.newPage();
    await portal.signInStaff(page, 'finance@demo.test', DEMO_PASSWORD);
    await page.goto(`${baseUrl}/awards`);
    await expect(page.locator('main').textContent()).resolves.toContain(offers.bids.C1.reference);
    await page.goto(`${baseUrl}/awards/${awardIds[P3.reference]}`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Alex Morgan, Chief Finance Officer');
    await expect(page.getByRole('button', { name: 'Accept the offer' }).count()).resolves.toBe(0);
    await portal.check(page, 'award-staff');
    // An open offer's confirm page sends staff back to the award.
    const open = (
      await api()
        .get(`/api/v1/bids/${offers.bids.C1.id}/outcome`)
        .set(offers.cleveland.headers)
        .expect(200)
    ).body.awardId as string;
    await page.goto(`${baseUrl}/awards/${open}/accept`);
    expect(page.url()).toBe(`${baseUrl}/awards/${open}`);
    await expect(page.getByRole('button', { name: 'Accept the offer' }).count()).resolves.toBe(0);
    await page.context().close();
  }, 90_000);

  it('shows another organisation’s bidder the not-found page for the award', async () => {
    const { baseUrl } = portal;
    const id = awardIds[P3.reference];
    const page = await portal.newPage();
    await portal.signIn(page, offers.cleveland.email, offers.cleveland.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    for (const path of ['', '/offer-letter', '/accept', '/decline']) {
      const refused = await page.goto(`${baseUrl}/awards/${id}${path}`);
      expect([path, refused?.status()]).toEqual([path, 404]);
    }
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Page not found',
    );
    await portal.check(page, 'award-not-found');
    await page.goto(`${baseUrl}/awards`);
    await expect(page.locator('main').textContent()).resolves.not.toContain(P3.reference);
    await page.context().close();
  }, 60_000);

  // A bid's outcome is its bidder's (the API answers anyone else 404): the area's PCC reads its
  // council's bids once decided, but is offered no outcome and finds none there.
  it('offers a council’s outcome to the council, not to its area’s PCC reading the bid', async () => {
    const { baseUrl, world } = portal;
    const { t, as, council, pcc } = world;
    const orgs = await organisationIds(t, as('admin'));
    await recordDueDiligence(world, orgs['Newcastle upon Tyne City Council'], 'green');
    const played = await moderatedRound(world, [council], 2, {
      approvalThresholdPence: 50_000_000,
    });
    const [awarded, unsuccessful] = played.bids;
    const decide = (bid: BidDto, body: object) =>
      api().post(`/api/v1/bids/${bid.id}/decision`).set(as('approver')).send(body).expect(201);
    await decide(awarded, partAward(awarded));
    await decide(unsuccessful, {
      outcome: 'reject',
      reason: 'Below the funding line once the budget was allocated.',
      feedback: 'The consultation was thin for the streets chosen.',
    });
    await api()
      .post(`/api/v1/rounds/${played.round.id}/publish-outcomes`)
      .set(as('admin'))
      .expect(200);
    const links = [
      [awarded, 'Read the outcome and your grant offer'],
      [unsuccessful, 'Read the outcome and feedback'],
    ] as const;

    const reader = await portal.newPage();
    await portal.signIn(reader, pcc.email, pcc.password);
    await reader.waitForURL(`${baseUrl}/tasks`);
    for (const [bid, link] of links) {
      expect((await reader.goto(`${baseUrl}/bids/${bid.id}`))?.status()).toBe(200);
      await expect(reader.locator('main').textContent()).resolves.toContain(bid.title);
      await expect(reader.getByRole('link', { name: link }).count()).resolves.toBe(0);
      expect((await reader.goto(`${baseUrl}/bids/${bid.id}/outcome`))?.status()).toBe(404);
      await expect(reader.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Page not found',
      );
    }
    await reader.context().close();

    const bidder = await portal.newPage();
    await portal.signIn(bidder, council.email, council.password);
    await bidder.waitForURL(`${baseUrl}/tasks`);
    for (const [bid, link] of links) {
      await bidder.goto(`${baseUrl}/bids/${bid.id}`);
      await bidder.getByRole('link', { name: link }).click();
      expect(bidder.url()).toBe(`${baseUrl}/bids/${bid.id}/outcome`);
    }
    await expect(bidder.locator('main').textContent()).resolves.toContain(
      'The consultation was thin for the streets chosen.',
    );
    await bidder.context().close();
  }, 90_000);
});
