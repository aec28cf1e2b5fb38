import { EICAR, startClamd, type TestClamd } from './support/clamd';
import { PDF, waitForScan } from './support/documents';
import { startPortalBrowser, type PortalBrowser } from './support/portal';
import { activeAward, quarterReturn, type ReturnsWorld } from './support/returns';

// A funded bidder's quarterly return in the portal, in a real browser, with a real clamd: finds
// it in their returns, is refused an amount above the award (said at the field, nothing saved),
// is told when a colleague saved meanwhile, saves, attaches evidence, checks and submits it once
// however often the form is sent; finance sends it back, the bidder reads why above the form and
// submits it again, then reads it with the award's position. Another organisation finds none of
// it. The next quarter's milestones, risks and forecast are refused at their fields (a bad amount
// before the API is asked, a missing mitigation by the API), then stored exactly as typed.
describe('a bidder’s quarterly return in the portal', () => {
  let clamd: TestClamd;
  let portal: PortalBrowser;
  let setup: ReturnsWorld;

  beforeAll(async () => {
    clamd = await startClamd();
    process.env.CLAMD_PORT = String(clamd.port);
    portal = await startPortalBrowser(async () => {
      setup = await activeAward();
      return setup.world;
    });
  }, 180_000);

  afterAll(async () => {
    await portal?.close();
    await clamd?.stop();
    delete process.env.CLAMD_PORT;
  }, 30_000);

  it('fills in, saves, evidences and submits a return, and submits it again when sent back', async () => {
    const { baseUrl, world } = portal;
    const bidder = world.pcc;
    const q1 = setup.returns[0].id;
    const http = () => world.t.http();
    const read = async () =>
      (await http().get(`/api/v1/returns/${q1}`).set(bidder.headers).expect(200)).body as {
        version: number;
        status: string;
        draft: { spend: unknown[]; narrative: string; matchFundingSpentPence: number };
        submissions: { number: number; outcome: string | null }[];
      };

    const page = await portal.newPage();
    await portal.signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.getByRole('link', { name: 'Returns', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Your quarterly returns',
    );
    const toSend = (await page.locator('main table').first().textContent()) ?? '';
    expect(toSend).toContain('Returns to send');
    expect(toSend).toContain('30 July 2025');
    expect(toSend).toContain('Overdue');
    await portal.check(page, 'bidder-returns');

    await page.locator(`main a[href="/returns/${q1}"]`).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Quarterly return for Q1 2025/26',
    );
    await portal.check(page, 'return-form');

    // More capital than the year's award: the API refuses it, said at the field, all kept.
    const capital = page.getByLabel('Capital spend in the quarter');
    const revenue = page.getByLabel('Revenue spend in the quarter');
    const outputs = page.getByLabel('Street lighting: lighting columns installed this quarter');
    const progress = page.getByLabel('Progress in the quarter');
    await capital.fill('300,000');
    await revenue.fill('12,500');
    await page.getByLabel('Match funding spent in the quarter').fill('15,000');
    await outputs.fill('10');
    await progress.fill('Ten lighting columns installed in the back lanes.');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await expect(page.locator('#spend-capital-error').textContent()).resolves.toContain(
      'above its award of £250,000.00',
    );
    await expect(
      page.locator('.govuk-error-summary a[href="#spend-capital"]').count(),
    ).resolves.toBe(1);
    await expect(capital.inputValue()).resolves.toBe('300,000');
    await expect(progress.inputValue()).resolves.toBe(
      'Ten lighting columns installed in the back lanes.',
    );
    await portal.check(page, 'return-form-refused');
    const untouched = await read();
    expect(untouched.draft).toMatchObject({ spend: [], narrative: '', matchFundingSpentPence: 0 });

    // A colleague saves meanwhile: this page's save is refused as stale, the current answers shown.
    await http()
      .patch(`/api/v1/returns/${q1}`)
      .set(bidder.headers)
      .set('if-match', `"${untouched.version}"`)
      .send({ narrative: 'A colleague’s note on the lighting.' })
      .expect(200);
    await capital.fill('62,500');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Someone else saved this return after you opened this page',
    );
    await expect(progress.inputValue()).resolves.toBe('A colleague’s note on the lighting.');

    await capital.fill('62,500');
    await revenue.fill('12,500');
    await page.getByLabel('Match funding spent in the quarter').fill('15,000');
    await outputs.fill('10');
    await progress.fill('Ten lighting columns installed in the back lanes.');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(`${baseUrl}/returns/${q1}/plan`);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(`${baseUrl}/returns/${q1}/evidence`);
    expect((await read()).draft).toMatchObject({
      spend: [
        { financialYear: '2025/26', kind: 'capital', amountPence: 6_250_000 },
        { financialYear: '2025/26', kind: 'revenue', amountPence: 1_250_000 },
      ],
      matchFundingSpentPence: 1_500_000,
      narrative: 'Ten lighting columns installed in the back lanes.',
    });

    // Evidence: a PDF of invoices, scanned clean by clamd; an infected file is said so.
    const upload = page.getByLabel('Upload a file');
    await upload.setInputFiles({
      name: 'Invoices Q1.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.getByRole('button', { name: 'Upload file' }).click();
    await page.waitForURL(`${baseUrl}/returns/${q1}/evidence`);
    await upload.setInputFiles({
      name: 'eicar.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${EICAR}\n`),
    });
    await page.getByRole('button', { name: 'Upload file' }).click();
    await page.waitForURL(`${baseUrl}/returns/${q1}/evidence`);
    const documents = `/api/v1/returns/${q1}/documents`;
    const listed = await http().get(documents).set(bidder.headers).expect(200);
    const scanned = await Promise.all(
      (listed.body.items as { id: string }[]).map((d) =>
        waitForScan(world.t, bidder.headers, `${documents}/${d.id}`),
      ),
    );
    expect(scanned.map((d) => [d.fileName, d.scanStatus]).sort()).toEqual([
      ['Invoices Q1.pdf', 'clean'],
      ['eicar.csv', 'infected'],
    ]);
    await page.reload();
    await expect(page.locator('#file-error').textContent()).resolves.toContain(
      'eicar.csv contains a virus',
    );
    await portal.check(page, 'return-evidence');
    await page.getByRole('button', { name: 'Remove eicar.csv' }).click();
    await page.waitForURL(`${baseUrl}/returns/${q1}/evidence`);
    await expect(page.locator('main').textContent()).resolves.not.toContain('eicar.csv');
    await expect(page.locator('main table').textContent()).resolves.toContain('No virus found');

    await page.getByRole('link', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Check your return before submitting it',
    );
    const answers = (await page.locator('main').textContent()) ?? '';
    expect(answers).toContain('£75,000.00');
    expect(answers).toContain('Invoices Q1.pdf');
    await portal.check(page, 'return-check');

    // The form sent twice at once (a double click without JavaScript): one submission.
    const sent = await portal.sendTwice(page, `/returns/${q1}/submit`, [
      '_csrf',
      'version',
      'submissions',
    ]);
    expect(sent.map((answer) => [answer.status(), answer.headers().location])).toEqual([
      [303, `/returns/${q1}/submitted`],
      [303, `/returns/${q1}/submitted`],
    ]);
    await page.goto(`${baseUrl}/returns/${q1}/submitted`);
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toBe(
      'Return submitted',
    );
    await expect(page.locator('main').textContent()).resolves.toContain('claiming £75,000.00');
    await portal.check(page, 'return-submitted');
    const first = await read();
    expect(first.status).toBe('submitted');
    expect(first.submissions).toHaveLength(1);

    // Finance sends it back; the bidder reads why above the form, changes it, submits again.
    await http()
      .post(`/api/v1/returns/${q1}/request-changes`)
      .set(world.as('finance'))
      .send({ submission: 1, comments: 'Attach the contractor’s invoice for the columns.' })
      .expect(200);
    await page.getByRole('link', { name: 'Returns', exact: true }).click();
    await expect(page.locator('main table').first().textContent()).resolves.toContain(
      'Sent back for changes',
    );
    await page.locator(`main a[href="/returns/${q1}"]`).click();
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      'Attach the contractor’s invoice for the columns.',
    );
    await expect(capital.inputValue()).resolves.toBe('62500');
    await portal.check(page, 'return-form-sent-back');
    await progress.fill('Ten lighting columns installed; the contractor’s invoice is attached.');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await expect(
      page.locator('.govuk-notification-banner--success').textContent(),
    ).resolves.toContain('Your return was saved as a draft.');
    await page.getByRole('link', { name: 'Check your return and submit' }).click();
    // The check page shows what is about to be sent: the changed draft, not the first submission.
    await expect(page.locator('main').textContent()).resolves.toContain(
      'the contractor’s invoice is attached.',
    );
    await page.getByRole('button', { name: 'Submit return' }).click();
    await page.waitForURL(`${baseUrl}/returns/${q1}/submitted`);
    const second = await read();
    expect(second.status).toBe('submitted');
    expect(second.submissions.map((s) => [s.number, s.outcome])).toEqual([
      [1, 'changes_requested'],
      [2, null],
    ]);

    // Sent: read-only, with what finance said and where the award stands.
    await page.getByRole('link', { name: 'View the return and the award’s position' }).click();
    const view = (await page.locator('main').textContent()) ?? '';
    expect(view).toContain('Waiting for review');
    expect(view).toContain('Attach the contractor’s invoice for the columns.');
    expect(view).toContain('Whole award');
    expect(view).toContain('£300,000.00');
    await expect(page.getByRole('button', { name: 'Save as draft' }).count()).resolves.toBe(0);
    await portal.check(page, 'return-sent');

    // Another organisation's bidder finds none of these pages.
    const other = await portal.newPage();
    await portal.signIn(other, world.otherCouncil.email, world.otherCouncil.password);
    await other.waitForURL(`${baseUrl}/tasks`);
    for (const path of ['', '/plan', '/evidence', '/check', '/submitted']) {
      expect((await other.goto(`${baseUrl}/returns/${q1}${path}`))?.status()).toBe(404);
      await expect(other.locator('main').textContent()).resolves.not.toContain('lighting columns');
    }
    await portal.check(other, 'return-not-found');
    await other.context().close();
    await page.context().close();
  }, 240_000);

  it('reports milestones, risks and the spend forecast on the return’s second page', async () => {
    const { baseUrl, world } = portal;
    const bidder = world.pcc;
    const q2 = setup.returns[1].id;
    const draft = async () =>
      (await world.t.http().get(`/api/v1/returns/${q2}`).set(bidder.headers).expect(200)).body
        .draft as { milestones: unknown[]; risks: unknown[]; forecast: unknown[] };
    const page = await portal.newPage();
    await portal.signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/returns/${q2}/plan`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Milestones, risks and forecast',
    );
    await expect(page.locator('main legend').first().textContent()).resolves.toBe(
      'Columns installed',
    );
    await portal.check(page, 'return-plan');

    // A bad amount is refused at its field before the API is asked; all typed is kept.
    await page.locator('#milestone-0-status').selectOption('delayed');
    await page.locator('#milestone-0-rag').selectOption('amber');
    await page.locator('#milestone-0-comment').fill('Two columns wait for a power connection.');
    await page.locator('#risk-0-description').fill('Power connections slip');
    await page.locator('#risk-0-rag').selectOption('red');
    const q3Capital = page.getByLabel('Capital spend expected in Q3 2025/26');
    const q4Revenue = page.getByLabel('Revenue spend expected in Q4 2025/26');
    await q3Capital.fill('40,000');
    await q4Revenue.fill('lots');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await expect(
      page.locator('#forecast-2025-26-q4-revenue-error').textContent(),
    ).resolves.toContain('Q4 2025/26: enter an amount in pounds');
    await expect(page.locator('#milestone-0-comment').inputValue()).resolves.toBe(
      'Two columns wait for a power connection.',
    );
    await expect(q3Capital.inputValue()).resolves.toBe('40,000');
    expect(await draft()).toMatchObject({ milestones: [], risks: [], forecast: [] });

    // A risk without its mitigation: the API refuses it, said at the risk's field.
    await q4Revenue.fill('7,500.50');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await expect(page.locator('#risk-0-mitigation-error').textContent()).resolves.toContain(
      'Risk 1: mitigation',
    );
    await expect(
      page.locator('.govuk-error-summary a[href="#risk-0-mitigation"]').count(),
    ).resolves.toBe(1);
    await expect(page.locator('#risk-0-description').inputValue()).resolves.toBe(
      'Power connections slip',
    );
    await portal.check(page, 'return-plan-refused');
    expect(await draft()).toMatchObject({ milestones: [], risks: [], forecast: [] });

    // Another risk without JavaScript: saved, and the page comes back with an empty row.
    await page.locator('#risk-0-mitigation').fill('Northern Powergrid slot booked for May.');
    await page.getByRole('button', { name: 'Add another risk' }).click();
    await page.waitForURL(`${baseUrl}/returns/${q2}/plan#risk-1-description`);
    await expect(page.locator('#risk-1-description').inputValue()).resolves.toBe('');
    await page.locator('#risk-1-description').fill('Contractor capacity in winter');
    await page.locator('#risk-1-rag').selectOption('green');
    await page.locator('#risk-1-mitigation').fill('Second installer on the framework.');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(`${baseUrl}/returns/${q2}/evidence`);
    expect(await draft()).toMatchObject({
      milestones: [
        {
          title: 'Columns installed',
          status: 'delayed',
          rag: 'amber',
          comment: 'Two columns wait for a power connection.',
        },
      ],
      risks: [
        {
          description: 'Power connections slip',
          rag: 'red',
          mitigation: 'Northern Powergrid slot booked for May.',
        },
        {
          description: 'Contractor capacity in winter',
          rag: 'green',
          mitigation: 'Second installer on the framework.',
        },
      ],
      forecast: [
        { financialYear: '2025/26', quarter: 3, kind: 'capital', amountPence: 4_000_000 },
        { financialYear: '2025/26', quarter: 4, kind: 'revenue', amountPence: 750_050 },
      ],
    });

    // The check page lists them, each with a way back to change it.
    await page.goto(`${baseUrl}/returns/${q2}/check`);
    const answers = (await page.locator('main').textContent()) ?? '';
    expect(answers).toContain('Delayed, rated amber');
    expect(answers).toContain('Northern Powergrid slot booked for May.');
    expect(answers).toContain('Revenue in Q4 2025/26: £7,500.50');
    await expect(
      page.locator(`main a[href="/returns/${q2}/plan#risk-1-description"]`).count(),
    ).resolves.toBe(1);

    // A colleague changes the risks meanwhile: this page's save is refused as stale, theirs shown.
    await page.goto(`${baseUrl}/returns/${q2}/plan`);
    const { version } = (
      await world.t.http().get(`/api/v1/returns/${q2}`).set(bidder.headers).expect(200)
    ).body as { version: number };
    await world.t
      .http()
      .patch(`/api/v1/returns/${q2}`)
      .set(bidder.headers)
      .set('if-match', `"${version}"`)
      .send({ risks: [{ description: 'A colleague’s risk', rag: 'amber', mitigation: 'Theirs' }] })
      .expect(200);
    await q3Capital.fill('1');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Someone else saved this return after you opened this page',
    );
    await expect(page.locator('#risk-0-description').inputValue()).resolves.toBe(
      'A colleague’s risk',
    );
    await expect(q3Capital.inputValue()).resolves.toBe('40000');
    await page.context().close();
  }, 120_000);

  it('does not submit a return changed after its check page was opened, and shows it as it is', async () => {
    const { baseUrl, world } = portal;
    const bidder = world.pcc;
    const q2 = setup.returns[1].id;
    const http = () => world.t.http();
    const read = async () =>
      (await http().get(`/api/v1/returns/${q2}`).set(bidder.headers).expect(200)).body as {
        version: number;
        status: string;
        submissions: unknown[];
      };
    const save = async (body: Record<string, unknown>) =>
      http()
        .patch(`/api/v1/returns/${q2}`)
        .set(bidder.headers)
        .set('if-match', `"${(await read()).version}"`)
        .send(body)
        .expect(200);
    await save(quarterReturn(setup.interventionId, { capital: 6_000_000, revenue: 1_500_000 }));

    const page = await portal.newPage();
    await portal.signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/returns/${q2}/check`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Check your return before submitting it',
    );
    // A colleague changes the return while this page is open: its Submit is refused as stale.
    await save({ narrative: 'A colleague’s later account of the quarter.' });
    await page.getByRole('button', { name: 'Submit return' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Someone changed this return after you opened this page, so it was not submitted',
    );
    await expect(page.locator('main').textContent()).resolves.toContain(
      'A colleague’s later account of the quarter.',
    );
    expect(page.url()).not.toContain('/submitted');
    const after = await read();
    expect(after.status).not.toBe('submitted');
    expect(after.submissions).toHaveLength(0);
    await page.context().close();
  }, 60_000);
});
