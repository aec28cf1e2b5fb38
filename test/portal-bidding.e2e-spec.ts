import { openRound, type Bidder } from './support/bids';
import { uniqueSuffix } from './support/factories';
import { startPortalBrowser, type PortalBrowser } from './support/portal';

// A bidder in the portal, in a real browser: finds the round open for bids, starts a bid (once,
// however often the form is sent), changes its first section, and is told, with the current
// answers shown, when someone else changed the bid meanwhile. Another organisation's bidder
// finds nothing at its address.
describe('bidding in the portal', () => {
  let portal: PortalBrowser;
  let bidder: Bidder;
  let round: { id: string; name: string };

  beforeAll(async () => {
    portal = await startPortalBrowser();
    const { world } = portal;
    bidder = world.council;
    const opened = await openRound(world.t, world.as('admin'));
    const read = await world.t
      .http()
      .get(`/api/v1/rounds/${opened.id}`)
      .set(bidder.headers)
      .expect(200);
    round = read.body as { id: string; name: string };
  }, 180_000);

  afterAll(() => portal?.close(), 30_000);

  it('starts a bid from the open round, once however often the form is sent, and changes its summary', async () => {
    const { baseUrl } = portal;
    const page = await portal.newPage();
    await portal.signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.getByRole('link', { name: 'Open rounds' }).click();
    await portal.check(page, 'rounds');
    // Other suites' rounds share the name; the link to this one is found by its address.
    await page.locator(`main a[href="/rounds/${round.id}"]`).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(round.name);
    // This round sets no cap per financial year: the row says so rather than standing empty.
    const yearly = page
      .locator('.govuk-summary-list__row', { hasText: 'Most a bid may ask for each year' })
      .locator('dd');
    await expect(yearly.innerText()).resolves.toBe('No limit for a single year');
    await portal.check(page, 'round');

    // An empty name is refused by the API, said beside the field.
    await page.getByRole('button', { name: 'Start a bid' }).click();
    await page.locator('#title-error').waitFor();
    await portal.check(page, 'round-refused');

    // The form sent twice (a double click without JavaScript): one bid.
    const title = `Safer alleys ${uniqueSuffix()}`;
    await page.getByLabel('Name of your project').fill(title);
    const sent = await portal.sendTwice(page, `/rounds/${round.id}/bids`, ['_csrf', 'startKey'], {
      title,
    });
    expect(sent.map((answer) => answer.status())).toEqual([303, 303]);
    const [first, second] = sent.map((answer) => answer.headers().location);
    expect(second).toBe(first);
    const bids = await portal.world.t
      .http()
      .get(`/api/v1/bids?roundId=${round.id}&limit=100`)
      .set(bidder.headers)
      .expect(200);
    expect((bids.body.items as { title: string }[]).filter((b) => b.title === title)).toHaveLength(
      1,
    );

    await page.goto(`${baseUrl}${first}`);
    await portal.check(page, 'bid');
    // A draft is a task list; its first section is the project's name and summary.
    await page.getByRole('link', { name: 'About your project' }).click();
    await portal.check(page, 'bid-about');
    await page.getByLabel('Summary').fill('Lighting and gates for the alleys behind Shields Road.');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(`${baseUrl}${first}`);
    const saved = await portal.world.t
      .http()
      .get(`/api/v1${first}`)
      .set(bidder.headers)
      .expect(200);
    expect((saved.body as { summary: string }).summary).toContain('behind Shields Road');

    // Another organisation's bidder finds nothing there.
    const other = await portal.newPage();
    await portal.signIn(other, portal.world.otherCouncil.email, portal.world.otherCouncil.password);
    await other.waitForURL(`${baseUrl}/tasks`);
    const refused = await other.goto(`${baseUrl}${first}`);
    expect(refused?.status()).toBe(404);
    await expect(other.locator('main').textContent()).resolves.not.toContain(title);
    await other.context().close();
    await page.context().close();
  }, 120_000);

  it('says when the bid changed since the form was opened, shows the current answers and overwrites nothing', async () => {
    const { baseUrl, world } = portal;
    const created = await world.t
      .http()
      .post('/api/v1/bids')
      .set(bidder.headers)
      .send({ roundId: round.id, title: `Safer parks ${uniqueSuffix()}` })
      .expect(201);
    const id = (created.body as { id: string }).id;
    const page = await portal.newPage();
    await portal.signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/bids/${id}/about`);
    // Meanwhile a colleague saves another summary.
    const read = await world.t.http().get(`/api/v1/bids/${id}`).set(bidder.headers).expect(200);
    await world.t
      .http()
      .patch(`/api/v1/bids/${id}`)
      .set(bidder.headers)
      .set('if-match', read.headers.etag)
      .send({ summary: 'The colleague’s summary.' })
      .expect(200);
    await page.getByLabel('Summary').fill('My summary, typed on an old page.');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Someone else changed this bid',
    );
    await expect(page.getByLabel('Summary').inputValue()).resolves.toBe('The colleague’s summary.');
    await portal.check(page, 'bid-about-stale');
    const after = await world.t.http().get(`/api/v1/bids/${id}`).set(bidder.headers).expect(200);
    expect((after.body as { summary: string }).summary).toBe('The colleague’s summary.');
    await page.context().close();
  }, 90_000);
});
