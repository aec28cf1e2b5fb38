import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { DEFAULT_AS_AT_LAG_MS } from '../src/reports/spend-summary.rules';
import { RoundsService } from '../src/rounds/rounds.service';
import { financialYearsBetween } from '../src/rounds/financial-year';
import { DEMO_PASSWORD, login } from './support/app';
import { type Assessor, dueIn, newAssessor } from './support/assessment';
import { NORTHUMBRIA_PCC, openRound, organisationIds } from './support/bids';
import { startClamd, type TestClamd } from './support/clamd';
import { csvValues } from './support/csv';
import { PDF, waitForScan } from './support/documents';
import { uniqueSuffix } from './support/factories';
import { startPortalBrowser, type PortalBrowser } from './support/portal';
import { activeAward, quarterReturn, type ReturnsWorld } from './support/returns';
import { eventually } from './support/smtp';

// The programme's people doing their parts in one run, each in a real browser and only through
// the portal: a person invited by email to the Northumbria PCC chooses a password, writes a bid
// section by section, attaches a letter of support (scanned by a real clamd) and submits it; an
// assessor declares no conflict, marks it and submits; finance approves a quarterly return and
// downloads the round's spend summary. Setting up rounds, closing one and assigning assessors
// are admin and moderator steps, which stay API-only (README).
//
// The return finance approves belongs to an award from a round whose delivery year is over: the
// bid written here cannot have one yet, as a live round's first return falls due only after its
// first quarter of delivery. Each step's details and bad input have their own suites
// (portal-bid-sections, portal-bid-submission, portal-assessment, portal-finance); this one
// checks the steps join up.
describe('a round played through the portal', () => {
  let clamd: TestClamd;
  let portal: PortalBrowser;
  let past: ReturnsWorld;
  let round: { id: string; code: string; closesAt: string; deliveryStartsOn: string };
  let assessor: Assessor;
  const bidder = {
    email: `story-${uniqueSuffix().toLowerCase()}@northumbria-pcc.example`,
    password: `Story-Password-${uniqueSuffix()}`,
  };
  const title = `Lit lanes for Walker ${uniqueSuffix()}`;
  let bidId: string;
  const api = () => portal.world.t.http();

  beforeAll(async () => {
    clamd = await startClamd();
    process.env.CLAMD_PORT = String(clamd.port);
    portal = await startPortalBrowser(async () => {
      past = await activeAward();
      return past.world;
    });
    const { world } = portal;
    [round, assessor] = await Promise.all([
      openRound(world.t, world.as('admin'), {
        name: `Story round ${uniqueSuffix()}`,
        closesAt: new Date(Date.now() + 3_600_000).toISOString(),
        assessmentsPerBid: 1,
      }),
      newAssessor(world.t, world.as('admin')),
    ]);
    // The past award's first quarter, filled in and submitted by its bidder.
    const q1 = past.returns[0].id;
    const read = await api().get(`/api/v1/returns/${q1}`).set(world.pcc.headers).expect(200);
    await api()
      .patch(`/api/v1/returns/${q1}`)
      .set(world.pcc.headers)
      .set('if-match', `"${(read.body as { version: number }).version}"`)
      .send(quarterReturn(past.interventionId, { capital: 6_250_000, revenue: 1_250_000 }))
      .expect(200);
    await api().post(`/api/v1/returns/${q1}/submit`).set(world.pcc.headers).expect(200);
  }, 180_000);

  afterAll(async () => {
    await portal?.close();
    await clamd?.stop();
    delete process.env.CLAMD_PORT;
  }, 30_000);

  const save = async (page: Page) => {
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(`${portal.baseUrl}/bids/${bidId}`);
  };

  it('an invited bidder chooses a password, writes a bid with an attachment and submits it', async () => {
    const { baseUrl, world } = portal;
    const organisationId = (await organisationIds(world.t, world.as('admin')))[NORTHUMBRIA_PCC];
    await api()
      .post('/api/v1/users')
      .set(world.as('admin'))
      .send({ email: bidder.email, name: 'Sam Story', role: 'applicant', organisationId })
      .expect(201);
    const mail = await eventually(() => {
      const [delivered] = world.smtp.to(bidder.email);
      expect(delivered).toBeDefined();
      return delivered;
    });
    const link = new URL(
      /(https?:\/\/\S+\/account\/set-password\?token=\S+)/.exec(mail.text)?.[1] ?? '',
    );
    const page = await portal.newPage();
    await page.goto(`${baseUrl}${link.pathname}${link.search}`);
    await page.getByLabel('Password').fill(bidder.password);
    await page.getByRole('button', { name: 'Save the password' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Your account is ready',
    );
    await portal.signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);

    // The open round, and a bid started from it.
    await page.getByRole('link', { name: 'Open rounds' }).click();
    await page.locator(`main a[href="/rounds/${round.id}"]`).click();
    await page.getByLabel('Name of your project').fill(title);
    await page.getByRole('button', { name: 'Start a bid' }).click();
    await page.waitForURL(/\/bids\/[0-9a-f-]{36}$/);
    bidId = page.url().split('/').pop() ?? '';
    await portal.check(page, 'story-bid-task-list');

    await page.getByRole('link', { name: 'About your project' }).click();
    await page.getByLabel('Summary').fill('Lighting and gates for the back lanes of Walker.');
    await save(page);
    await page.getByRole('link', { name: 'The area' }).click();
    await page.getByLabel('Target areas (LSOA codes)').fill('E01008324\nE01008325');
    await save(page);
    await page.getByRole('link', { name: 'The crime problem' }).click();
    await page.getByLabel('Problem profile').fill('Burglary through the back lanes in Walker.');
    await page.getByLabel('Main crime type').fill('burglary');
    await page.getByLabel('Theory of change').fill('Lit, gated lanes give burglars no way in.');
    await save(page);
    await page.getByRole('link', { name: 'Interventions' }).click();
    await page.getByLabel('Category of intervention 1').fill('Situational');
    await page.getByLabel('Type of intervention 1').fill('Street lighting');
    await page.getByLabel('What intervention 1 is').fill('Thirty LED columns in the lanes');
    await page.getByLabel('Cost of intervention 1').fill('280,000');
    await save(page);
    const years = financialYearsBetween(round.deliveryStartsOn, round.deliveryStartsOn);
    await page.getByRole('link', { name: 'Costs' }).click();
    await page.getByLabel(`Capital costs in ${years[0]}`).fill('250,000');
    await page.getByLabel(`Revenue costs in ${years[0]}`).fill('30,000');
    await save(page);
    await page.getByRole('link', { name: 'Match funding' }).click();
    await page.getByLabel('Who provides source 1').fill('Council capital programme');
    await page.getByLabel('Amount of source 1').fill('60,000');
    await save(page);
    await page.getByRole('link', { name: 'Partners and consultation' }).click();
    await page.getByLabel('Name of partner 1').fill('Northumbria Police');
    await page.getByLabel('What partner 1 will do').fill('Designing Out Crime Officer survey');
    await page.getByLabel('Consultation', { exact: true }).fill('Survey of 250 households.');
    await save(page);
    await page.getByRole('link', { name: 'Delivery plan' }).click();
    const [year, month, day] = round.deliveryStartsOn.split('-');
    const due = page.getByRole('group', { name: 'When milestone 1 is due' });
    await page.getByLabel('Milestone 1', { exact: true }).fill('Columns installed');
    await due.getByLabel('Day').fill(day);
    await due.getByLabel('Month').fill(month);
    await due.getByLabel('Year').fill(year);
    await page.getByLabel('What risk 1 is').fill('Supplier delays');
    await page.getByLabel('How risk 1 is reduced').fill('Framework supplier, early order');
    await page.getByLabel('How you will evaluate the project').fill('Burglary before and after.');
    await save(page);

    // A letter of support, scanned clean before the bid can be submitted with it.
    await page.getByRole('link', { name: 'Documents', exact: true }).click();
    await page.getByLabel('Upload a file').setInputFiles({
      name: 'Letter of support.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.getByRole('button', { name: 'Upload file' }).click();
    await page.waitForURL(`${baseUrl}/bids/${bidId}/documents`);
    const headers = {
      authorization: `Bearer ${await login(world.t, bidder.email, bidder.password)}`,
    };
    const documents = await api().get(`/api/v1/bids/${bidId}/documents`).set(headers).expect(200);
    const [document] = documents.body.items as { id: string }[];
    await waitForScan(world.t, headers, `/api/v1/bids/${bidId}/documents/${document.id}`);

    await page.getByRole('link', { name: 'Check your bid and submit' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain('Letter of support.pdf');
    await portal.check(page, 'story-bid-check');
    await page.getByRole('button', { name: 'Submit bid' }).click();
    await page.waitForURL(`${baseUrl}/bids/${bidId}/submitted`);
    const bid = (await api().get(`/api/v1/bids/${bidId}`).set(headers).expect(200)).body as {
      reference: string;
      status: string;
      requestedPence: number;
      matchFundingPence: number;
    };
    expect(bid).toMatchObject({
      status: 'submitted',
      requestedPence: 28_000_000,
      matchFundingPence: 6_000_000,
    });
    await expect(page.locator('main').textContent()).resolves.toContain(bid.reference);
    await page.context().close();
  }, 150_000);

  it('an assessor declares no conflict, marks the bid and submits the assessment', async () => {
    const { baseUrl, world } = portal;
    // The window closes (as at its closing time: the round is an hour from closing), and a
    // moderator opens assessment with this assessor on the bid, through the API.
    await world.t.app
      .get(RoundsService)
      .run(
        { id: null, label: 'test: the window has passed' },
        round.id,
        'close',
        new Date(Date.parse(round.closesAt) + 1_000),
      );
    await api()
      .post(`/api/v1/rounds/${round.id}/start-assessment`)
      .set(world.as('moderator'))
      .send({ assessmentDueAt: dueIn(14) })
      .expect(200);
    await api()
      .post(`/api/v1/rounds/${round.id}/assignments/auto`)
      .set(world.as('moderator'))
      .send({ assessorIds: [assessor.id] })
      .expect(200);
    const assigned = await api()
      .get(`/api/v1/assignments?roundId=${round.id}`)
      .set(assessor.headers)
      .expect(200);
    const [assignment] = assigned.body.items as { id: string; bidId: string }[];
    expect(assignment.bidId).toBe(bidId);

    const page = await portal.newPage();
    await portal.signInStaff(page, assessor.email, assessor.password);
    await page.locator(`main a[href="/assignments/${assignment.id}"]`).click();
    await page.getByRole('link', { name: 'Declare any conflict of interest' }).click();
    await page.getByLabel('No').check();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('link', { name: 'Read the bid' }).click();
    // What the bidder typed in the portal is what the assessor reads.
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Burglary through the back lanes in Walker.',
    );
    await page.getByRole('link', { name: 'Back to the assessment' }).click();
    for (const [criterion, mark, why] of [
      ['Strategic case', '4', 'A clear problem profile with a baseline.'],
      ['Value for money', '3', 'Costs are benchmarked for the columns only.'],
    ]) {
      await page.getByRole('link', { name: `Mark: ${criterion}` }).click();
      await page.getByLabel(mark, { exact: true }).check();
      await page.getByLabel('Why this mark').fill(why);
      await page.getByRole('button', { name: 'Save and come back' }).click();
      await page.waitForURL(`${baseUrl}/assignments/${assignment.id}`);
    }
    await page.getByRole('link', { name: 'Check your marks and submit' }).click();
    await page.getByRole('button', { name: 'Submit assessment' }).click();
    await page.waitForURL(`${baseUrl}/assignments/${assignment.id}/submitted`);
    // 4 of 5 at 60% and 3 of 5 at 40%.
    await expect(page.locator('.govuk-panel').textContent()).resolves.toContain('72.00');
    await portal.check(page, 'story-assignment-submitted');
    const held = await api()
      .get(`/api/v1/assignments/${assignment.id}`)
      .set(assessor.headers)
      .expect(200);
    expect(held.body).toMatchObject({ status: 'submitted', score: '72.00' });
    await page.context().close();
  }, 120_000);

  it('finance approves a quarterly return and downloads the spend summary', async () => {
    const { world } = portal;
    const q1 = past.returns[0].id;
    const page = await portal.newPage();
    await portal.signInStaff(page, 'finance@demo.test', DEMO_PASSWORD);
    await page.locator(`main a[href="/returns/${q1}"]`).click();
    await page.getByLabel('Approve the whole claim').check();
    await page.getByRole('button', { name: 'Send your review' }).click();
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toContain(
      'Return approved',
    );
    const approved = await api().get(`/api/v1/returns/${q1}`).set(world.as('finance')).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved' });
    expect(approved.body.submissions[0]).toMatchObject({ payablePence: 7_500_000 });

    // An export asked for without a date is as at a few seconds back (DEFAULT_AS_AT_LAG_MS,
    // so that nothing still being written is missed); once they have passed, it holds this
    // approval.
    const reviewedAt = Date.parse(approved.body.submissions[0].reviewedAt as string);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, reviewedAt + DEFAULT_AS_AT_LAG_MS + 500 - Date.now())),
    );
    await page.getByRole('link', { name: 'Exports', exact: true }).click();
    await page.getByLabel('Round').selectOption(past.roundId);
    await page.getByLabel('CSV (comma-separated values)').check();
    await page.getByRole('button', { name: 'Request the export' }).click();
    await page.waitForURL(/\/exports\/[0-9a-f-]{36}$/);
    const link = page.getByRole('link', { name: /^Download the file/ });
    await link.waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const [heading, ...rows] = csvValues(
      (await readFile(await download.path())).toString('utf8').replace(/^\uFEFF/, ''),
    );
    const column = (name: string) => heading.indexOf(name);
    // The award's lines for the year, capital and revenue, hold the claim just approved.
    const approvedByKind = rows
      .filter(
        (row) =>
          row[column('Reference')] === past.bid.reference &&
          row[column('Level')] === 'year' &&
          row[column('Financial year')] === '2025/26',
      )
      .map((row) => [row[column('Kind')], row[column('Approved (£)')]]);
    expect(approvedByKind).toEqual([
      ['Capital', '62500.00'],
      ['Revenue', '12500.00'],
    ]);
    await page.context().close();
  }, 150_000);
});
