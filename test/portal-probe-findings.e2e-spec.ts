import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { DEMO_PASSWORD } from './support/app';
import { createAccount, emailedLinkToken } from './support/accounts';
import { NORTHUMBRIA_PCC, openRound, organisationIds } from './support/bids';
import { uniqueSuffix } from './support/factories';
import { startPortalBrowser, type PortalBrowser } from './support/portal';
import { activeAward, quarterReturn, type ReturnsWorld } from './support/returns';
import { eventually } from './support/smtp';

// What an acceptance probe found the portal doing wrong, each played in a real browser: a
// password reset that worked said it failed.

describe('the portal, as the acceptance probe found it', () => {
  let portal: PortalBrowser;
  let baseUrl: string;

  let setup: ReturnsWorld;

  beforeAll(async () => {
    // The bidding world with an active award of the PCC's, whose returns finance reads.
    portal = await startPortalBrowser(async () => {
      setup = await activeAward();
      return setup.world;
    });
    baseUrl = portal.baseUrl;
  }, 180_000);

  afterAll(() => portal?.close(), 30_000);

  it('confirms a password reset the API carried out (204) and signs in with the new password', async () => {
    const { t, as } = portal.world;
    const organisationId = (await organisationIds(t, as('admin')))[NORTHUMBRIA_PCC];
    const email = `resetting-${uniqueSuffix().toLowerCase()}@northumbria-pcc.example`;
    const account = await createAccount(t, as('admin'), {
      email,
      name: 'Resetting Bidder',
      role: 'applicant',
      organisationId,
    });
    await t.http().post('/api/v1/auth/password-reset').send({ email }).expect(202);
    // The reset is queued (same answer for any email): its email is written by the worker.
    const token = await eventually(() => emailedLinkToken(t, account.id, 'password-reset'));
    const page = await portal.newPage();
    await page.goto(`${baseUrl}/account/reset-password?token=${encodeURIComponent(token)}`);
    const chosen = `Reset-Password-${uniqueSuffix()}`;
    await page.getByLabel('Password').fill(chosen);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save the password' }).click(),
    ]);
    expect(answer.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Your password has been changed',
    );
    await expect(page.locator('main').textContent()).resolves.toContain('You can now sign in');
    await portal.check(page, 'reset-password-done');
    await portal.signIn(page, email, chosen);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.context().close();
  }, 90_000);
  // Each page as a person of the wrong kind opens it: the portal's 403 page, not an empty list
  // the API happened to let them read.
  async function statusesOf(page: Page, paths: string[]): Promise<Record<string, string>> {
    const seen: Record<string, string> = {};
    for (const path of paths) {
      const answer = await page.goto(`${baseUrl}${path}`);
      const heading = await page.getByRole('heading', { level: 1 }).first().textContent();
      seen[path] = `${answer?.status()} ${heading?.trim()}`;
    }
    return seen;
  }
  const FORBIDDEN = '403 You cannot use this page';

  it('shows an applicant the 403 page on staff-only pages', async () => {
    const page = await portal.newPage();
    await portal.signIn(page, portal.world.pcc.email, portal.world.pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    const staffOnly = ['/moderation', '/assignments', '/payments', '/exports'];
    expect(await statusesOf(page, staffOnly)).toEqual(
      Object.fromEntries(staffOnly.map((path) => [path, FORBIDDEN])),
    );
    await page.context().close();
  }, 90_000);

  it('shows staff the 403 page on bidders’ pages, and a heading of their own on bids', async () => {
    const page = await portal.newPage();
    await portal.signInStaff(page, 'finance@demo.test', DEMO_PASSWORD);
    const biddersOnly = ['/rounds', '/endorsements'];
    expect(await statusesOf(page, biddersOnly)).toEqual(
      Object.fromEntries(biddersOnly.map((path) => [path, FORBIDDEN])),
    );
    expect(await statusesOf(page, ['/bids'])).toEqual({ '/bids': '200 Bids' });
    await page.context().close();
  }, 90_000);
  it('shows a published round that opens later as opening then, with no bid to start yet', async () => {
    const { t, as, pcc } = portal.world;
    // 10:00 UTC in July is 11:00 on a UK clock (BST).
    const opensAt = new Date(`${new Date().getUTCFullYear() + 1}-07-01T10:00:00Z`);
    const round = await openRound(t, as('admin'), {
      opensAt: opensAt.toISOString(),
      closesAt: new Date(opensAt.getTime() + 30 * 86_400_000).toISOString(),
      deliveryStartsOn: `${opensAt.getUTCFullYear()}-10-01`,
      deliveryEndsOn: `${opensAt.getUTCFullYear() + 1}-03-31`,
    });
    // The API refuses a bid in it now.
    await t
      .http()
      .post('/api/v1/bids')
      .set(pcc.headers)
      .send({ roundId: round.id, title: 'Too early' })
      .expect(409);
    const page = await portal.newPage();
    await portal.signIn(page, pcc.email, pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/rounds/${round.id}`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).not.toContain('Open for bids');
    const opens = page.locator('.govuk-summary-list__row', { hasText: 'Opens for bids' });
    await expect(opens.locator('dd').textContent()).resolves.toContain(
      `1 July ${opensAt.getUTCFullYear()} 11:00:00 BST`,
    );
    await expect(page.getByRole('button', { name: 'Start a bid' }).count()).resolves.toBe(0);
    await portal.check(page, 'round-not-open-yet');
    await page.context().close();
  }, 90_000);
  it('lists the rounds open now, closing soonest first, then those opening later with when they open', async () => {
    const { t, as, pcc } = portal.world;
    const year = new Date().getUTCFullYear() + 1;
    const round = (name: string, opensAt: string | undefined, closesAt: string) =>
      openRound(t, as('admin'), {
        name,
        ...(opensAt ? { opensAt } : {}),
        closesAt,
        deliveryStartsOn: `${year}-10-01`,
        deliveryEndsOn: `${year + 1}-03-31`,
      });
    // Made in an order that is none of the expected ones. 10:00 UTC is 11:00 BST in July and
    // 10:00 GMT in January.
    const july = await round(
      'Opening in July',
      `${year}-07-01T10:00:00Z`,
      `${year}-07-31T22:59:00Z`,
    );
    const late = await round('Closing in March', undefined, `${year}-03-31T22:59:00Z`);
    const january = await round(
      'Opening in January',
      `${year}-01-15T10:00:00Z`,
      `${year}-02-15T23:59:00Z`,
    );
    const soon = await round('Closing in February', undefined, `${year}-02-26T23:59:00Z`);
    // Still open by status, its window over (nobody has closed it yet): not listed.
    const over = await round('Window over', undefined, `${year}-02-26T23:59:00Z`);
    await t.app
      .get(DataSource)
      .query(
        `UPDATE funding_rounds SET opens_at = now() - interval '2 days', closes_at = now() - interval '1 day' WHERE id = $1`,
        [over.id],
      );

    const page = await portal.newPage();
    await portal.signIn(page, pcc.email, pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/rounds`);
    const ours = new Set([july.id, late.id, january.id, soon.id, over.id]);
    const listed = (
      await page
        .locator('main a[href^="/rounds/"]')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href')))
    )
      .map((href) => href?.replace('/rounds/', ''))
      .filter((id) => id !== undefined && ours.has(id));
    expect(listed).toEqual([soon.id, late.id, january.id, july.id]);

    const row = (id: string) =>
      page.locator('main tr', { has: page.locator(`a[href="/rounds/${id}"]`) });
    const text = async (id: string) => ((await row(id).textContent()) ?? '').replace(/\s+/g, ' ');
    expect(await text(soon.id)).toContain(`Closes: 26 February ${year} 23:59:00 GMT`);
    expect(await text(late.id)).toContain(`Closes: 31 March ${year} 23:59:00 BST`);
    expect(await text(july.id)).toContain(`Opens for bids: 1 July ${year} 11:00:00 BST`);
    expect(await text(january.id)).toContain(`Opens for bids: 15 January ${year} 10:00:00 GMT`);
    for (const id of [july.id, january.id]) {
      expect(await text(id)).not.toContain('Open for bids');
      await expect(
        row(id)
          .getByRole('link', { name: /Start a bid/ })
          .count(),
      ).resolves.toBe(0);
    }
    await portal.check(page, 'rounds-opening-later');
    await page.context().close();
  }, 90_000);

  it('says a refused common password, and a reset limit in minutes (429), in the portal’s words', async () => {
    const { t, as } = portal.world;
    const organisationId = (await organisationIds(t, as('admin')))[NORTHUMBRIA_PCC];
    const email = `limited-${uniqueSuffix().toLowerCase()}@northumbria-pcc.example`;
    const created = await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ email, name: 'Common Password', role: 'applicant', organisationId })
      .expect(201);
    const token = await emailedLinkToken(t, (created.body as { id: string }).id);
    const page = await portal.newPage();
    await page.goto(`${baseUrl}/account/set-password?token=${encodeURIComponent(token)}`);
    await page.getByLabel('Password').fill('1qaz2wsx3edc');
    await page.getByRole('button', { name: 'Save the password' }).click();
    await expect(page.locator('#password-error').textContent()).resolves.toContain(
      'Choose a password that is harder to guess: this one is among the most common',
    );

    // More reset links for one email than the limit allows within the hour.
    let last: number | undefined;
    for (let asked = 1; asked <= 4; asked++) {
      await page.goto(`${baseUrl}/account/forgotten-password`);
      await page.getByLabel('Email address').fill(email);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Send the link' }).click(),
      ]);
      last = answer.status();
    }
    expect(last).toBe(429);
    const said = (await page.locator('#email-error').textContent()) ?? '';
    expect(said).toMatch(/try again in \d+ minutes?\./);
    expect(said).not.toContain('seconds');
    await page.context().close();
  }, 90_000);

  it('shows finance a return’s milestones and risks in words, not the API’s codes', async () => {
    const { t, pcc } = portal.world;
    const q1 = setup.returns[0].id;
    const read = await t.http().get(`/api/v1/returns/${q1}`).set(pcc.headers).expect(200);
    await t
      .http()
      .patch(`/api/v1/returns/${q1}`)
      .set(pcc.headers)
      .set('if-match', `"${(read.body as { version: number }).version}"`)
      .send(quarterReturn(setup.interventionId, { capital: 6_250_000, revenue: 1_250_000 }))
      .expect(200);
    await t.http().post(`/api/v1/returns/${q1}/submit`).set(pcc.headers).expect(200);
    const page = await portal.newPage();
    await portal.signInStaff(page, 'finance@demo.test', DEMO_PASSWORD);
    await page.goto(`${baseUrl}/returns/${q1}`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Columns installed: On track, Green');
    expect(main).toContain('Supplier delays (Amber)');
    expect(main).not.toMatch(/on_track|, green/);
    await page.context().close();
  }, 90_000);

  it('shows a bid’s outcome as decided, and the award’s page as varied since', async () => {
    const { t, as, pcc } = portal.world;
    const api = () => t.http();
    // Decided and accepted: £250,000 capital and £50,000 revenue in 2025/26, even by quarter.
    // In delivery, a variation takes £30,000 of Q4 capital off: £220,000 capital, £270,000.
    await api()
      .post(`/api/v1/rounds/${setup.roundId}/start-delivery`)
      .set(as('admin'))
      .send({})
      .expect(200);
    const cell = (quarter: number, kind: 'capital' | 'revenue', amountPence: number) => ({
      financialYear: '2025/26',
      quarter,
      kind,
      amountPence,
    });
    const profile = [1, 2, 3, 4].flatMap((quarter) => [
      cell(quarter, 'capital', quarter === 4 ? 3_250_000 : 6_250_000),
      cell(quarter, 'revenue', 1_250_000),
    ]);
    const variation = await api()
      .post(`/api/v1/awards/${setup.awardId}/variations`)
      .set(pcc.headers)
      .send({ reason: 'Fewer lighting columns needed', profile })
      .expect(201);
    await api()
      .post(`/api/v1/variations/${variation.body.id}/approve`)
      .set(as('approver'))
      .send({})
      .expect(200);
    const award = await api().get(`/api/v1/awards/${setup.awardId}`).set(pcc.headers).expect(200);
    expect(award.body).toMatchObject({ amountPence: 27_000_000 });

    // The API's outcome: what was decided, whatever was varied later.
    const outcome = await api().get(`/api/v1/bids/${setup.bid.id}/outcome`).set(pcc.headers);
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({
      outcome: 'awarded',
      amountPence: 30_000_000,
      lines: [
        { financialYear: '2025/26', kind: 'capital', amountPence: 25_000_000 },
        { financialYear: '2025/26', kind: 'revenue', amountPence: 5_000_000 },
      ],
      awardId: setup.awardId,
    });

    // The portal's outcome page says the same, and links to the award as it stands now.
    const page = await portal.newPage();
    await portal.signIn(page, pcc.email, pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/bids/${setup.bid.id}/outcome`);
    expect(page.url()).toBe(`${baseUrl}/bids/${setup.bid.id}/outcome`);
    const decided = (await page.locator('main').textContent()) ?? '';
    expect(decided).toContain('£300,000.00');
    expect(decided).toContain('£250,000.00');
    expect(decided).not.toContain('£270,000.00');
    expect(decided).not.toContain('£220,000.00');
    expect(decided).toMatch(/published on \d{1,2} \w+ \d{4} \d\d:\d\d:\d\d (GMT|BST)\./);
    await portal.check(page, 'bid-outcome-awarded');
    await page.getByRole('link', { name: /^Read the award/ }).click();
    expect(page.url()).toBe(`${baseUrl}/awards/${setup.awardId}`);
    const current = (await page.locator('main').textContent()) ?? '';
    expect(current).toContain('£270,000.00');
    expect(current).toContain('£220,000.00');
    // Its times on the UK clock with the zone named.
    const zoned = String.raw`\d{1,2} \w+ \d{4} \d\d:\d\d:\d\d (GMT|BST)`;
    expect(current).toMatch(new RegExp(`Outcome published\\s*${zoned}\\s*Offer deadline`));
    expect(current).toMatch(new RegExp(`Accepted\\s*${zoned} by Kim McGuinness`));
    await page.context().close();
  }, 90_000);
  it('tells a bidder what stops a return in the form’s words, not the API’s field name', async () => {
    const { t, pcc } = portal.world;
    const q2 = setup.returns[1].id;
    const read = await t.http().get(`/api/v1/returns/${q2}`).set(pcc.headers).expect(200);
    // £10,000 against a quarter profiled at £75,000, and no reason given.
    await t
      .http()
      .patch(`/api/v1/returns/${q2}`)
      .set(pcc.headers)
      .set('if-match', `"${(read.body as { version: number }).version}"`)
      .send(quarterReturn(setup.interventionId, { capital: 1_000_000 }))
      .expect(200);
    const page = await portal.newPage();
    await portal.signIn(page, pcc.email, pcc.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/returns/${q2}/check`);
    const warning = (await page.locator('main').textContent()) ?? '';
    expect(warning).toContain('explain why in “Why spend differs from the profile”');
    expect(warning).not.toContain('varianceExplanation');
    await portal.check(page, 'return-check-variance');
    await page.context().close();
  }, 90_000);
});
