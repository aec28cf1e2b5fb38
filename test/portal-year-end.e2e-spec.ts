import type { Page } from 'playwright-core';
import { startPortalBrowser, type PortalBrowser } from './support/portal';
import { activeAward, quarterReturn, type ReturnsWorld } from './support/returns';

// After the year end, in a real browser: an award's year of delivery is played through the API
// (four returns approved, £15,000.00 of the £300,000.00 not spent, so approving Q4 closes the
// year and releases it), and the bidder's money pages add up: what was released is shown beside
// what was approved, so that awarded less approved less released is what remains.
describe('the portal’s money pages after the year end', () => {
  let portal: PortalBrowser;
  let setup: ReturnsWorld;

  beforeAll(async () => {
    portal = await startPortalBrowser(async () => {
      setup = await activeAward();
      return setup.world;
    });
    const { world, interventionId } = setup;
    const http = () => world.t.http();
    // Three quarters on the £75,000.00 profile, then £60,000.00 in Q4 (explained).
    const spend = [
      { capital: 6_250_000, revenue: 1_250_000 },
      { capital: 6_250_000, revenue: 1_250_000 },
      { capital: 6_250_000, revenue: 1_250_000 },
      { capital: 5_000_000, revenue: 1_000_000 },
    ];
    for (const [index, { id }] of setup.returns.entries()) {
      const read = await http().get(`/api/v1/returns/${id}`).set(world.pcc.headers).expect(200);
      await http()
        .patch(`/api/v1/returns/${id}`)
        .set(world.pcc.headers)
        .set('if-match', `"${(read.body as { version: number }).version}"`)
        .send(
          quarterReturn(
            interventionId,
            spend[index],
            index === 3
              ? { varianceExplanation: 'Two columns moved to the council programme.' }
              : {},
          ),
        )
        .expect(200);
      await http().post(`/api/v1/returns/${id}/submit`).set(world.pcc.headers).expect(200);
      await http()
        .post(`/api/v1/returns/${id}/approve`)
        .set(world.as('finance'))
        .send({})
        .expect(200);
    }
    const position = await http()
      .get(`/api/v1/awards/${setup.awardId}/position`)
      .set(world.pcc.headers)
      .expect(200);
    expect(position.body.total).toMatchObject({
      awardedPence: 30_000_000,
      approvedPence: 28_500_000,
      releasedPence: 1_500_000,
      remainingPence: 0,
    });
  }, 240_000);

  afterAll(() => portal?.close(), 30_000);

  // A summary list's rows as [key, value] pairs, whitespace tidied.
  const summaryRows = async (page: Page, heading: string) =>
    page
      .locator(`h2:text-is("${heading}") + dl .govuk-summary-list__row`)
      .evaluateAll((rows) =>
        rows.map((row) =>
          [...row.children].map((cell) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim()),
        ),
      );

  it('shows on the award’s page what the year end released, so the figures add up', async () => {
    const { baseUrl, world } = portal;
    const page = await portal.newPage();
    await portal.signIn(page, world.pcc.email, world.pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/awards/${setup.awardId}`);
    await expect(summaryRows(page, 'Spending and returns')).resolves.toEqual([
      ['Approved from returns', '£285,000.00'],
      ['Paid', '£0.00'],
      ['Released at year end (not spent)', '£15,000.00'],
      ['Remaining', '£0.00'],
    ]);
    await portal.check(page, 'award-after-year-end');
    await page.context().close();
  }, 120_000);

  it('has a released column in the award’s position on the return’s page', async () => {
    const { baseUrl, world } = portal;
    const page = await portal.newPage();
    await portal.signIn(page, world.pcc.email, world.pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/returns/${setup.returns[3].id}`);
    const table = page.locator('h2:text-is("The award’s position") + table');
    const cells = (selector: string) =>
      table
        .locator(selector)
        .evaluateAll((rows) =>
          rows.map((row) =>
            [...row.children].map((cell) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim()),
          ),
        );
    await expect(cells('thead tr')).resolves.toEqual([
      [
        'Year and kind',
        'Awarded',
        'Claimed',
        'Approved',
        'Paid',
        'Released at year end',
        'Remaining',
      ],
    ]);
    await expect(cells('tbody tr')).resolves.toEqual([
      [
        '2025/26 Capital',
        '£250,000.00',
        '£237,500.00',
        '£237,500.00',
        '£0.00',
        '£12,500.00',
        '£0.00',
      ],
      ['2025/26 Revenue', '£50,000.00', '£47,500.00', '£47,500.00', '£0.00', '£2,500.00', '£0.00'],
      ['Whole award', '£300,000.00', '£285,000.00', '£285,000.00', '£0.00', '£15,000.00', '£0.00'],
    ]);
    await portal.check(page, 'return-after-year-end');
    await page.context().close();
  }, 120_000);
});
