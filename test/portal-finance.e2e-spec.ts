import { readFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { quarterReturn, type ReturnsWorld, activeAward } from './support/returns';
import { startPortalBrowser, type PortalBrowser } from './support/portal';
import { DEMO_PASSWORD } from './support/app';
import { formatUkDate, londonDateOf } from '../src/common/london-time';

// Finance in the portal, in a real browser: finds a submitted return from its tasks, approves
// part of the claim (a refused amount shown at its field first), a second finance officer
// records the payment, and a spend-summary export is asked for, watched and downloaded. The
// bidder reads the return and what finance said, and is refused finance's pages.
describe('finance in the portal', () => {
  let portal: PortalBrowser;
  let setup: ReturnsWorld;
  let q1: string;
  const finance = 'finance@demo.test';
  const payer = 'payments@demo.test';
  const api = () => portal.world.t.http();

  beforeAll(async () => {
    portal = await startPortalBrowser(async () => {
      setup = await activeAward();
      return setup.world;
    });
    const { pcc } = setup.world;
    q1 = setup.returns[0].id;
    const read = await api().get(`/api/v1/returns/${q1}`).set(pcc.headers).expect(200);
    await api()
      .patch(`/api/v1/returns/${q1}`)
      .set(pcc.headers)
      .set('if-match', `"${(read.body as { version: number }).version}"`)
      .send(quarterReturn(setup.interventionId, { capital: 6_250_000, revenue: 1_250_000 }))
      .expect(200);
    await api().post(`/api/v1/returns/${q1}/submit`).set(pcc.headers).expect(200);
  }, 180_000);

  afterAll(() => portal?.close(), 30_000);

  it('approves part of a claim from the tasks, after a refused amount shown at its field', async () => {
    const { baseUrl } = portal;
    const page = await portal.newPage();
    await portal.signInStaff(page, finance, DEMO_PASSWORD);
    await page.locator(`main a[href="/returns/${q1}"]`).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Quarterly return for Q1 2025/26',
    );
    const main = await page.locator('main').textContent();
    expect(main).toContain('£75,000.00');
    expect(main).toContain('Lighting columns installed in the back lanes');

    // More than was claimed: the API refuses it, said beside the field, what was typed kept.
    await page.getByLabel('Approve part of the claim').check();
    await page.getByLabel('Capital spend approved for 2025/26').fill('70,000');
    await page.getByLabel('Revenue spend approved for 2025/26').fill('12,500');
    await page
      .getByLabel('Why less than the claim is approved')
      .fill('Two columns were not fitted.');
    await page.getByRole('button', { name: 'Send your review' }).click();
    await expect(page.locator('#approved-0-error').textContent()).resolves.toContain(
      'more than the £62,500.00 claimed',
    );
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'more than',
    );
    await expect(page.getByLabel('Capital spend approved for 2025/26').inputValue()).resolves.toBe(
      '70,000',
    );
    // The return's page is checked once, in this state (the longest: problems, the part
    // approval's fields revealed); axe over it is the suite's slowest step.
    await portal.check(page, 'return-refused');

    await page.getByLabel('Capital spend approved for 2025/26').fill('£60,000.50');
    await page.getByRole('button', { name: 'Send your review' }).click();
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toContain(
      'Return approved',
    );
    await portal.check(page, 'return-reviewed');
    const approved = await api().get(`/api/v1/returns/${q1}`).set(portal.world.as('finance'));
    expect(approved.body).toMatchObject({ status: 'approved' });
    expect(approved.body.submissions[0]).toMatchObject({
      outcome: 'approved',
      payablePence: 7_250_050,
      reviewComment: 'Two columns were not fitted.',
    });

    await page.getByRole('link', { name: 'Returns', exact: true }).click();
    await page.getByRole('link', { name: 'Approved' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain('£72,500.50');
    await portal.check(page, 'returns');
    expect(page.url()).toBe(`${baseUrl}/returns?status=approved`);
    await page.context().close();
  }, 120_000);

  it('records the payment as a second finance officer, then exports and downloads the round', async () => {
    const { baseUrl } = portal;
    const listed = await api()
      .get(`/api/v1/payments?roundId=${setup.roundId}&status=to_make`)
      .set(setup.payer)
      .expect(200);
    const payment = (listed.body.items as { id: string; returnId: string }[]).find(
      (row) => row.returnId === q1,
    );
    expect(payment).toBeDefined();
    const page = await portal.newPage();
    await portal.signInStaff(page, payer, DEMO_PASSWORD);
    await page.locator(`main a[href="/payments/${payment?.id}"]`).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Payment of £72,500.50',
    );
    await portal.check(page, 'payment');

    // Nothing filled in: both missing answers are said at once, each linked from the summary,
    // not the date first and the reference only on the next try.
    await page.getByRole('button', { name: 'Record the payment' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expect(
      page
        .locator('.govuk-error-summary a')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href'))),
    ).resolves.toEqual(['#paidOn-day', '#reference']);
    await expect(page.locator('#reference-error').textContent()).resolves.toContain(
      'Enter the bank or ledger reference',
    );

    // No date: refused at the field, the reference kept.
    await page.getByLabel('Bank or ledger reference').fill('BACS-PORTAL-0001');
    await page.getByRole('button', { name: 'Record the payment' }).click();
    await page.locator('#paidOn-error').waitFor();
    await expect(page.getByLabel('Bank or ledger reference').inputValue()).resolves.toBe(
      'BACS-PORTAL-0001',
    );
    // Today on the UK calendar, as the API reads payment dates.
    const [year, month, day] = londonDateOf(new Date()).split('-');
    await page.getByLabel('Day').fill(day);
    await page.getByLabel('Month').fill(month);
    await page.getByLabel('Year').fill(year);
    await page.getByRole('button', { name: 'Record the payment' }).click();
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toBe(
      'Payment recorded',
    );
    await portal.check(page, 'payment-recorded');
    const made = await api()
      .get(`/api/v1/payments?roundId=${setup.roundId}&status=made`)
      .set(setup.payer)
      .expect(200);
    expect(made.body.items).toEqual([
      expect.objectContaining({ id: payment?.id, paymentReference: 'BACS-PORTAL-0001' }),
    ]);
    // The made payment's page, read by its id: paid, with nothing left to record.
    await page.goto(`${baseUrl}/payments/${payment?.id}`);
    const paid = await page.locator('main').textContent();
    expect(paid).toContain('Paid');
    expect(paid).toContain('BACS-PORTAL-0001');
    expect(paid).toContain(`on ${formatUkDate(londonDateOf(new Date()))}, reference`);
    await expect(page.getByRole('button', { name: 'Record the payment' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Payments', exact: true }).click();
    await portal.check(page, 'payments');

    await page.getByRole('link', { name: 'Exports', exact: true }).click();
    await portal.check(page, 'exports');
    // The form sent twice at once (a double click without JavaScript): one export.
    const sent = await portal.sendTwice(page, '/exports', ['_csrf', 'requestKey'], {
      roundId: setup.roundId,
      format: 'csv',
    });
    const [first, second] = sent.map((answer) => answer.headers().location);
    expect([sent[0].status(), sent[1].status(), second]).toEqual([303, 303, first]);
    expect(first).toMatch(/^\/exports\/[0-9a-f-]{36}$/);
    await page.goto(`${baseUrl}${first}`);
    const exportId = page.url().split('/').pop() ?? '';
    // The page's script reads the status again until the file is ready.
    const link = page.getByRole('link', { name: /^Download the file/ });
    await link.waitFor({ timeout: 60_000 });
    await portal.check(page, 'export');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = await readFile(await download.path());
    // The CSV as the API builds it: UTF-8 with a byte-order mark, then its header line.
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(file.toString('utf8').split('\r\n').length).toBeGreaterThan(5);
    expect(download.suggestedFilename()).toMatch(/^spend-summary-.+\.csv$/);
    const read = await api().get(`/api/v1/exports/${exportId}`).set(setup.payer).expect(200);
    expect(read.body).toMatchObject({ status: 'done', sizeBytes: file.length });

    // Without JavaScript, the progress page works by its Refresh link alone.
    const plain = await portal.newPage({ javaScriptEnabled: false });
    await plain.context().addCookies(await page.context().cookies());
    await plain.goto(`${baseUrl}/exports/${exportId}`);
    await expect(plain.locator('main').textContent()).resolves.toContain('Ready to download');
    await plain.context().close();
    // An id of no payment, or not an id at all: no such page.
    for (const id of [q1, 'not-a-uuid']) {
      expect((await page.goto(`${baseUrl}/payments/${id}`))?.status()).toBe(404);
    }
    await page.context().close();
  }, 150_000);

  it('refuses an export date the API cannot take in the portal’s own words, asking for nothing', async () => {
    const { baseUrl } = portal;
    const dataSource = portal.world.t.app.get(DataSource);
    const exports = async () =>
      (
        await dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM report_exports WHERE round_id = $1`,
          [setup.roundId],
        )
      )[0].count;
    const before = await exports();
    const page = await portal.newPage();
    await portal.signInStaff(page, finance, DEMO_PASSWORD);
    // A year before the API's dates, a year past them, and a day in the future.
    for (const [day, month, year] of [
      ['1', '1', '0001'],
      ['31', '12', '1899'],
      ['1', '1', '3000'],
      ['1', '1', '2999'],
    ]) {
      await page.goto(`${baseUrl}/exports`);
      await page.locator('#roundId').selectOption(setup.roundId);
      await page.getByLabel('Day').fill(day);
      await page.getByLabel('Month').fill(month);
      await page.getByLabel('Year').fill(year);
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.request().method() === 'POST'),
        page.getByRole('button', { name: 'Request the export' }).click(),
      ]);
      const shown = (await page.locator('#asAt-error').textContent()) ?? '';
      expect([year, answer.status(), shown]).toEqual([
        year,
        400,
        expect.stringContaining('Enter a date from 1900 to today'),
      ]);
      expect(shown).not.toMatch(/asAt|offset|moment/);
      await expect(page.getByLabel('Year').inputValue()).resolves.toBe(year);
    }
    expect(await exports()).toBe(before);
    await page.context().close();
  }, 90_000);

  it('shows the bidder its return and what finance said, and refuses finance pages', async () => {
    const { baseUrl, world } = portal;
    const page = await portal.newPage();
    await portal.signIn(page, world.pcc.email, world.pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/returns/${q1}`);
    const main = await page.locator('main').textContent();
    expect(main).toContain('Two columns were not fitted.');
    expect(main).toContain('Approved');
    // The payment's day as people in the UK write it, not ISO.
    expect(main).toContain(
      `paid on ${formatUkDate(londonDateOf(new Date()))} (reference BACS-PORTAL-0001)`,
    );
    await expect(page.getByRole('button', { name: 'Send your review' }).count()).resolves.toBe(0);
    for (const path of ['/payments', `/payments/${q1}`, '/exports']) {
      expect((await page.goto(`${baseUrl}${path}`))?.status()).toBe(403);
    }
    await page.context().close();

    const other = await portal.newPage();
    await portal.signIn(other, world.otherCouncil.email, world.otherCouncil.password);
    await other.waitForURL(`${baseUrl}/tasks`);
    expect((await other.goto(`${baseUrl}/returns/${q1}`))?.status()).toBe(404);
    await expect(other.locator('main').textContent()).resolves.not.toContain('Two columns');
    await other.context().close();
  }, 90_000);
});
