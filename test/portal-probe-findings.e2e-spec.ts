import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from './support/app';
import { createAccount, emailedLinkToken } from './support/accounts';
import { NORTHUMBRIA_PCC, organisationIds } from './support/bids';
import { uniqueSuffix } from './support/factories';
import { startPortalBrowser, type PortalBrowser } from './support/portal';
import { eventually } from './support/smtp';

// What an acceptance probe found the portal doing wrong, each played in a real browser: a
// password reset that worked said it failed.

describe('the portal, as the acceptance probe found it', () => {
  let portal: PortalBrowser;
  let baseUrl: string;

  beforeAll(async () => {
    portal = await startPortalBrowser();
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
});
