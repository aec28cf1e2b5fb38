import type { Page } from 'playwright-core';
import { financialYearsBetween } from '../src/rounds/financial-year';
import { openRound, type Bidder } from './support/bids';
import { uniqueSuffix } from './support/factories';
import { startPortalBrowser, type PortalBrowser } from './support/portal';

// A bidder writes a whole draft bid in the portal, section by section from its task list, in a
// real browser: each section's status turns to Completed, the costs page adds up what is asked
// for against the round's cap, a bad amount or LSOA code is refused beside its field with what
// was typed kept and nothing saved, and the API then holds exactly what was typed, in pence.
// Another organisation's bidder finds nothing at the section pages.
describe('writing a bid section by section in the portal', () => {
  let portal: PortalBrowser;
  let bidder: Bidder;
  let bidId: string;
  let years: string[];
  let round: { id: string; deliveryStartsOn: string; deliveryEndsOn: string };

  beforeAll(async () => {
    portal = await startPortalBrowser();
    const { world } = portal;
    bidder = world.council;
    round = await openRound(world.t, world.as('admin'));
    years = financialYearsBetween(round.deliveryStartsOn, round.deliveryEndsOn);
    const created = await world.t
      .http()
      .post('/api/v1/bids')
      .set(bidder.headers)
      .send({ roundId: round.id, title: `Safer lanes ${uniqueSuffix()}` })
      .expect(201);
    bidId = (created.body as { id: string }).id;
  }, 180_000);

  afterAll(() => portal?.close(), 30_000);

  const bidInApi = async () =>
    (await portal.world.t.http().get(`/api/v1/bids/${bidId}`).set(bidder.headers).expect(200))
      .body as Record<string, unknown>;

  const statusOf = (page: Page, name: string) =>
    page
      .locator('.govuk-task-list__item', { has: page.getByRole('link', { name, exact: true }) })
      .locator('.govuk-task-list__status')
      .innerText();

  const save = async (page: Page, button = 'Save and continue') => {
    await page.getByRole('button', { name: button }).click();
    await page.waitForLoadState();
  };

  it('fills every section through its page, refusing bad amounts and codes, and the API holds what was typed', async () => {
    const { baseUrl } = portal;
    const taskList = `${baseUrl}/bids/${bidId}`;
    const page = await portal.newPage();
    await portal.signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(taskList);
    await expect(statusOf(page, 'About your project')).resolves.toBe('In progress');
    await expect(statusOf(page, 'Costs')).resolves.toBe('Not yet started');
    await expect(page.getByRole('link', { name: 'Documents' }).getAttribute('href')).resolves.toBe(
      `/bids/${bidId}/documents`,
    );
    await expect(
      page.getByRole('link', { name: 'Check and submit' }).getAttribute('href'),
    ).resolves.toBe(`/bids/${bidId}/check`);
    await portal.check(page, 'bid-task-list');

    await page.getByRole('link', { name: 'About your project' }).click();
    await page.getByLabel('Summary').fill('Gates and lights for the back lanes of Heaton.');
    await save(page);
    await page.waitForURL(taskList);

    // The area: a code that is not an LSOA is refused at the field, what was typed kept.
    await page.getByRole('link', { name: 'The area' }).click();
    await portal.check(page, 'bid-area');
    const lsoas = page.getByLabel('Target areas (LSOA codes)');
    await lsoas.fill('E01008324\nX0100');
    await save(page);
    await expect(page.locator('#lsoas-error').innerText()).resolves.toContain('LSOA code');
    await expect(page.locator('.govuk-error-summary a[href="#lsoas"]').count()).resolves.toBe(1);
    await expect(lsoas.inputValue()).resolves.toBe('E01008324\nX0100');
    await portal.check(page, 'bid-area-refused');
    await lsoas.fill('e01008324, E01008325\nE01008326');
    await save(page);
    await page.waitForURL(taskList);
    await expect(statusOf(page, 'The area')).resolves.toBe('Completed');

    await page.getByRole('link', { name: 'The crime problem' }).click();
    await portal.check(page, 'bid-crime');
    await page.getByLabel('Problem profile').fill('Burglary from the back lanes, after dark.');
    await page.getByLabel('Main crime type').fill('burglary');
    await page.getByLabel('Theory of change').fill('No way in from the lanes, fewer burglaries.');
    await save(page);
    await page.waitForURL(taskList);
    await expect(statusOf(page, 'The crime problem')).resolves.toBe('Completed');

    await page.getByRole('link', { name: 'Interventions' }).click();
    await portal.check(page, 'bid-interventions');
    await page.getByLabel('Category of intervention 1').fill('Situational');
    await page.getByLabel('Type of intervention 1').fill('Street lighting');
    await page.getByLabel('What intervention 1 is').fill('Twenty LED columns in the lanes');
    await page.getByLabel('Cost of intervention 1').fill('120,000');
    await page.getByLabel('Output target of intervention 1 (optional)').fill('20');
    await save(page);
    await page.waitForURL(taskList);

    // Costs: a bad amount is refused beside its field, the others kept, nothing saved.
    await page.getByRole('link', { name: 'Costs' }).click();
    await expect(page.locator('main').innerText()).resolves.toContain('£432,000.00');
    await portal.check(page, 'bid-costs');
    await page.getByLabel(`Capital costs in ${years[0]}`).fill('250,000');
    await page.getByLabel(`Revenue costs in ${years[0]}`).fill('12.345');
    await page.getByLabel(`Revenue costs in ${years[1]}`).fill('abc');
    await save(page);
    await expect(page.locator('.govuk-error-summary').innerText()).resolves.toContain(
      `Revenue costs in ${years[0]}: enter an amount in pounds`,
    );
    await expect(
      page.locator(`#cost-${years[1].replace('/', '-')}-revenue-error`).count(),
    ).resolves.toBe(1);
    await expect(page.getByLabel(`Revenue costs in ${years[0]}`).inputValue()).resolves.toBe(
      '12.345',
    );
    await expect(page.getByLabel(`Capital costs in ${years[0]}`).inputValue()).resolves.toBe(
      '250,000',
    );
    await portal.check(page, 'bid-costs-refused');
    expect((await bidInApi()).costLines).toEqual([]);
    await page.getByLabel(`Revenue costs in ${years[0]}`).fill('-5');
    await page.getByLabel(`Revenue costs in ${years[1]}`).fill('');
    await save(page);
    await expect(page.locator('.govuk-error-summary').innerText()).resolves.toContain(
      'enter an amount in pounds',
    );
    expect((await bidInApi()).costLines).toEqual([]);

    // Saved and shown again: the totals without JavaScript's help are the saved costs'.
    await page.getByLabel(`Revenue costs in ${years[0]}`).fill('30000.50');
    await page.getByLabel(`Capital costs in ${years[1]}`).fill('1,000');
    await save(page, 'Save and update totals');
    await page.waitForURL(`${taskList}/costs`);
    const cap = await page.locator('#cost-cap').innerText();
    expect(cap).toContain('You are asking for £281,000.50');
    expect(cap).toContain('£150,999.50 below the cap');
    await expect(page.locator('[data-total="capital"]').innerText()).resolves.toBe('£251,000.00');
    await expect(page.locator('[data-total="revenue"]').innerText()).resolves.toBe('£30,000.50');
    // Typing updates them at once (the page's script).
    await page.getByLabel(`Revenue costs in ${years[1]}`).fill('200,000');
    await expect(page.locator('#cost-cap').innerText()).resolves.toContain(
      '£49,000.50 over the cap',
    );
    await page.getByLabel(`Revenue costs in ${years[1]}`).fill('');
    await save(page);
    await page.waitForURL(taskList);

    // Match funding, first on a page opened before a colleague saved theirs: refused (412), the
    // colleague's shown, nothing overwritten; then the bidder's own, on the fresh page.
    await page.getByRole('link', { name: 'Match funding' }).click();
    await portal.check(page, 'bid-match-funding');
    const read = await portal.world.t
      .http()
      .get(`/api/v1/bids/${bidId}`)
      .set(bidder.headers)
      .expect(200);
    await portal.world.t
      .http()
      .patch(`/api/v1/bids/${bidId}`)
      .set(bidder.headers)
      .set('if-match', read.headers.etag)
      .send({ matchFunding: [{ source: 'Colleague’s source', kind: 'cash', amountPence: 100 }] })
      .expect(200);
    await page.getByLabel('Who provides source 1').fill('My source, on an old page');
    await page.getByLabel('Amount of source 1').fill('5');
    await save(page);
    await expect(page.locator('.govuk-error-summary').innerText()).resolves.toContain(
      'Someone else changed this bid',
    );
    await expect(page.getByLabel('Who provides source 1').inputValue()).resolves.toBe(
      'Colleague’s source',
    );
    expect((await bidInApi()).matchFunding).toEqual([
      { source: 'Colleague’s source', kind: 'cash', amountPence: 100 },
    ]);
    await page.getByLabel('Who provides source 1').fill('Council capital programme');
    await page.getByLabel('Kind of source 1').selectOption('in_kind');
    await page.getByLabel('Amount of source 1').fill('60,000.25');
    await save(page);
    await page.waitForURL(taskList);

    await page.getByRole('link', { name: 'Partners and consultation' }).click();
    await portal.check(page, 'bid-partners');
    await page.getByLabel('Name of partner 1').fill('Northumbria Police');
    await page.getByLabel('What partner 1 will do').fill('Designing Out Crime Officer survey');
    await page
      .getByLabel('Consultation', { exact: true })
      .fill('Door-to-door survey of 300 households.');
    await save(page);
    await page.waitForURL(taskList);

    // The delivery plan: a date that does not exist is refused beside it, what was typed kept.
    await page.getByRole('link', { name: 'Delivery plan' }).click();
    await portal.check(page, 'bid-delivery');
    const due = page.getByRole('group', { name: 'When milestone 1 is due' });
    await page.getByLabel('Milestone 1', { exact: true }).fill('Columns installed');
    await due.getByLabel('Day').fill('31');
    await due.getByLabel('Month').fill('2');
    await due.getByLabel('Year').fill(round.deliveryStartsOn.slice(0, 4));
    await page.getByLabel('What risk 1 is').fill('Supplier delays');
    await page.getByLabel('How risk 1 is reduced').fill('Framework supplier, early order');
    await page.getByLabel('How you will evaluate the project').fill('Burglary before and after.');
    await save(page);
    await expect(page.locator('#milestone-0-day-error').innerText()).resolves.toContain(
      'as a real date',
    );
    await expect(page.getByLabel('What risk 1 is').inputValue()).resolves.toBe('Supplier delays');
    const [year, month, day] = round.deliveryStartsOn.split('-');
    await due.getByLabel('Day').fill(day);
    await due.getByLabel('Month').fill(month);
    await due.getByLabel('Year').fill(year);
    await save(page);
    await page.waitForURL(taskList);

    for (const section of [
      'Partners and consultation',
      'Delivery plan',
      'About your project',
      'The area',
      'The crime problem',
      'Interventions',
      'Costs',
      'Match funding',
    ]) {
      await expect(statusOf(page, section)).resolves.toBe('Completed');
    }
    const bid = await bidInApi();
    expect(bid).toMatchObject({
      summary: 'Gates and lights for the back lanes of Heaton.',
      targetLsoas: ['E01008324', 'E01008325', 'E01008326'],
      problemProfile: 'Burglary from the back lanes, after dark.',
      primaryCrimeType: 'burglary',
      secondaryCrimeTypes: [],
      theoryOfChange: 'No way in from the lanes, fewer burglaries.',
      interventions: [
        expect.objectContaining({
          category: 'Situational',
          type: 'Street lighting',
          description: 'Twenty LED columns in the lanes',
          evidence: '',
          costPence: 12_000_000,
          outputMeasure: null,
          outputTarget: 20,
        }),
      ],
      matchFunding: [
        { source: 'Council capital programme', kind: 'in_kind', amountPence: 6_000_025 },
      ],
      partners: [{ name: 'Northumbria Police', role: 'Designing Out Crime Officer survey' }],
      consultation: 'Door-to-door survey of 300 households.',
      milestones: [{ title: 'Columns installed', dueOn: round.deliveryStartsOn }],
      risks: [{ description: 'Supplier delays', mitigation: 'Framework supplier, early order' }],
      evaluationApproach: 'Burglary before and after.',
      requestedPence: 28_100_050,
      matchFundingPence: 6_000_025,
    });
    expect(bid.costLines).toEqual(
      expect.arrayContaining([
        { financialYear: years[0], kind: 'capital', amountPence: 25_000_000 },
        { financialYear: years[0], kind: 'revenue', amountPence: 3_000_050 },
        { financialYear: years[1], kind: 'capital', amountPence: 100_000 },
      ]),
    );
    expect(bid.costLines).toHaveLength(3);

    // Another organisation's bidder finds nothing at the section pages.
    const other = await portal.newPage();
    await portal.signIn(other, portal.world.otherCouncil.email, portal.world.otherCouncil.password);
    await other.waitForURL(`${baseUrl}/tasks`);
    const refused = await other.goto(`${taskList}/costs`);
    expect(refused?.status()).toBe(404);
    await other.context().close();
    await page.context().close();
  }, 150_000);
  it('saves nothing from a section form whose hidden version was tampered with or removed, and says so', async () => {
    const { baseUrl, world } = portal;
    const page = await portal.newPage();
    await portal.signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    // The hidden field as the page holds it (the tests compile without the DOM's types).
    type Hidden = { value: string; remove(): void };
    const tampers: [string, (input: Hidden) => void][] = [
      ['abc', (input) => (input.value = 'abc')],
      ['-1', (input) => (input.value = '-1')],
      ['1.5', (input) => (input.value = '1.5')],
      ['removed', (input) => input.remove()],
    ];
    for (const [what, tamper] of tampers) {
      await page.goto(`${baseUrl}/bids/${bidId}/crime`);
      // Meanwhile a colleague saves another crime problem.
      const read = await world.t
        .http()
        .get(`/api/v1/bids/${bidId}`)
        .set(bidder.headers)
        .expect(200);
      const colleague = `The colleague’s profile (${what}).`;
      await world.t
        .http()
        .patch(`/api/v1/bids/${bidId}`)
        .set(bidder.headers)
        .set('if-match', read.headers.etag)
        .send({ problemProfile: colleague })
        .expect(200);
      await page.locator('input[name="version"]').evaluate(tamper);
      await page.getByLabel('Problem profile').fill(`Typed on a tampered page (${what}).`);
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.request().method() === 'POST'),
        save(page),
      ]);
      expect([what, answer.status()]).toEqual([what, 409]);
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
        'Someone else changed this bid',
      );
      expect((await bidInApi()).problemProfile).toBe(colleague);
    }
    await page.context().close();
  }, 90_000);
});
